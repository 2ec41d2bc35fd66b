//! Writing a checked plan into the module: copies in parallel on the CPU (dtype casts fused
//! into the copy; a same-dtype copy is a `pread` straight into the tensor, so the file's pages
//! are never mapped into the process next to the tensor's), uploads to CUDA tensors, and
//! zero-copy views of the file.
//!
//! Everything that can fail — mappings for views, fresh tensors, the staging buffer for casts
//! to a GPU — is acquired before the first byte is written, so a failure leaves the module as
//! it was.

use rayon::prelude::*;

use super::cast::convert;
use super::copies::Copy;
use super::file::{OpenFile, SourceTensor};
use super::options::LoadOptions;
use super::plan::Plan;
use crate::tensor::storage::host::{FileMapping, HostBuffer};
use crate::tensor::Storage;
use crate::{DType, Device, Result, Tensor};

/// Destination bytes per parallel piece.
const PIECE: usize = 8 << 20;
/// Pieces between two progress reports.
const BATCH: usize = 8;

/// A part of one tensor's copy: destination bytes, their source, and the cast between them.
struct Piece<'d, 's> {
    dst: &'d mut [u8],
    src: &'s [u8],
    from: DType,
    to: DType,
    file: usize,
    /// Where `src` starts in the file, when it can be read with `pread` instead.
    offset: Option<u64>,
}

