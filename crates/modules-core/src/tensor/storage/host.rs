//! Zero-filled, 64-byte aligned host memory that costs nothing until it is written.
//!
//! Large buffers are anonymous memory maps: the kernel hands out zero pages lazily, so an
//! "allocation" of gigabytes costs microseconds and no resident memory, and no uninitialized
//! byte is ever visible to safe Rust. They ask for transparent huge pages so that the first
//! write faults 2 MiB at a time instead of 4 KiB. Small buffers come from the global allocator.

use std::alloc::{self, Layout};
use std::ptr::NonNull;
use std::sync::Arc;

use memmap2::MmapMut;

use crate::{Error, Result};

/// Alignment of every host buffer: a cache line, enough for any SIMD load.
pub const ALIGN: usize = 64;

/// From this size on, memory is mapped from the OS instead of taken from the allocator.
const MAP_THRESHOLD: usize = 1 << 20;

/// One allocation, shared by the buffers carved out of it.
enum Region {
    Heap {
        ptr: NonNull<u8>,
        layout: Layout,
    },
    Map(#[allow(dead_code)] MmapMut), // kept only to unmap on drop
    /// A private (copy-on-write) mapping of a checkpoint file: zero-copy loads.
    File(MmapMut),
    Empty,
}

// SAFETY: a Region is only an owner; all reads and writes go through `HostBuffer`s, each of
// which has exclusive use of its own byte range (see `HostBuffer`).
unsafe impl Send for Region {}
unsafe impl Sync for Region {}

impl Drop for Region {
    fn drop(&mut self) {
        if let Region::Heap { ptr, layout } = self {
            // SAFETY: ptr was returned by `alloc_zeroed(layout)` and is freed exactly once.
            unsafe { alloc::dealloc(ptr.as_ptr(), *layout) }
        }
    }
}

impl Region {
    /// `len` zeroed bytes, 64-byte aligned (page aligned when mapped).
    fn zeroed(len: usize) -> Result<(Arc<Region>, NonNull<u8>)> {
        if len == 0 {
            let dangling = NonNull::new(ALIGN as *mut u8).expect("ALIGN is non-zero");
            return Ok((Arc::new(Region::Empty), dangling));
        }
        // Miri runs the allocator path: it does not emulate anonymous maps and their flags.
        if len >= MAP_THRESHOLD && !cfg!(miri) {
            let mut map = MmapMut::map_anon(len).map_err(|_| Error::HostAllocation { bytes: len })?;
            // Best effort: without THP the memory is still correct, only first touch is slower.
            // (Miri cannot emulate madvise; the hint changes no byte.)
            #[cfg(all(target_os = "linux", not(miri)))]
            let _ = map.advise(memmap2::Advice::HugePage);
            let ptr = NonNull::new(map.as_mut_ptr()).ok_or(Error::HostAllocation { bytes: len })?;
            return Ok((Arc::new(Region::Map(map)), ptr));
        }
        let layout = Layout::from_size_align(len, ALIGN).map_err(|_| Error::HostAllocation { bytes: len })?;
        // SAFETY: layout has a non-zero size.
        let ptr = NonNull::new(unsafe { alloc::alloc_zeroed(layout) })
            .ok_or(Error::HostAllocation { bytes: len })?;
        Ok((Arc::new(Region::Heap { ptr, layout }), ptr))
    }
}

/// A private, copy-on-write mapping of a whole file, from which zero-copy tensors are cut
/// ([`HostBuffer::file_view`]). Writes through a view go to the process's own pages, never to
/// the file; the mapping lives as long as any view of it.
pub(crate) struct FileMapping(Arc<Region>);

impl FileMapping {
    /// Maps `file` privately. The file must not be truncated while mapped (as with any mmap:
    /// reading a page past the new end raises SIGBUS).
    pub(crate) fn new(file: &std::fs::File) -> std::io::Result<FileMapping> {
        // SAFETY: a private mapping: our writes never reach the file. Another process changing
        // the file changes bytes we read, which are plain bytes of any value (every dtype but
        // bool accepts any bit pattern, and bool tensors are validated after mapping and are
        // copied, never viewed).
        let map = unsafe { memmap2::MmapOptions::new().map_copy(file)? };
        Ok(FileMapping(Arc::new(Region::File(map))))
    }

