//! Writing a checked plan into the module: copies in parallel on the CPU (dtype casts fused
//! into the copy; a same-dtype copy is a `pread` straight into the tensor, so the file's pages
//! are never mapped into the process next to the tensor's), uploads to CUDA tensors, and
//! zero-copy views of the file.
//!
//! Everything that can fail — mappings for views, fresh tensors, the staging buffer for casts
//! to a GPU — is acquired before the first byte is written, so a failure leaves the module as
//! it was.

use super::dequant::Scale;
use super::file::{OpenFile, SourceTensor};
use super::load_plan::Plan;
use super::options::LoadOptions;
use super::pieces::{run_pieces, split_into_pieces, Job, Piece};
use super::spans::Span;
use crate::tensor::storage::host::{FileMapping, HostBuffer};
use crate::tensor::Storage;
use crate::{DType, Device, Result, Tensor};

enum How {
    /// Copy into the slot's own memory (CPU or CUDA).
    InPlace,
    /// A view of the file's private mapping replaces the slot's tensor.
    View(usize),
    /// A new CPU tensor replaces the slot's (a meta module loaded with `zero_copy`).
    Fresh,
}

/// A load that failed after it began writing: the error, and the writes (indices into the
/// plan) that may have changed their tensor. Nothing else was touched.
pub(crate) type Failed = (crate::Error, Vec<usize>);