/// Cuts `dst` into the parallel pieces of a write: each copy at its destination offset, in
/// pieces of at most [`PIECE`] destination bytes.
fn split_into_pieces<'d, 's>(
    mut dst: &'d mut [u8],
    copies: &[Copy<'s>],
    from: DType,
    to: DType,
    from_file: bool,
    files: &[OpenFile<'_>],
    out: &mut Vec<Piece<'d, 's>>,
) {
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
                dst: piece,
                src: data,
                from,
                to,
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

enum How {
    /// Copy into the slot's own memory (CPU or CUDA).
    InPlace,
    /// A view of the file's private mapping replaces the slot's tensor.
    View(usize),
    /// A new CPU tensor replaces the slot's (a meta module loaded with `zero_copy`).
    Fresh,
}

/// Writes a checked plan into the module; returns the bytes written.
pub(crate) fn apply(
    plan: &Plan<'_>,
    sources: &[SourceTensor<'_>],
    files: &[OpenFile<'_>],
    opts: &mut LoadOptions<'_>,
) -> Result<u64> {
    let copies: Vec<Vec<Copy<'_>>> = plan.writes.iter().map(|w| w.copies(&sources[w.source])).collect();
    let hows: Vec<How> = plan
        .writes
        .iter()
        .zip(&copies)
        .map(|(w, copies)| {
            let src = &sources[w.source];
            let device = w.slot.device();
            // One contiguous range (a whole tensor, or a dim-0 shard) of the same dtype,
            // aligned for it: the file's pages can be the tensor.
            let viewable = opts.zero_copy
                && matches!(device, Device::Cpu | Device::Meta)
                && src.slot.is_none()
                && src.dtype == w.to
                && src.dtype != DType::Bool
                && copies.len() == 1
                && files[copies[0].file].file.is_some()
                && copies[0].file_offset.is_multiple_of(src.dtype.size_in_bytes());
            match (viewable, device) {
                (true, _) => How::View(copies[0].file),
                (false, Device::Meta) => How::Fresh,
                _ => How::InPlace,
            }
        })
        .collect();

    // Acquire first.
    let mut mappings: Vec<Option<FileMapping>> = (0..files.len()).map(|_| None).collect();
    for h in &hows {
        if let How::View(f) = *h {
            if mappings[f].is_none() {
                let file = files[f].file.as_ref().expect("viewable files have a handle");
                mappings[f] = Some(FileMapping::new(file).map_err(|source| crate::Error::Io {
                    path: files[f].path.clone(),
                    source,
                })?);
            }
        }
    }
    let mut fresh: Vec<Option<Tensor>> = Vec::with_capacity(hows.len());
    for (w, h) in plan.writes.iter().zip(&hows) {
        fresh.push(match h {
            How::Fresh => Some(Tensor::empty(w.slot.shape(), (Device::Cpu, w.to))?),
            _ => None,
        });
    }
    // GPU tensors that need their bytes gathered or converted on the host first.
    let cuda_cast_bytes = plan
        .writes
        .iter()
        .zip(&copies)
        .filter(|(w, copies)| {
            matches!(w.slot.device(), Device::Cuda(_))
                && (sources[w.source].dtype != w.to || copies.len() > 1)
        })
        .map(|(w, _)| w.bytes() as usize)
        .max();
    let mut staging = cuda_cast_bytes.map(HostBuffer::zeroed).transpose()?;

    let total: u64 = plan.writes.iter().map(|w| w.bytes()).sum();
    let mut done = 0u64;
    opts.report_progress(0, total);

    // Views: the slot takes a tensor over the file's pages.
    for (i, ((w, h), fresh)) in plan.writes.iter().zip(&hows).zip(&mut fresh).enumerate() {
        let tensor = match h {
            How::View(f) => {
                let map = mappings[*f].as_ref().expect("mapped above");
                // SAFETY: each checkpoint tensor's byte range is validated and disjoint from
                // every other's, and each is the source of at most one write, so no two views
                // overlap; the range is aligned to the dtype's size (checked in `viewable`).
                let c = &copies[i][0];
                let buf = unsafe { HostBuffer::file_view(map, c.file_offset, c.data.len()) };
                let buf = buf.expect("validated ranges lie inside the file");
                Tensor::from_storage(&w.slot.shape(), w.to, Storage::Cpu(buf))
            }
            // Filled below with the in-place copies, which count its bytes.
            How::Fresh => fresh.take().expect("allocated above"),
            How::InPlace => continue,
        };
        if matches!(h, How::View(_)) {
            done += w.bytes();
        }
        w.slot.swap_in(tensor, true);
    }

    // In-place and fresh copies on the CPU, in parallel pieces; uploads to CUDA tensors.
    let mut guards = Vec::new();
    let mut cuda = Vec::new();
    for ((w, h), copies) in plan.writes.iter().zip(&hows).zip(&copies) {
        if matches!(h, How::InPlace | How::Fresh) {
            let guard = w.slot.lock_mut();
            if matches!(guard.storage(), Storage::Cpu(_)) {
                guards.push((guard, w.source, w.to, copies));
            } else {
                cuda.push((guard, w.source, w.to, copies));
            }
        }
    }
    let mut pieces: Vec<Piece<'_, '_>> = Vec::new();
    for (guard, source, to, copies) in &mut guards {
        let src = &sources[*source];
        let dst = guard.storage_mut().host_mut()?.as_bytes_mut();
        let (from, to) = (src.dtype, *to);
        split_into_pieces(dst, copies, from, to, src.slot.is_none(), files, &mut pieces);
    }
    let mut rest = pieces.as_mut_slice();
    while !rest.is_empty() {
        let (batch, tail) = rest.split_at_mut(BATCH.min(rest.len()));
        let read = batch.par_iter_mut().try_for_each(|p| match p.offset {
            Some(off) => read_at(&files[p.file], p.dst, off),
            None => {
                convert(p.from, p.to, p.src, p.dst);
                Ok(())
            }
        });
        if let Err(e) = read {
            // Only a file changed or failing under the load gets here (every range was checked
            // against its size): the tensors may hold part of their data, and say so.
            for w in &plan.writes {
                w.slot.set_written(false);
            }
            return Err(e);
        }
        for p in batch.iter() {
            if let (Some(f), None) = (files.get(p.file), p.offset) {
                f.release(p.src);
            }
            done += p.dst.len() as u64;
        }
        opts.report_progress(done, total);
        rest = tail;
    }
    drop(pieces);
    for (mut guard, source, to, copies) in cuda {
        let src = &sources[source];
        let uploaded = if src.dtype == to && copies.len() == 1 {
            guard.storage_mut().write_host_bytes(copies[0].data)
        } else {
            let n = guard.size_in_bytes();
            let host = &mut staging.as_mut().expect("sized above").as_bytes_mut()[..n];
            for c in copies {
                let len = c.data.len() / src.dtype.size_in_bytes() * to.size_in_bytes();
                convert(src.dtype, to, c.data, &mut host[c.dst_offset..c.dst_offset + len]);
            }
            guard.storage_mut().write_host_bytes(host)
        };
        if let Err(e) = uploaded {
            // A driver failure mid-load (everything else was checked before): the tensors
            // written so far are not rolled back, so none of them counts as written.
            drop(guard);
            for w in &plan.writes {
                w.slot.set_written(false);
            }
            return Err(e);
        }
        done += guard.size_in_bytes() as u64;
        opts.report_progress(done, total);
    }
    drop(guards);
    for w in &plan.writes {
        w.slot.set_written(true);
    }
    // A load of views only has reported nothing since the start.
    opts.report_progress(total, total);
    Ok(total)
}
