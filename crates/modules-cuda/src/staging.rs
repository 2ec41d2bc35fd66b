//! Host↔device copies through pinned staging buffers.
//!
//! The driver can only DMA from page-locked memory; from pageable memory it stages through a
//! small internal buffer, one piece at a time. We stage ourselves instead: two large pinned
//! buffers per direction, filled (or drained) by several CPU threads while the DMA engine works
//! on the other one, so the CPU copy and the bus transfer overlap.

use std::sync::{Arc, Mutex};

use cudarc::driver::{CudaContext, CudaEvent, CudaSlice, CudaStream, PinnedHostSlice};

use crate::guard::{call, driver};
use crate::CudaError;

/// Bytes per staging buffer (and per DMA).
pub(crate) const CHUNK: usize = 32 << 20;
/// Copies up to this size go straight through the driver: staging would not pay off.
pub(crate) const DIRECT_MAX: usize = 1 << 20;

/// One pinned buffer and the event after the last DMA that used it.
struct Slot {
    host: PinnedHostSlice<u8>,
    // cudarc records events on pinned slices only in multi-stream mode; track our own.
    done: Option<CudaEvent>,
}

impl Slot {
    fn wait(&mut self) -> Result<(), CudaError> {
        if let Some(e) = self.done.take() {
            call(|| e.synchronize())?;
        }
        Ok(())
    }
}

/// The staging buffers of one device, allocated on first use and kept.
#[derive(Default)]
pub(crate) struct Staging {
    up: Vec<Slot>,
    down: Vec<Slot>,
}

/// What a copy needs of a device: its context (to pin memory), its stream, and its buffers.
pub(crate) struct Stager<'a> {
    pub(crate) ctx: &'a Arc<CudaContext>,
    pub(crate) stream: &'a Arc<CudaStream>,
    pub(crate) buffers: &'a Mutex<Staging>,
}

fn alloc_slots(dev: &Stager<'_>, write_combined: bool) -> Result<Vec<Slot>, CudaError> {
    (0..2)
        .map(|_| {
            // SAFETY: the pinned bytes are uninitialized; every byte is written (host memcpy or
            // DMA) before it is read, and only the written prefix is ever read.
            let host = call(|| unsafe {
                if write_combined {
                    // Write-combined: fastest for the CPU to write and the GPU to read.
                    dev.ctx.alloc_pinned::<u8>(CHUNK)
                } else {
                    // Cached: the CPU reads it back, which is very slow on write-combined memory.
                    dev.ctx.alloc_pinned_with_flags::<u8>(CHUNK, 0)
                }
            })?;
            Ok(Slot { host, done: None })
        })
        .collect()
}

/// `dst[..] = src[..]` on several threads (a single core copies at ~10 GB/s, below PCIe 5).
pub(crate) fn par_copy(dst: &mut [u8], src: &[u8]) {
    const PIECE: usize = 4 << 20;
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(8));
    if src.len() <= PIECE || threads == 1 {
        dst.copy_from_slice(src);
        return;
    }
    let per = src.len().div_ceil(threads);
    std::thread::scope(|s| {
        for (d, c) in dst.chunks_mut(per).zip(src.chunks(per)) {
            s.spawn(move || d.copy_from_slice(c));
        }
    });
}

/// Host bytes → device, `src.len() == dst.len()` checked by the caller.
pub(crate) fn upload(dev: &Stager<'_>, src: &[u8], dst: &mut CudaSlice<u8>) -> Result<(), CudaError> {
    if src.len() <= DIRECT_MAX {
        call(|| dev.stream.memcpy_htod(src, dst))?;
        return call(|| dev.stream.synchronize());
    }
    let mut staging = dev.buffers.lock().unwrap_or_else(|e| e.into_inner());
    if staging.up.is_empty() {
        match alloc_slots(dev, true) {
            Ok(s) => staging.up = s,
            // No pinned memory to spare: the driver's own (slower) path still works.
            Err(_) => {
                call(|| dev.stream.memcpy_htod(src, dst))?;
                return call(|| dev.stream.synchronize());
            }
        }
    }
    let result = upload_chunks(dev, &mut staging.up, src, dst);
    // Whatever happened, no DMA may still read a staging buffer after we return.
    let synced = call(|| dev.stream.synchronize());
    for slot in &mut staging.up {
        slot.done = None;
    }
    result.and(synced)
}