    pub(crate) fn len(&self) -> usize {
        match &*self.0 {
            Region::File(m) => m.len(),
            _ => 0,
        }
    }

    fn base(&self) -> *mut u8 {
        match &*self.0 {
            Region::File(m) => m.as_ptr() as *mut u8,
            _ => ALIGN as *mut u8,
        }
    }
}

/// A byte range of host memory owned by one tensor.
///
/// Invariant: `ptr..ptr+len` lies inside `region`, is initialized (zeroed at least), is
/// aligned to the element size of the tensor that owns it (64 bytes for every buffer but
/// file views), and no other `HostBuffer` overlaps it. Reads need `&self`, writes
/// `&mut self`, so Rust's borrow rules on the buffer are the rules on its bytes.
pub(crate) struct HostBuffer {
    // Held for ownership (it keeps the allocation or mapping alive while `ptr` points into it);
    // read only by the tests' `shares_region_with`.
    #[cfg_attr(not(test), allow(dead_code))]
    region: Arc<Region>,
    ptr: NonNull<u8>,
    len: usize,
}

// SAFETY: the buffer's range is exclusively its own (invariant above); the region is Send + Sync.
unsafe impl Send for HostBuffer {}
unsafe impl Sync for HostBuffer {}

impl HostBuffer {
    /// `len` zeroed bytes.
    pub fn zeroed(len: usize) -> Result<HostBuffer> {
        let (region, ptr) = Region::zeroed(len)?;
        Ok(HostBuffer { region, ptr, len })
    }

    /// Zeroed buffers of the given lengths, carved from one allocation: one system call for a
    /// whole model instead of one per tensor. Each piece starts on a 64-byte boundary.
    pub fn zeroed_many(lens: &[usize]) -> Result<Vec<HostBuffer>> {
        let mut offsets = Vec::with_capacity(lens.len());
        let mut total = 0usize;
        for &len in lens {
            offsets.push(total);
            let padded = len.checked_next_multiple_of(ALIGN);
            total = padded
                .and_then(|p| total.checked_add(p))
                .ok_or(Error::HostAllocation { bytes: usize::MAX })?;
        }
        let (region, base) = Region::zeroed(total)?;
        Ok(lens
            .iter()
            .zip(offsets)
            .map(|(&len, off)| HostBuffer {
                region: region.clone(),
                // SAFETY: off + len <= total, inside the region.
                ptr: unsafe { NonNull::new_unchecked(base.as_ptr().add(off)) },
                len,
            })
            .collect())
    }

    /// `len` bytes at `offset` of a private file mapping, without copying.
    ///
    /// # Safety
    /// No two live views of one mapping may overlap, and nothing else may read or write the
    /// range while the view lives (the checkpoint loader cuts each tensor's validated,
    /// non-overlapping byte range once, and drops its own reading borrows first). `offset`
    /// must be aligned to the element size of the tensor that will own the view.
    pub(crate) unsafe fn file_view(map: &FileMapping, offset: usize, len: usize) -> Option<HostBuffer> {
        let end = offset.checked_add(len)?;
        if end > map.len() {
            return None;
        }
        Some(HostBuffer {
            region: map.0.clone(),
            // SAFETY: offset + len <= map.len(), inside the mapping.
            ptr: NonNull::new(unsafe { map.base().add(offset) })?,
            len,
        })
    }

    /// A copy of `bytes`.
    pub fn from_bytes(bytes: &[u8]) -> Result<HostBuffer> {
        let mut b = HostBuffer::zeroed(bytes.len())?;
        b.as_bytes_mut().copy_from_slice(bytes);
        Ok(b)
    }

    /// Length in bytes.
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.len
    }

    /// The bytes.
    pub fn as_bytes(&self) -> &[u8] {
        // SAFETY: invariant: the range is initialized, in bounds and not written elsewhere
        // while `&self` lives (writes need `&mut` to this unique owner).
        unsafe { std::slice::from_raw_parts(self.ptr.as_ptr(), self.len) }
    }

    /// The bytes, writable.
    pub fn as_bytes_mut(&mut self) -> &mut [u8] {
        // SAFETY: as above, and `&mut self` makes this the only access to the range.
        unsafe { std::slice::from_raw_parts_mut(self.ptr.as_ptr(), self.len) }
    }

