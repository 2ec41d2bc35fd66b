//! Dtype conversion fused into the copy from checkpoint bytes to tensor bytes.
//!
//! Safetensors data is little-endian, as is every target this crate builds for (x86_64,
//! aarch64); bytes are copied as they are.

use float8::{F8E4M3, F8E5M2};
use half::{bf16, f16};

use crate::{DType, Element};

/// Bits of an integer dtype's magnitude (sign excluded), or `None` for floats.
fn int_bits(d: DType) -> Option<u32> {
    Some(match d {
        DType::Bool => 1,
        DType::U8 => 8,
        DType::I8 => 7,
        DType::I16 => 15,
        DType::I32 => 31,
        DType::I64 => 63,
        _ => return None,
    })
}

/// Significand bits of a float dtype, implicit bit included.
fn significand_bits(d: DType) -> Option<u32> {
    Some(match d {
        DType::F64 => 53,
        DType::F32 => 24,
        DType::F16 => 11,
        DType::BF16 => 8,
        DType::F8E4M3 => 4,
        DType::F8E5M2 => 3,
        _ => return None,
    })
}

/// Float to float (rounding), or integer to a type that holds every value exactly.
pub(crate) fn is_lossless_or_float(from: DType, to: DType) -> bool {
    if from.is_float() && to.is_float() {
        return true;
    }
    match (int_bits(from), int_bits(to), significand_bits(to)) {
        (Some(f), Some(t), _) => to != DType::Bool && to != DType::U8 && f < t,
        (Some(f), None, Some(s)) => f <= s,
        _ => false,
    }
}

/// Converts `src` (elements of `from`) into `dst` (elements of `to`, the same count). Neither
/// slice needs to be aligned. Any source bytes are accepted: bool sources are read as bytes.
pub(crate) fn convert(from: DType, to: DType, src: &[u8], dst: &mut [u8]) {
    if from == to {
        dst.copy_from_slice(src);
        return;
    }
    macro_rules! dispatch_to {
        ($s:ty) => {
            match to {
                DType::F32 => run::<$s, f32>(src, dst),
                DType::F64 => run::<$s, f64>(src, dst),
                DType::F16 => run::<$s, f16>(src, dst),
                DType::BF16 => run::<$s, bf16>(src, dst),
                DType::I64 => run::<$s, i64>(src, dst),
                DType::I32 => run::<$s, i32>(src, dst),
                DType::I16 => run::<$s, i16>(src, dst),
                DType::I8 => run::<$s, i8>(src, dst),
                DType::U8 => run::<$s, u8>(src, dst),
                DType::Bool => run::<$s, bool>(src, dst),
                DType::F8E4M3 => run::<$s, F8E4M3>(src, dst),
                DType::F8E5M2 => run::<$s, F8E5M2>(src, dst),
            }
        };
    }
    match from {
        DType::F32 => dispatch_to!(f32),
        DType::F64 => dispatch_to!(f64),
        DType::F16 => dispatch_to!(f16),
        DType::BF16 => dispatch_to!(bf16),
        DType::I64 => dispatch_to!(i64),
        DType::I32 => dispatch_to!(i32),
        DType::I16 => dispatch_to!(i16),
        DType::I8 => dispatch_to!(i8),
        DType::U8 => dispatch_to!(u8),
        // Read as bytes: a bool source is checked by the planner, but the file may change
        // after that, and reading a byte other than 0 or 1 as `bool` is undefined behaviour.
        // Such a byte converts as its integer value (a wrong value, never an invalid one).
        DType::Bool => dispatch_to!(u8),
        DType::F8E4M3 => dispatch_to!(F8E4M3),
        DType::F8E5M2 => dispatch_to!(F8E5M2),
    }
}

fn run<S: Element, D: Element>(src: &[u8], dst: &mut [u8]) {
    let (s, d) = (size_of::<S>(), size_of::<D>());
    assert_eq!(src.len() / s, dst.len() / d, "convert: element counts differ");
    for (i, o) in src.chunks_exact(s).zip(dst.chunks_exact_mut(d)) {
        // SAFETY: `i` holds size_of::<S>() bytes, read unaligned; S is never `bool` (bool sources
        // are read as u8), so every bit pattern is a valid S. `o` holds size_of::<D>() bytes.
        let x: S = unsafe { std::ptr::read_unaligned(i.as_ptr() as *const S) };
        let y = D::from_f64(x.to_f64());
        unsafe { std::ptr::write_unaligned(o.as_mut_ptr() as *mut D, y) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn float_casts_round_to_nearest_even() {
        let src: Vec<u8> = [1.0f32, 1.003_906_3, -2.5e-8, 65504.0]
            .iter()
            .flat_map(|x| x.to_le_bytes())
            .collect();
        let mut dst = vec![0u8; 8];
        convert(DType::F32, DType::BF16, &src, &mut dst);
        let got: Vec<bf16> = dst
            .chunks_exact(2)
            .map(|c| bf16::from_le_bytes([c[0], c[1]]))
            .collect();
        let want: Vec<bf16> = [1.0f32, 1.003_906_3, -2.5e-8, 65504.0]
            .iter()
            .map(|&x| bf16::from_f32(x))
            .collect();
        assert_eq!(got, want);
    }

    #[test]
    fn unaligned_integer_widening() {
        let mut src = vec![0u8; 1];
        src.extend([7i32, -3].iter().flat_map(|x| x.to_le_bytes()));
        let mut dst = [0u8; 17];
        convert(DType::I32, DType::I64, &src[1..], &mut dst[1..]);
        assert_eq!(i64::from_le_bytes(dst[1..9].try_into().unwrap()), 7);
        assert_eq!(i64::from_le_bytes(dst[9..17].try_into().unwrap()), -3);
    }

    #[test]
    fn which_casts_are_allowed() {
        assert!(is_lossless_or_float(DType::F32, DType::BF16));
        assert!(is_lossless_or_float(DType::I32, DType::I64));
        assert!(is_lossless_or_float(DType::U8, DType::BF16));
        assert!(!is_lossless_or_float(DType::I64, DType::I32));
        assert!(!is_lossless_or_float(DType::I32, DType::F32));
        assert!(!is_lossless_or_float(DType::F32, DType::I64));
        assert!(!is_lossless_or_float(DType::I8, DType::U8));
    }
}