fn upload_chunks(
    dev: &Stager<'_>,
    slots: &mut [Slot],
    src: &[u8],
    dst: &mut CudaSlice<u8>,
) -> Result<(), CudaError> {
    for (k, chunk) in src.chunks(CHUNK).enumerate() {
        let slot = &mut slots[k % slots.len()];
        slot.wait()?;
        let host = slot.host.as_mut_slice().map_err(driver)?;
        par_copy(&mut host[..chunk.len()], chunk);
        let off = k * CHUNK;
        let mut view = dst.slice_mut(off..off + chunk.len());
        // A `&[u8]` into pinned memory: the driver DMAs asynchronously from it.
        call(|| dev.stream.memcpy_htod(&host[..chunk.len()], &mut view))?;
        slot.done = Some(call(|| dev.stream.record_event(None))?);
    }
    Ok(())
}

/// Device → host bytes, `src.len() == dst.len()` checked by the caller.
pub(crate) fn download(dev: &Stager<'_>, src: &CudaSlice<u8>, dst: &mut [u8]) -> Result<(), CudaError> {
    if dst.len() <= DIRECT_MAX {
        call(|| dev.stream.memcpy_dtoh(src, dst))?;
        return call(|| dev.stream.synchronize());
    }
    let mut staging = dev.buffers.lock().unwrap_or_else(|e| e.into_inner());
    if staging.down.is_empty() {
        match alloc_slots(dev, false) {
            Ok(s) => staging.down = s,
            Err(_) => {
                call(|| dev.stream.memcpy_dtoh(src, dst))?;
                return call(|| dev.stream.synchronize());
            }
        }
    }
    let result = download_chunks(dev, &mut staging.down, src, dst);
    let synced = call(|| dev.stream.synchronize());
    for slot in &mut staging.down {
        slot.done = None;
    }
    result.and(synced)
}

fn download_chunks(
    dev: &Stager<'_>,
    slots: &mut [Slot],
    src: &CudaSlice<u8>,
    dst: &mut [u8],
) -> Result<(), CudaError> {
    let chunks: Vec<&mut [u8]> = dst.chunks_mut(CHUNK).collect();
    let n = chunks.len();
    // Queue one DMA per slot, then for each chunk k: wait for it, copy it out, and reuse its
    // slot for chunk k + 2 -- the DMA of chunk k + 1 runs while the CPU copies chunk k.
    let enqueue = |k: usize, slot: &mut Slot, len: usize| -> Result<(), CudaError> {
        let host = slot.host.as_mut_slice().map_err(driver)?;
        let view = src.slice(k * CHUNK..k * CHUNK + len);
        call(|| dev.stream.memcpy_dtoh(&view, &mut host[..len]))?;
        slot.done = Some(call(|| dev.stream.record_event(None))?);
        Ok(())
    };
    let lens: Vec<usize> = chunks.iter().map(|c| c.len()).collect();
    for (k, &len) in lens.iter().enumerate().take(slots.len().min(n)) {
        enqueue(k, &mut slots[k], len)?;
    }
    let m = slots.len();
    for (k, out) in chunks.into_iter().enumerate() {
        let slot = &mut slots[k % m];
        slot.wait()?;
        let host = slot.host.as_slice().map_err(driver)?;
        par_copy(out, &host[..out.len()]);
        if k + m < n {
            enqueue(k + m, slot, lens[k + m])?;
        }
    }
    Ok(())
}
