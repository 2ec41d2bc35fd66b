//! Element types, with their sizes and their names in safetensors and PyTorch.

#![forbid(unsafe_code)]

use std::fmt;
use std::str::FromStr;

use crate::parse_error::{Expected, ParseError};

/// The element type of a tensor.
///
/// ```
/// use modules_core::DType;
/// assert_eq!(DType::BF16.size_in_bytes(), 2);
/// assert_eq!(DType::F32.safetensors_name(), "F32");
/// assert_eq!("BF16".parse::<DType>().unwrap(), DType::BF16);
/// assert_eq!(DType::I64.to_string(), "torch.int64");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum DType {
    /// 32-bit float (PyTorch's default dtype).
    #[default]
    F32,
    /// 64-bit float.
    F64,
    /// IEEE half precision ([`half::f16`]).
    F16,
    /// bfloat16 ([`half::bf16`]).
    BF16,
    /// 64-bit signed integer (`torch.long`).
    I64,
    /// 32-bit signed integer.
    I32,
    /// 16-bit signed integer.
    I16,
    /// 8-bit signed integer.
    I8,
    /// 8-bit unsigned integer.
    U8,
    /// Boolean, one byte per element (0 or 1).
    Bool,
    /// 8-bit float, 4 exponent and 3 mantissa bits, finite only (`torch.float8_e4m3fn`, the
    /// FP8 of DeepSeek-V3, Qwen3-FP8 and compressed-tensors checkpoints; [`float8::F8E4M3`]).
    /// Storage and conversion only: random init refuses it, as PyTorch's does.
    F8E4M3,
    /// 8-bit float, 5 exponent and 2 mantissa bits (`torch.float8_e5m2`; [`float8::F8E5M2`]).
    F8E5M2,
}

impl DType {
    /// Every dtype, in declaration order.
    pub const ALL: [DType; 12] = [
        DType::F32,
        DType::F64,
        DType::F16,
        DType::BF16,
        DType::I64,
        DType::I32,
        DType::I16,
        DType::I8,
        DType::U8,
        DType::Bool,
        DType::F8E4M3,
        DType::F8E5M2,
    ];

    /// Bytes per element.
    pub fn size_in_bytes(self) -> usize {
        match self {
            DType::F64 | DType::I64 => 8,
            DType::F32 | DType::I32 => 4,
            DType::F16 | DType::BF16 | DType::I16 => 2,
            DType::I8 | DType::U8 | DType::Bool | DType::F8E4M3 | DType::F8E5M2 => 1,
        }
    }

    /// `true` for the floating-point dtypes (the ones `ModuleExt::to_dtype` converts).
    pub fn is_float(self) -> bool {
        matches!(self, DType::F32 | DType::F64 | DType::F16 | DType::BF16) || self.is_fp8()
    }

    /// `true` for the 8-bit floats, which hold weights but take no random init.
    pub fn is_fp8(self) -> bool {
        matches!(self, DType::F8E4M3 | DType::F8E5M2)
    }

    /// The dtype's name in a safetensors header.
    pub fn safetensors_name(self) -> &'static str {
        match self {
            DType::F32 => "F32",
            DType::F64 => "F64",
            DType::F16 => "F16",
            DType::BF16 => "BF16",
            DType::I64 => "I64",
            DType::I32 => "I32",
            DType::I16 => "I16",
            DType::I8 => "I8",
            DType::U8 => "U8",
            DType::Bool => "BOOL",
            DType::F8E4M3 => "F8_E4M3",
            DType::F8E5M2 => "F8_E5M2",
        }
    }

    /// PyTorch's name, as printed in tensor reprs (`torch.float16`).
    pub fn torch_name(self) -> &'static str {
        match self {
            DType::F32 => "torch.float32",
            DType::F64 => "torch.float64",
            DType::F16 => "torch.float16",
            DType::BF16 => "torch.bfloat16",
            DType::I64 => "torch.int64",
            DType::I32 => "torch.int32",
            DType::I16 => "torch.int16",
            DType::I8 => "torch.int8",
            DType::U8 => "torch.uint8",
            DType::Bool => "torch.bool",
            DType::F8E4M3 => "torch.float8_e4m3fn",
            DType::F8E5M2 => "torch.float8_e5m2",
        }
    }
}

impl fmt::Display for DType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.torch_name())
    }
}

impl Expected for DType {
    const EXPECTED: &'static str = "a dtype name like \"F32\", \"BF16\" or \"torch.float16\"";
}

impl FromStr for DType {
    type Err = ParseError<DType>;

    /// Parses a safetensors name (`F32`, `BF16`, `BOOL`, ...) or a PyTorch name (`torch.float32`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        // Checkpoint headers name every tensor's dtype: the common names first, by match.
        match s {
            "F32" => return Ok(DType::F32),
            "BF16" => return Ok(DType::BF16),
            "F16" => return Ok(DType::F16),
            "I64" => return Ok(DType::I64),
            _ => {}
        }
        DType::ALL
            .into_iter()
            .find(|d| d.safetensors_name() == s || d.torch_name() == s)
            .ok_or_else(|| ParseError::new(s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for d in DType::ALL {
            assert_eq!(d.safetensors_name().parse::<DType>().unwrap(), d);
            assert_eq!(d.torch_name().parse::<DType>().unwrap(), d);
        }
        assert!("F8".parse::<DType>().unwrap_err().to_string().contains("\"F8\""));
    }

    #[test]
    fn sizes() {
        let total: usize = DType::ALL.iter().map(|d| d.size_in_bytes()).sum();
        assert_eq!(total, 4 + 8 + 2 + 2 + 8 + 4 + 2 + 1 + 1 + 1 + 1 + 1);
    }
}
