//! FP8 weights with their scales, dequantized into a wider float as they are copied.
//!
//! Two layouts are common:
//! - DeepSeek-V3 and Qwen3-FP8: `x.weight` in F8_E4M3 and `x.weight_scale_inv`, one f32 per
//!   128×128 block (edge blocks partial), multiplied in (the name says "inverse" because the
//!   quantizer divided by it);
//! - compressed-tensors and FBGEMM: `x.weight_scale`, one value per tensor (`[]` or `[1]`) or
//!   per output channel (`[rows, 1]` or `[rows]`).
//!
//! Each element is PyTorch's `w.float() * scale` in f32, then rounded to the target dtype, so a
//! load equals `(w.float() * s).to(dtype)` bit for bit.

use half::{bf16, f16};

use super::cast::convert;
use super::file::SourceTensor;
use crate::{DType, Element};

/// DeepSeek-V3's `weight_block_size`.
const BLOCK: usize = 128;

/// How one scale tensor covers its weight.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum ScaleKind {
    PerTensor,
    PerRow,
    /// 128×128 blocks; the scale has this many columns of blocks.
    Blocks {
        block_cols: usize,
    },
}

/// The scale of the FP8 weight `key` (its checkpoint name), when the checkpoint carries one
/// beside it: the scale's index in `sources`, and how it covers the weight. A scale of a shape
/// no layout explains is an error (never a plain cast into garbage).
pub(crate) fn find_scale(
    key: &str,
    weight_shape: &[usize],
    sources: &[SourceTensor<'_>],
    index_of: impl Fn(&str) -> Option<usize>,
) -> Result<Option<(usize, ScaleKind)>, String> {
    let (rows, cols) = match weight_shape {
        [r, c] => (*r, *c),
        [n] => (*n, 1),
        _ => (weight_shape.iter().product(), 1),
    };
    for (suffix, blocks) in [("_scale_inv", true), ("_scale", false)] {
        let name = format!("{key}{suffix}");
        let Some(i) = index_of(&name) else { continue };
        let s = &sources[i];
        if !s.dtype.is_float() || s.dtype.is_fp8() || s.unsupported.is_some() {
            return Err(format!(
                "its scale \"{name}\" is stored as {}, expected a float of 16 bits or more",
                s.dtype
            ));
        }
        let numel: usize = s.shape.iter().product();
        let kind = if blocks && *s.shape == [rows.div_ceil(BLOCK), cols.div_ceil(BLOCK)] {
            ScaleKind::Blocks {
                block_cols: cols.div_ceil(BLOCK),
            }
        } else if !blocks && numel == 1 && s.shape.len() <= 1 {
            ScaleKind::PerTensor
        } else if !blocks && (*s.shape == [rows, 1] || *s.shape == [rows]) {
            ScaleKind::PerRow
        } else {
            let expected = if blocks {
                format!(
                    "[{}, {}] (one per 128x128 block)",
                    rows.div_ceil(BLOCK),
                    cols.div_ceil(BLOCK)
                )
            } else {
                format!("[] or [1] (per tensor), or [{rows}, 1] (per channel)")
            };
            return Err(format!(
                "its scale \"{name}\" has shape {:?}, expected {expected} for a weight of shape {weight_shape:?}: refusing to dequantize with it",
                s.shape
            ));
        };
        return Ok(Some((i, kind)));
    }
    Ok(None)
}

/// A scale read into f32, with the weight's column count.
pub(crate) struct Scale {
    values: Vec<f32>,
    kind: ScaleKind,
    cols: usize,
}

impl Scale {
    pub(crate) fn read(source: &SourceTensor<'_>, kind: ScaleKind, weight_shape: &[usize]) -> Scale {
        let mut bytes = vec![0u8; source.data.len() / source.dtype.size_in_bytes() * 4];
        convert(source.dtype, DType::F32, source.data, &mut bytes);
        let values = bytes
            .chunks_exact(4)
            .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect();
        let cols = if weight_shape.len() == 2 {
            weight_shape[1]
        } else {
            1
        };
        Scale { values, kind, cols }
    }

    fn at(&self, element: usize) -> f32 {
        let row = element / self.cols;
        match self.kind {
            ScaleKind::PerTensor => self.values[0],
            ScaleKind::PerRow => self.values[row],
            ScaleKind::Blocks { block_cols } => {
                self.values[row / BLOCK * block_cols + element % self.cols / BLOCK]
            }
        }
    }
}

/// `dst[k] = (fp8(src[k]) as f32 * scale(first + k)) as to`, for FP8 `from`.
pub(crate) fn dequantize(from: DType, to: DType, src: &[u8], dst: &mut [u8], first: usize, scale: &Scale) {
    fn run<T: Element>(
        src: &[u8],
        dst: &mut [u8],
        first: usize,
        scale: &Scale,
        decode: fn(u8) -> f32,
        out: fn(f32) -> T,
    ) {
        let size = size_of::<T>();
        for (k, (&b, o)) in src.iter().zip(dst.chunks_exact_mut(size)).enumerate() {
            let v = out(decode(b) * scale.at(first + k));
            // SAFETY: `o` holds size_of::<T>() bytes, written unaligned; T is a float type.
            unsafe { std::ptr::write_unaligned(o.as_mut_ptr() as *mut T, v) }
        }
    }
    let decode: fn(u8) -> f32 = match from {
        DType::F8E4M3 => |b| float8::F8E4M3::from_bits(b).to_f32(),
        _ => |b| float8::F8E5M2::from_bits(b).to_f32(),
    };
    match to {
        DType::F64 => run::<f64>(src, dst, first, scale, decode, |v| v as f64),
        DType::F16 => run::<f16>(src, dst, first, scale, decode, f16::from_f32),
        DType::BF16 => run::<bf16>(src, dst, first, scale, decode, bf16::from_f32),
        _ => run::<f32>(src, dst, first, scale, decode, |v| v),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_rows_and_tensors_pick_their_scale() {
        let blocks = Scale {
            values: vec![1.0, 2.0, 3.0, 4.0],
            kind: ScaleKind::Blocks { block_cols: 2 },
            cols: 200,
        };
        assert_eq!(blocks.at(0), 1.0);
        assert_eq!(blocks.at(127), 1.0);
        assert_eq!(blocks.at(128), 2.0);
        assert_eq!(blocks.at(199), 2.0);
        assert_eq!(blocks.at(128 * 200), 3.0);
        assert_eq!(blocks.at(129 * 200 + 150), 4.0);
        let rows = Scale {
            values: vec![5.0, 6.0],
            kind: ScaleKind::PerRow,
            cols: 3,
        };
        assert_eq!((rows.at(2), rows.at(3)), (5.0, 6.0));
    }
}
