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
use super::file::{OpenFile, SourceTensor};
use super::options::LoadOptions;
use super::plan::Plan;
use crate::tensor::host_memory::{FileMapping, HostBuffer};
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

pub(crate) fn apply(
    plan: &Plan<'_>,
    sources: &[SourceTensor<'_>],
    files: &[OpenFile<'_>],
    opts: &mut LoadOptions<'_>,
) -> Result<u64> {
    // Returns the bytes written.
    let hows: Vec<How> = plan
        .writes
        .iter()
        .map(|w| {
            let src = &sources[w.source];
            let device = w.slot.device();
            let viewable = opts.zero_copy
                && matches!(device, Device::Cpu | Device::Meta)
                && src.slot.is_none()
                && files[src.file].file.is_some()
                && src.dtype == w.to
                && src.dtype != DType::Bool
                && src.offset.is_multiple_of(src.dtype.size_in_bytes());
            match (viewable, device) {
                (true, _) => How::View(src.file),
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
    let cuda_cast_bytes = plan
        .writes
        .iter()
        .filter(|w| matches!(w.slot.device(), Device::Cuda(_)) && sources[w.source].dtype != w.to)
        .map(|w| w.slot.numel() * w.to.size_in_bytes())
        .max();
    let mut staging = cuda_cast_bytes.map(HostBuffer::zeroed).transpose()?;

    let total: u64 = plan
        .writes
        .iter()
        .map(|w| (w.slot.numel() * w.to.size_in_bytes()) as u64)
        .sum();
    let mut done = 0u64;
    opts.report_progress(0, total);

    // Views: the slot takes a tensor over the file's pages.
    for ((w, h), fresh) in plan.writes.iter().zip(&hows).zip(&mut fresh) {
        let src = &sources[w.source];
        let tensor = match h {
            How::View(f) => {
                let map = mappings[*f].as_ref().expect("mapped above");
                // SAFETY: each checkpoint tensor's byte range is validated and disjoint from
                // every other's, and each is the source of at most one write, so no two views
                // overlap; the range is aligned to the dtype's size (checked in `viewable`).
                let buf = unsafe { HostBuffer::file_view(map, src.offset, src.data.len()) };
                let buf = buf.expect("validated ranges lie inside the file");
                Tensor::from_storage(src.shape.as_slice(), w.to, Storage::Cpu(buf))
            }
            How::Fresh => fresh.take().expect("allocated above"),
            How::InPlace => continue,
        };
        w.slot.swap_in(tensor, true);
        done += src.data.len() as u64;
    }

    // In-place and fresh copies on the CPU, in parallel pieces; uploads to CUDA tensors.
    let mut guards = Vec::new();
    let mut cuda = Vec::new();
    for (w, h) in plan.writes.iter().zip(&hows) {
        if matches!(h, How::InPlace | How::Fresh) {
            let guard = w.slot.lock_mut();
            if matches!(guard.storage(), Storage::Cpu(_)) {
                guards.push((guard, w.source, w.to));
            } else {
                cuda.push((guard, w.source, w.to));
            }
        }
    }
    let mut pieces: Vec<Piece<'_, '_>> = Vec::new();
    for (guard, source, to) in &mut guards {
        let src = &sources[*source];
        let dst = guard.storage_mut().host_mut()?.as_bytes_mut();
        let elems = PIECE / to.size_in_bytes();
        let from_piece = elems * src.dtype.size_in_bytes();
        for (i, (dst, data)) in dst
            .chunks_mut(elems * to.size_in_bytes())
            .zip(src.data.chunks(from_piece))
            .enumerate()
        {
            // Same dtype from a file: the kernel copies page cache to the tensor (`pread`), with
            // no mapping of the file's pages into this process (no second resident copy).
            let preadable = src.slot.is_none()
                && src.dtype == *to
                && files.get(src.file).is_some_and(|f| f.file.is_some());
            pieces.push(Piece {
                dst,
                src: data,
                from: src.dtype,
                to: *to,
                file: src.file,
                offset: preadable.then(|| (src.offset + i * from_piece) as u64),
            });
        }
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
    for (mut guard, source, to) in cuda {
        let src = &sources[source];
        if src.dtype == to {
            guard.storage_mut().write_host_bytes(src.data)?;
        } else {
            let host = staging.as_mut().expect("sized above").as_bytes_mut();
            let host = &mut host[..guard.size_in_bytes()];
            convert(src.dtype, to, src.data, host);
            guard.storage_mut().write_host_bytes(host)?;
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