/// Writes a checked plan into the module; returns the bytes written.
pub(crate) fn apply(
    plan: &Plan<'_>,
    sources: &[SourceTensor<'_>],
    files: &[OpenFile<'_>],
    opts: &mut LoadOptions<'_>,
) -> std::result::Result<u64, Failed> {
    let untouched = |e| (e, Vec::new());
    let copies: Vec<Vec<Span<'_>>> = plan.writes.iter().map(|w| w.spans(&sources[w.source])).collect();
    let hows = decide(plan, sources, files, &copies, opts.zero_copy);
    let scales = read_scales(plan, sources);
    let job = |i: usize| Job {
        write: i,
        from: sources[plan.writes[i].source].dtype,
        to: plan.writes[i].to,
        scale: scales[i].as_ref(),
    };
    let acquired = acquire(plan, sources, files, &copies, &hows).map_err(untouched)?;

    let total: u64 = plan.writes.iter().map(|w| w.bytes).sum();
    let mut touched = vec![false; plan.writes.len()];
    opts.report_progress(0, total);
    let mut done = swap_in_views(
        plan,
        &copies,
        &hows,
        acquired.mappings,
        acquired.fresh,
        &mut touched,
    );

    // In-place and fresh copies on the CPU, in parallel pieces; uploads to CUDA tensors.
    let (mut guards, cuda) = lock_copied(plan, &hows, &copies);
    let fail = |e, touched: &[bool]| {
        let written: Vec<usize> = (0..touched.len()).filter(|&i| touched[i]).collect();
        for &i in &written {
            plan.writes[i].slot.set_written(false);
        }
        (e, written)
    };
    let mut pieces: Vec<Piece<'_, '_>> = Vec::new();
    for (i, guard, copies) in &mut guards {
        let dst = match guard.storage_mut().host_mut() {
            Ok(host) => host.as_bytes_mut(),
            Err(e) => return Err(fail(e, &touched)),
        };
        let from_file = sources[plan.writes[*i].source].slot.is_none();
        split_into_pieces(job(*i), dst, copies, from_file, files, &mut pieces);
    }
    run_pieces(&mut pieces, files, &mut touched, &mut done, total, opts).map_err(|e| fail(e, &touched))?;
    drop(pieces);
    for (i, guard, _) in guards
        .iter_mut()
        .filter(|(i, ..)| plan.writes[*i].to == DType::Bool)
    {
        let src = &sources[plan.writes[*i].source];
        let host = guard.storage_mut().host_mut().map_err(|e| fail(e, &touched))?;
        check_bools(host.as_bytes_mut(), src, files).map_err(|e| fail(e, &touched))?;
    }
    let mut staging = acquired.staging;
    for (i, mut guard, copies) in cuda {
        touched[i] = true;
        let src = &sources[plan.writes[i].source];
        let uploaded = upload(&mut guard, copies, job(i), src, files, staging.as_mut());
        if let Err(e) = uploaded {
            drop(guard);
            return Err(fail(e, &touched));
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

/// The FP8 scales of the writes that dequantize, read into f32.
fn read_scales(plan: &Plan<'_>, sources: &[SourceTensor<'_>]) -> Vec<Option<Scale>> {
    plan.writes
        .iter()
        .map(|w| {
            w.scale
                .map(|(i, kind)| Scale::read(&sources[i], kind, &sources[w.source].shape))
        })
        .collect()
}

/// A write copied into its tensor: its index, the tensor locked for writing, and its spans.
type Locked<'g, 's, 'c> = (usize, std::sync::RwLockWriteGuard<'g, Tensor>, &'c Vec<Span<'s>>);

/// Locks every tensor that is copied into (in place or fresh), split into CPU and CUDA ones.
#[allow(clippy::type_complexity)]
fn lock_copied<'g, 's, 'c>(
    plan: &'g Plan<'_>,
    hows: &[How],
    copies: &'c [Vec<Span<'s>>],
) -> (Vec<Locked<'g, 's, 'c>>, Vec<Locked<'g, 's, 'c>>) {
    let mut cpu = Vec::new();
    let mut cuda = Vec::new();
    for (i, ((w, h), spans)) in plan.writes.iter().zip(hows).zip(copies).enumerate() {
        if matches!(h, How::InPlace | How::Fresh) {
            let guard = w.slot.lock_mut();
            if matches!(guard.storage(), Storage::Cpu(_)) {
                cpu.push((i, guard, spans));
            } else {
                cuda.push((i, guard, spans));
            }
        }
    }
    (cpu, cuda)
}

/// One GPU tensor's bytes: straight from the file when they need nothing, otherwise gathered,
/// converted (or dequantized) and, for bool, checked in the host staging buffer first.
fn upload(
    guard: &mut Tensor,
    spans: &[Span<'_>],
    job: Job<'_>,
    src: &SourceTensor<'_>,
    files: &[OpenFile<'_>],
    staging: Option<&mut HostBuffer>,
) -> Result<()> {
    let to = job.to;
    if src.dtype == to && to != DType::Bool && spans.len() == 1 && job.scale.is_none() {
        return guard.storage_mut().write_host_bytes(spans[0].data);
    }
    let n = guard.size_in_bytes();
    let host = &mut staging.expect("sized in acquire").as_bytes_mut()[..n];
    for c in spans {
        let len = c.data.len() / src.dtype.size_in_bytes() * to.size_in_bytes();
        let first = c.dst_offset / to.size_in_bytes();
        job.convert(c.data, &mut host[c.dst_offset..c.dst_offset + len], first);
    }
    if to == DType::Bool {
        check_bools(host, src, files)?;
    }
    guard.storage_mut().write_host_bytes(host)
}

/// How each write lands: a view of the file, a fresh tensor, or a copy in place.
fn decide(
    plan: &Plan<'_>,
    sources: &[SourceTensor<'_>],
    files: &[OpenFile<'_>],
    copies: &[Vec<Span<'_>>],
    zero_copy: bool,
) -> Vec<How> {
    plan.writes
        .iter()
        .zip(copies)
        .map(|(w, copies)| {
            let src = &sources[w.source];
            let device = w.slot.device();
            // One contiguous range (a whole tensor, or a dim-0 shard) of the same dtype,
            // aligned for it: the file's pages can be the tensor. Never for a dtype with invalid
            // bit patterns (bool): a mapped page can change under the view after any check.
            let viewable = zero_copy
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
        .collect()
}

/// What a load needs before its first write: mappings for views, fresh tensors, and the
/// host staging buffer for GPU tensors whose bytes are gathered, converted or checked first.
struct Acquired {
    mappings: Vec<Option<FileMapping>>,
    fresh: Vec<Option<Tensor>>,
    staging: Option<HostBuffer>,
}

fn acquire(
    plan: &Plan<'_>,
    sources: &[SourceTensor<'_>],
    files: &[OpenFile<'_>],
    copies: &[Vec<Span<'_>>],
    hows: &[How],
) -> Result<Acquired> {
    let mut mappings: Vec<Option<FileMapping>> = (0..files.len()).map(|_| None).collect();
    for h in hows {
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
    for (w, h) in plan.writes.iter().zip(hows) {
        fresh.push(match h {
            How::Fresh => Some(Tensor::empty(w.slot.shape(), (Device::Cpu, w.to))?),
            _ => None,
        });
    }
    let staged_bytes = plan
        .writes
        .iter()
        .zip(copies)
        .filter(|(w, copies)| {
            matches!(w.slot.device(), Device::Cuda(_))
                && (sources[w.source].dtype != w.to || w.to == DType::Bool || copies.len() > 1)
        })
        .map(|(w, _)| w.bytes as usize)
        .max();
    let staging = staged_bytes.map(HostBuffer::zeroed).transpose()?;
    Ok(Acquired {
        mappings,
        fresh,
        staging,
    })
}

/// Views: the slot takes a tensor over the file's pages; a fresh tensor takes a meta slot's
/// place (its bytes follow with the copies). Returns the bytes placed.
fn swap_in_views(
    plan: &Plan<'_>,
    copies: &[Vec<Span<'_>>],
    hows: &[How],
    mappings: Vec<Option<FileMapping>>,
    mut fresh: Vec<Option<Tensor>>,
    touched: &mut [bool],
) -> u64 {
    let mut done = 0;
    for (i, (w, h)) in plan.writes.iter().zip(hows).enumerate() {
        let tensor = match h {
            How::View(f) => {
                let map = mappings[*f].as_ref().expect("mapped above");
                // SAFETY: each checkpoint tensor's byte range is validated and disjoint from
                // every other's, and each is the source of at most one write, so no two views
                // overlap; the range is aligned to the dtype's size (checked in `decide`), and
                // the dtype accepts every bit pattern (bool is never viewed).
                let c = &copies[i][0];
                let buf = unsafe { HostBuffer::file_view(map, c.file_offset, c.data.len()) };
                let buf = buf.expect("validated ranges lie inside the file");
                done += w.bytes;
                Tensor::from_storage(&w.slot.shape(), w.to, Storage::Cpu(buf))
            }
            How::Fresh => fresh[i].take().expect("allocated above"),
            How::InPlace => continue,
        };
        touched[i] = true;
        w.slot.swap_in(tensor, true);
    }
    done
}

/// Bool bytes as they were copied into the module: a file rewritten after the plan checked it
/// can put any byte here, and a `bool` other than 0 or 1 is undefined behaviour in safe code.
/// Such bytes are cleared to `false` before the error, so no invalid value is ever left.
fn check_bools(bytes: &mut [u8], src: &SourceTensor<'_>, files: &[OpenFile<'_>]) -> Result<()> {
    let bad = bytes.iter().filter(|&&b| b > 1).count();
    if bad == 0 {
        return Ok(());
    }
    for b in bytes.iter_mut().filter(|b| **b > 1) {
        *b = 0;
    }
    Err(super::errors::bad(
        &files[src.file].path,
        Some(&src.key),
        format!("the file changed during the load: {bad} bool byte(s) other than 0 or 1 were copied (cleared to false)"),
    ))
}
