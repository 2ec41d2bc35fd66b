//! Tensor geometry: checking a pickled view against its storage, and contiguity.

use std::ops::Range;

use crate::pickle::RawTensor;
use crate::{Error, TorchTensor};

impl TorchTensor {
    /// The number of elements; `None` if the shape overflows (never for a tensor from [`crate::read`]).
    pub fn numel(&self) -> Option<usize> {
        self.shape.iter().try_fold(1usize, |n, &d| n.checked_mul(d))
    }

    /// Row-major contiguous, as torch defines it: dims of size 1 may have any stride, and an
    /// empty tensor is contiguous.
    pub fn is_contiguous(&self) -> bool {
        if self.shape.len() != self.strides.len() {
            return false;
        }
        if self.shape.contains(&0) {
            return true;
        }
        let mut expected = 1usize;
        for (&size, &stride) in self.shape.iter().zip(&self.strides).rev() {
            if size != 1 {
                if stride != expected {
                    return false;
                }
                let Some(next) = expected.checked_mul(size) else {
                    return false;
                };
                expected = next;
            }
        }
        true
    }

    /// The bytes a contiguous tensor occupies inside its storage; `None` if not contiguous.
    pub fn contiguous_byte_range(&self) -> Option<Range<u64>> {
        if !self.is_contiguous() {
            return None;
        }
        let item = self.dtype.size() as u64;
        let start = (self.storage_offset as u64).checked_mul(item)?;
        let len = (self.numel()? as u64).checked_mul(item)?;
        Some(start..start.checked_add(len)?)
    }
}

/// Shape, strides and offset as `usize`, after checking that every element the view can
/// reach lies inside `storage_len` bytes.
pub(crate) fn check(
    name: &str,
    raw: &RawTensor,
    storage_len: u64,
) -> Result<(Vec<usize>, Vec<usize>, usize), Error> {
    let bad = |why: String| Error::BadTensor {
        name: name.to_owned(),
        why,
    };
    let to_usize = |v: &[i64], what: &str| -> Result<Vec<usize>, Error> {
        v.iter()
            .map(|&x| usize::try_from(x).map_err(|_| bad(format!("{what} {v:?} has a negative entry"))))
            .collect()
    };
    let shape = to_usize(&raw.size, "size")?;
    let strides = to_usize(&raw.stride, "stride")?;
    let offset = usize::try_from(raw.offset).map_err(|_| bad(format!("storage offset {}", raw.offset)))?;
    let overflow = || bad(format!("shape {shape:?} with strides {strides:?} overflows"));

    let item = raw.dtype.size() as u64;
    let numel = shape
        .iter()
        .try_fold(1u64, |n, &d| n.checked_mul(d as u64))
        .ok_or_else(overflow)?;
    // The furthest element, in elements from the storage start; an empty view reaches nothing
    // past its offset.
    let end_elems = if numel == 0 {
        offset as u64
    } else {
        let last = shape
            .iter()
            .zip(&strides)
            .try_fold(offset as u64, |acc, (&d, &s)| {
                (d as u64 - 1)
                    .checked_mul(s as u64)
                    .and_then(|x| acc.checked_add(x))
            });
        last.and_then(|l| l.checked_add(1)).ok_or_else(overflow)?
    };
    let needed = end_elems.checked_mul(item).ok_or_else(overflow)?;
    if needed > storage_len {
        return Err(Error::StorageTooShort {
            name: name.to_owned(),
            needed,
            available: storage_len,
        });
    }
    Ok((shape, strides, offset))
}
