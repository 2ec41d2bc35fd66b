//! Where a tensor lives: the CPU, a CUDA device, or nowhere at all (meta).

#![forbid(unsafe_code)]

use std::fmt;
use std::str::FromStr;

use crate::parse_error::{Expected, ParseError};

/// A device, written and parsed as PyTorch writes it: `cpu`, `cuda` (= `cuda:0`), `cuda:1`, `meta`.
///
/// ```
/// use modules_core::Device;
/// let d: Device = "cuda:1".parse().unwrap();
/// assert_eq!(d, Device::Cuda(1));
/// assert_eq!("cuda".parse::<Device>().unwrap().to_string(), "cuda:0");
/// assert!("tpu".parse::<Device>().is_err());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Device {
    /// Host memory.
    #[default]
    Cpu,
    /// A CUDA device by ordinal.
    Cuda(usize),
    /// Shapes and dtypes only: no memory, no data.
    Meta,
}

impl Device {
    /// `true` for [`Device::Meta`].
    pub fn is_meta(self) -> bool {
        self == Device::Meta
    }
}

impl fmt::Display for Device {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Device::Cpu => f.write_str("cpu"),
            Device::Cuda(n) => write!(f, "cuda:{n}"),
            Device::Meta => f.write_str("meta"),
        }
    }
}

impl Expected for Device {
    const EXPECTED: &'static str = "a device string like \"cpu\", \"cuda\", \"cuda:1\" or \"meta\"";
}

impl FromStr for Device {
    type Err = ParseError<Device>;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || ParseError::new(s);
        match s {
            "cpu" => Ok(Device::Cpu),
            "meta" => Ok(Device::Meta),
            "cuda" => Ok(Device::Cuda(0)),
            _ => {
                let ordinal = s.strip_prefix("cuda:").ok_or_else(bad)?;
                // `usize::from_str` accepts a leading '+', PyTorch does not.
                if ordinal.is_empty() || !ordinal.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(bad());
                }
                ordinal.parse().map(Device::Cuda).map_err(|_| bad())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_like_pytorch() {
        for (s, d, shown) in [
            ("cpu", Device::Cpu, "cpu"),
            ("meta", Device::Meta, "meta"),
            ("cuda", Device::Cuda(0), "cuda:0"),
            ("cuda:0", Device::Cuda(0), "cuda:0"),
            ("cuda:7", Device::Cuda(7), "cuda:7"),
        ] {
            assert_eq!(s.parse::<Device>().unwrap(), d);
            assert_eq!(d.to_string(), shown);
        }
    }

    #[test]
    fn rejects_bad_strings_naming_them() {
        for s in [
            "", "CPU", "cuda:", "cuda:+1", "cuda:-1", "cuda:x", "gpu", "cuda:0 ",
        ] {
            let e = s.parse::<Device>().unwrap_err();
            assert!(e.to_string().contains(&format!("{s:?}")), "{e}");
        }
    }
}
