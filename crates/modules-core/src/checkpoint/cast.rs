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

/// `$body` with `$t` naming the element type of `$dtype`.
macro_rules! with_element {
    ($dtype:expr, $t:ident => $body:expr) => {
        with_element!(@ $dtype, $t, $body; F32 f32, F64 f64, F16 f16, BF16 bf16, I64 i64, I32 i32,
            I16 i16, I8 i8, U8 u8, Bool bool, F8E4M3 F8E4M3, F8E5M2 F8E5M2)
    };
    (@ $dtype:expr, $t:ident, $body:expr; $($variant:ident $ty:ty),+) => {
        match $dtype {
            $(DType::$variant => {
                type $t = $ty;
                $body
            })+
        }
    };
}

/// Converts `src` (elements of `from`) into `dst` (elements of `to`, the same count). Neither
/// slice needs to be aligned. Any source bytes are accepted: bool sources are read as bytes.
pub(crate) fn convert(from: DType, to: DType, src: &[u8], dst: &mut [u8]) {
    if from == to {
        dst.copy_from_slice(src);
        return;
    }
    // Read as bytes: a bool source is checked by the planner, but the file may change after
    // that, and reading a byte other than 0 or 1 as `bool` is undefined behaviour. Such a byte
    // converts as its integer value (a wrong value, never an invalid one).
    let from = if from == DType::Bool { DType::U8 } else { from };
    with_element!(from, S => with_element!(to, D => run::<S, D>(src, dst)))
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
