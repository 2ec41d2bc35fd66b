//! The CPU side of applying a plan: each write cut into pieces of at most 8 MiB, read with
//! `pread` when nothing converts them, otherwise converted (cast, dequantized) from the mapped
//! file, in parallel, with progress after each batch.

use rayon::prelude::*;

use super::cast::convert;
use super::dequant::{dequantize, Scale};
use super::file::OpenFile;
use super::options::LoadOptions;
use super::spans::Span;
use crate::{DType, Result};

/// Destination bytes per parallel piece.
const PIECE: usize = 8 << 20;
/// Pieces between two progress reports.
const BATCH: usize = 8;

/// One write's conversion: the write (index into the plan), its dtypes, and the FP8 scale.
#[derive(Clone, Copy)]
pub(super) struct Job<'s> {
    pub(super) write: usize,
    pub(super) from: DType,
    pub(super) to: DType,
    pub(super) scale: Option<&'s Scale>,
}

impl Job<'_> {
    /// Converts `src` into `dst`; `first` is the index of `src`'s first element in the tensor.
    pub(super) fn convert(&self, src: &[u8], dst: &mut [u8], first: usize) {
        match self.scale {
            Some(scale) => dequantize(self.from, self.to, src, dst, first, scale),
            None => convert(self.from, self.to, src, dst),
        }
    }
}

/// A part of one tensor's copy: destination bytes, their source, and the conversion.
pub(super) struct Piece<'d, 's> {
    job: Job<'s>,
    dst: &'d mut [u8],
    src: &'s [u8],
    /// Index of the first element of `src` in the whole tensor (for block scales).
    first: usize,
    file: usize,
    /// Where `src` starts in the file, when it can be read with `pread` instead.
    offset: Option<u64>,
}

/// Cuts `dst` into the parallel pieces of a write: each copy at its destination offset, in
/// pieces of at most [`PIECE`] destination bytes.
pub(super) fn split_into_pieces<'d, 's>(
    job: Job<'s>,
    mut dst: &'d mut [u8],
    copies: &[Span<'s>],
    from_file: bool,
    files: &[OpenFile<'_>],
    out: &mut Vec<Piece<'d, 's>>,
) {
    let (from, to) = (job.from, job.to);
    let (from_size, to_size) = (from.size_in_bytes(), to.size_in_bytes());
    let from_piece = (PIECE / to_size * from_size).max(from_size);
    // Same dtype from a file: the kernel copies page cache to the tensor (`pread`), with no
    // mapping of the file's pages into this process (no second resident copy).
    let mut cursor = 0;
    for c in copies.iter().filter(|c| !c.data.is_empty()) {
        let preadable = from_file && from == to && files.get(c.file).is_some_and(|f| f.file.is_some());
        // Copies come sorted by destination and never overlap.
        let (_, rest) = std::mem::take(&mut dst).split_at_mut(c.dst_offset - cursor);
        dst = rest;
        cursor = c.dst_offset;
        for at in (0..c.data.len()).step_by(from_piece) {
            let data = &c.data[at..(at + from_piece).min(c.data.len())];
            let len = data.len() / from_size * to_size;
            let (piece, rest) = std::mem::take(&mut dst).split_at_mut(len);
            dst = rest;
            cursor += len;
            out.push(Piece {
                job,
                dst: piece,
                src: data,
                first: (c.dst_offset + at / from_size * to_size) / to_size,
                file: c.file,
                offset: preadable.then_some((c.file_offset + at) as u64),
            });
        }
    }
}

/// Reads `dst.len()` bytes at `offset` of the file.
fn read_at(file: &OpenFile<'_>, dst: &mut [u8], offset: u64) -> Result<()> {
    #[cfg(unix)]
    let r = {
        use std::os::unix::fs::FileExt;
        file.file
            .as_ref()
            .expect("preadable pieces have a file")
            .read_exact_at(dst, offset)
    };
    #[cfg(not(unix))]
    let r: std::io::Result<()> = {
        // The mapping holds the whole file, so a file offset is an index into it.
        dst.copy_from_slice(&file.bytes()[offset as usize..][..dst.len()]);
        Ok(())
    };
    r.map_err(|source| crate::Error::Io {
        path: file.path.clone(),
        source,
    })
}

/// Runs the CPU pieces in batches on the thread pool, marking their writes touched first and
/// reporting progress after each batch.
pub(super) fn run_pieces(
    pieces: &mut [Piece<'_, '_>],
    files: &[OpenFile<'_>],
    touched: &mut [bool],
    done: &mut u64,
    total: u64,
    opts: &mut LoadOptions<'_>,
) -> Result<()> {
    for batch in pieces.chunks_mut(BATCH) {
        for p in batch.iter() {
            touched[p.job.write] = true;
        }
        // Only a file changed or failing under the load fails here: every range was checked
        // against its size.
        batch.par_iter_mut().try_for_each(|p| match p.offset {
            Some(off) => read_at(&files[p.file], p.dst, off),
            None => {
                p.job.convert(p.src, p.dst, p.first);
                Ok(())
            }
        })?;
        for p in batch.iter() {
            if let (Some(f), None) = (files.get(p.file), p.offset) {
                f.release(p.src);
            }
            *done += p.dst.len() as u64;
        }
        opts.report_progress(*done, total);
    }
    Ok(())
}