    /// The bytes as elements of `T` (as many as fit).
    pub(crate) fn typed<T: crate::Element>(&self) -> &[T] {
        let bytes = self.as_bytes();
        debug_assert_eq!(bytes.as_ptr() as usize % std::mem::align_of::<T>(), 0);
        // SAFETY: the buffer is aligned for T (64 bytes, or T's size for a file view: see the
        // invariant), its bytes are initialized, and every byte pattern that safe code can
        // write is a valid T (sealed `Element`; bool tensors are only written through typed
        // `bool` slices, zero-filled, or loaded after every byte was checked).
        unsafe { std::slice::from_raw_parts(bytes.as_ptr() as *const T, bytes.len() / size_of::<T>()) }
    }

    /// The bytes as elements of `T`, writable.
    pub(crate) fn typed_mut<T: crate::Element>(&mut self) -> &mut [T] {
        let bytes = self.as_bytes_mut();
        debug_assert_eq!(bytes.as_ptr() as usize % std::mem::align_of::<T>(), 0);
        let n = bytes.len() / size_of::<T>();
        // SAFETY: as in `typed`; `&mut self` makes this the only access to the range.
        unsafe { std::slice::from_raw_parts_mut(bytes.as_mut_ptr() as *mut T, n) }
    }

    /// The first byte's address (for alignment checks in tests).
    #[cfg(test)]
    pub fn as_ptr(&self) -> *const u8 {
        self.ptr.as_ptr()
    }

    /// Whether this buffer shares its allocation with others (see [`HostBuffer::zeroed_many`]).
    #[cfg(test)]
    pub fn shares_region_with(&self, other: &HostBuffer) -> bool {
        Arc::ptr_eq(&self.region, &other.region)
    }
}

/// Writes `pattern` over `bytes` (a whole number of patterns), in parallel for large buffers.
pub(crate) fn fill_host(bytes: &mut [u8], pattern: &[u8]) {
    use rayon::prelude::*;
    // Pieces of 1 MiB (a multiple of every pattern size): big enough to amortize a task.
    const PIECE: usize = 1 << 20;
    let one = |piece: &mut [u8]| match *pattern {
        [x] => piece.fill(x),
        [a, b] => fill_fixed(piece, [a, b]),
        [a, b, c, d] => fill_fixed(piece, [a, b, c, d]),
        [a, b, c, d, e, f, g, h] => fill_fixed(piece, [a, b, c, d, e, f, g, h]),
        _ => piece
            .chunks_exact_mut(pattern.len())
            .for_each(|c| c.copy_from_slice(pattern)),
    };
    if bytes.len() >= 4 * PIECE {
        bytes.par_chunks_mut(PIECE).for_each(one);
    } else {
        one(bytes);
    }
}

/// A fixed-size pattern: the compiler turns this loop into wide stores.
fn fill_fixed<const N: usize>(bytes: &mut [u8], pattern: [u8; N]) {
    let (chunks, rest) = bytes.as_chunks_mut::<N>();
    debug_assert!(rest.is_empty());
    chunks.fill(pattern);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_and_large_buffers_are_zeroed_and_aligned() {
        for len in [0, 1, 63, 64, 4097, MAP_THRESHOLD, MAP_THRESHOLD + 3] {
            let mut b = HostBuffer::zeroed(len).unwrap();
            assert_eq!(b.len(), len);
            assert_eq!(b.as_ptr() as usize % ALIGN, 0);
            assert!(b.as_bytes().iter().all(|&x| x == 0));
            b.as_bytes_mut().fill(7);
            assert!(b.as_bytes().iter().all(|&x| x == 7));
        }
    }

    #[test]
    fn carved_buffers_do_not_overlap() {
        let lens = [3, 0, 100, 64, 1 << 20, 5];
        let mut bufs = HostBuffer::zeroed_many(&lens).unwrap();
        for (i, b) in bufs.iter_mut().enumerate() {
            assert_eq!(b.as_ptr() as usize % ALIGN, 0);
            b.as_bytes_mut().fill(i as u8 + 1);
        }
        for (i, b) in bufs.iter().enumerate() {
            assert_eq!(b.len(), lens[i]);
            assert!(b.as_bytes().iter().all(|&x| x == i as u8 + 1));
            assert!(b.shares_region_with(&bufs[0]));
        }
        drop(bufs.remove(0));
        assert!(bufs[3].as_bytes().iter().all(|&x| x == 5));
    }
}
