//! Rust types that are tensor elements.

use float8::{F8E4M3, F8E5M2};
use half::{bf16, f16};

use crate::DType;

mod sealed {
    pub trait Sealed {}
}

/// A Rust type stored in tensors of one [`DType`]. Sealed: every bit pattern of the stored bytes
/// that safe code can produce is a valid value of the type.
///
/// ```
/// use modules_core::{DType, Element};
/// assert_eq!(<half::bf16 as Element>::DTYPE, DType::BF16);
/// assert_eq!(f32::from_f64(0.5), 0.5f32);
/// ```
pub trait Element: sealed::Sealed + Copy + Send + Sync + PartialEq + std::fmt::Debug + 'static {
    /// The dtype of tensors holding this type.
    const DTYPE: DType;
    /// Conversion from f64 (rounding, saturating for integers; non-zero is `true`).
    fn from_f64(v: f64) -> Self;
    /// Conversion to f64 (exact for every float type; integers beyond 2^53 round).
    fn to_f64(self) -> f64;
}

macro_rules! float_element {
    ($t:ty, $d:expr, $from:expr, $to:expr) => {
        impl sealed::Sealed for $t {}
        impl Element for $t {
            const DTYPE: DType = $d;
            fn from_f64(v: f64) -> Self {
                $from(v)
            }
            fn to_f64(self) -> f64 {
                $to(self)
            }
        }
    };
}

float_element!(f32, DType::F32, |v: f64| v as f32, |x: f32| x as f64);
float_element!(f64, DType::F64, |v: f64| v, |x: f64| x);
float_element!(f16, DType::F16, f16::from_f64, f16::to_f64);
float_element!(bf16, DType::BF16, bf16::from_f64, bf16::to_f64);
float_element!(i64, DType::I64, |v: f64| v as i64, |x: i64| x as f64);
float_element!(i32, DType::I32, |v: f64| v as i32, |x: i32| x as f64);
float_element!(i16, DType::I16, |v: f64| v as i16, |x: i16| x as f64);
float_element!(i8, DType::I8, |v: f64| v as i8, |x: i8| x as f64);
float_element!(u8, DType::U8, |v: f64| v as u8, |x: u8| x as f64);
float_element!(bool, DType::Bool, |v: f64| v != 0.0, |x: bool| x as u8 as f64);
float_element!(F8E4M3, DType::F8E4M3, F8E4M3::from_f64, |x: F8E4M3| {
    F8E4M3::to_f64(&x)
});
float_element!(F8E5M2, DType::F8E5M2, F8E5M2::from_f64, |x: F8E5M2| {
    F8E5M2::to_f64(&x)
});

/// Writes `value` converted to `dtype` into `out` (one element's bytes, native endian).
pub(crate) fn encode(dtype: DType, value: f64, out: &mut [u8]) {
    fn put<T: Element>(v: f64, out: &mut [u8]) {
        let x = T::from_f64(v);
        // SAFETY: `out` has exactly size_of::<T>() bytes (checked by the caller through the
        // dtype's size) and every T here is plain old data.
        unsafe { std::ptr::write_unaligned(out.as_mut_ptr() as *mut T, x) }
    }
    debug_assert_eq!(out.len(), dtype.size_in_bytes());
    match dtype {
        DType::F32 => put::<f32>(value, out),
        DType::F64 => put::<f64>(value, out),
        DType::F16 => put::<f16>(value, out),
        DType::BF16 => put::<bf16>(value, out),
        DType::I64 => put::<i64>(value, out),
        DType::I32 => put::<i32>(value, out),
        DType::I16 => put::<i16>(value, out),
        DType::I8 => put::<i8>(value, out),
        DType::U8 => put::<u8>(value, out),
        DType::Bool => out[0] = (value != 0.0) as u8,
        DType::F8E4M3 => put::<F8E4M3>(value, out),
        DType::F8E5M2 => put::<F8E5M2>(value, out),
    }
}
