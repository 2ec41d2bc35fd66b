/// The element types a `torch.save` checkpoint can hold.
///
/// Storage names are the typed-storage classes torch writes for the older dtypes
/// (`torch.FloatStorage`, ...); dtype names are the `torch.<dtype>` globals torch 2.x writes
/// with `torch.storage.UntypedStorage` for the newer ones (uint16 and up, all float8 kinds).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TorchDType {
    F64,
    F32,
    F16,
    BF16,
    I64,
    I32,
    I16,
    I8,
    U8,
    Bool,
    U16,
    U32,
    U64,
    /// `torch.float8_e4m3fn`.
    F8E4M3,
    /// `torch.float8_e5m2`.
    F8E5M2,
    /// `torch.float8_e4m3fnuz`.
    F8E4M3Fnuz,
    /// `torch.float8_e5m2fnuz`.
    F8E5M2Fnuz,
    /// `torch.float8_e8m0fnu`.
    F8E8M0,
    /// `torch.complex64`: two f32.
    C64,
    /// `torch.complex128`: two f64.
    C128,
}

use TorchDType::*;

const ALL: [TorchDType; 20] = [
    F64, F32, F16, BF16, I64, I32, I16, I8, U8, Bool, U16, U32, U64, F8E4M3, F8E5M2, F8E4M3Fnuz, F8E5M2Fnuz,
    F8E8M0, C64, C128,
];

impl TorchDType {
    /// Bytes per element.
    pub fn size(self) -> usize {
        match self {
            I8 | U8 | Bool | F8E4M3 | F8E5M2 | F8E4M3Fnuz | F8E5M2Fnuz | F8E8M0 => 1,
            F16 | BF16 | I16 | U16 => 2,
            F32 | I32 | U32 => 4,
            F64 | I64 | U64 | C64 => 8,
            C128 => 16,
        }
    }

    /// The name after `torch.` in Python, e.g. `float32`.
    pub fn torch_name(self) -> &'static str {
        match self {
            F64 => "float64",
            F32 => "float32",
            F16 => "float16",
            BF16 => "bfloat16",
            I64 => "int64",
            I32 => "int32",
            I16 => "int16",
            I8 => "int8",
            U8 => "uint8",
            Bool => "bool",
            U16 => "uint16",
            U32 => "uint32",
            U64 => "uint64",
            F8E4M3 => "float8_e4m3fn",
            F8E5M2 => "float8_e5m2",
            F8E4M3Fnuz => "float8_e4m3fnuz",
            F8E5M2Fnuz => "float8_e5m2fnuz",
            F8E8M0 => "float8_e8m0fnu",
            C64 => "complex64",
            C128 => "complex128",
        }
    }

    /// The legacy typed-storage class torch pickles for this dtype, if it has one.
    pub(crate) fn storage_name(self) -> Option<&'static str> {
        Some(match self {
            F64 => "DoubleStorage",
            F32 => "FloatStorage",
            F16 => "HalfStorage",
            BF16 => "BFloat16Storage",
            I64 => "LongStorage",
            I32 => "IntStorage",
            I16 => "ShortStorage",
            I8 => "CharStorage",
            U8 => "ByteStorage",
            Bool => "BoolStorage",
            C64 => "ComplexFloatStorage",
            C128 => "ComplexDoubleStorage",
            _ => return None,
        })
    }

    pub(crate) fn from_storage_name(name: &str) -> Option<Self> {
        ALL.into_iter().find(|d| d.storage_name() == Some(name))
    }

    pub(crate) fn from_torch_name(name: &str) -> Option<Self> {
        ALL.into_iter().find(|d| d.torch_name() == name)
    }
}
