//! `calculate_gain`, fan computation and the typed `nonlinearity` and `mode` arguments.

use std::fmt;
use std::str::FromStr;

use crate::{Error, Result, Tensor};

/// The `nonlinearity` argument of `calculate_gain` and the kaiming inits.
///
/// ```
/// use modules_core::init::Nonlinearity;
/// assert_eq!("leaky_relu".parse::<Nonlinearity>().unwrap(), Nonlinearity::LeakyRelu);
/// assert_eq!(
///     "gelu".parse::<Nonlinearity>().unwrap_err().to_string(),
///     "calculate_gain: Unsupported nonlinearity gelu"
/// );
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Nonlinearity {
    /// `linear` (gain 1).
    Linear,
    /// `conv1d` (gain 1).
    Conv1d,
    /// `conv2d` (gain 1).
    Conv2d,
    /// `conv3d` (gain 1).
    Conv3d,
    /// `conv_transpose1d` (gain 1).
    ConvTranspose1d,
    /// `conv_transpose2d` (gain 1).
    ConvTranspose2d,
    /// `conv_transpose3d` (gain 1).
    ConvTranspose3d,
    /// `sigmoid` (gain 1).
    Sigmoid,
    /// `tanh` (gain 5/3).
    Tanh,
    /// `relu` (gain √2).
    Relu,
    /// `leaky_relu` (gain √(2/(1+slope²)), slope 0.01 by default).
    LeakyRelu,
    /// `selu` (gain 3/4).
    Selu,
}

pub(super) const NAMES: [(&str, Nonlinearity); 12] = [
    ("linear", Nonlinearity::Linear),
    ("conv1d", Nonlinearity::Conv1d),
    ("conv2d", Nonlinearity::Conv2d),
    ("conv3d", Nonlinearity::Conv3d),
    ("conv_transpose1d", Nonlinearity::ConvTranspose1d),
    ("conv_transpose2d", Nonlinearity::ConvTranspose2d),
    ("conv_transpose3d", Nonlinearity::ConvTranspose3d),
    ("sigmoid", Nonlinearity::Sigmoid),
    ("tanh", Nonlinearity::Tanh),
    ("relu", Nonlinearity::Relu),
    ("leaky_relu", Nonlinearity::LeakyRelu),
    ("selu", Nonlinearity::Selu),
];

impl FromStr for Nonlinearity {
    type Err = Error;

    /// PyTorch's names, case-sensitive (`'Linear'` is rejected, as in PyTorch).
    fn from_str(s: &str) -> Result<Nonlinearity> {
        NAMES
            .iter()
            .find(|(name, _)| *name == s)
            .map(|&(_, n)| n)
            .ok_or_else(|| Error::InvalidArgument {
                function: "calculate_gain",
                message: format!("Unsupported nonlinearity {s}"),
            })
    }
}

impl fmt::Display for Nonlinearity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = NAMES.iter().find(|(_, n)| n == self).map_or("", |(name, _)| name);
        f.write_str(name)
    }
}

/// The `mode` argument of the kaiming inits: which fan the variance is scaled by.
///
/// ```
/// use modules_core::init::FanMode;
/// assert_eq!("FAN_OUT".parse::<FanMode>().unwrap(), FanMode::FanOut);
/// assert_eq!(
///     "fan_avg".parse::<FanMode>().unwrap_err().to_string(),
///     "_calculate_correct_fan: Mode fan_avg not supported, please use one of ['fan_in', 'fan_out']"
/// );
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum FanMode {
    /// Preserve the variance of the forward pass (PyTorch's default).
    #[default]
    FanIn,
    /// Preserve the variance of the backward pass.
    FanOut,
}

impl FromStr for FanMode {
    type Err = Error;

    /// `fan_in` or `fan_out`, any case (PyTorch lower-cases the mode first).
    fn from_str(s: &str) -> Result<FanMode> {
        match s.to_lowercase().as_str() {
            "fan_in" => Ok(FanMode::FanIn),
            "fan_out" => Ok(FanMode::FanOut),
            other => Err(Error::InvalidArgument {
                function: "_calculate_correct_fan",
                message: format!("Mode {other} not supported, please use one of ['fan_in', 'fan_out']"),
            }),
        }
    }
}

impl fmt::Display for FanMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            FanMode::FanIn => "fan_in",
            FanMode::FanOut => "fan_out",
        })
    }
}

/// The recommended gain for a nonlinearity (`torch.nn.init.calculate_gain`). `param` is the
/// negative slope of `LeakyRelu` (0.01 when `None`) and is ignored otherwise.
///
/// ```
/// use modules_core::init::{calculate_gain, Nonlinearity};
/// assert_eq!(calculate_gain(Nonlinearity::Relu, None), 2f64.sqrt());
/// assert_eq!(calculate_gain(Nonlinearity::Tanh, None), 5.0 / 3.0);
/// assert_eq!(calculate_gain(Nonlinearity::LeakyRelu, Some(0.0)), 2f64.sqrt());
/// ```
pub fn calculate_gain(nonlinearity: Nonlinearity, param: Option<f64>) -> f64 {
    use Nonlinearity::*;
    match nonlinearity {
        Linear | Conv1d | Conv2d | Conv3d | ConvTranspose1d | ConvTranspose2d | ConvTranspose3d | Sigmoid => {
            1.0
        }
        Tanh => 5.0 / 3.0,
        Relu => 2f64.sqrt(),
        LeakyRelu => {
            let slope = param.unwrap_or(0.01);
            (2.0 / (1.0 + slope * slope)).sqrt()
        }
        // Empirical value for self-normalizing networks (PyTorch PR #50664).
        Selu => 3.0 / 4.0,
    }
}

/// `(fan_in, fan_out)` of a weight: `size(1)·rf` and `size(0)·rf`, `rf` the product of the
/// dimensions after the second (`torch.nn.init._calculate_fan_in_and_fan_out`).
///
/// ```
/// use modules_core::{init::calculate_fan_in_and_fan_out, Device, Tensor};
/// let w = Tensor::empty([8, 3, 5, 7], Device::Meta).unwrap();
/// assert_eq!(calculate_fan_in_and_fan_out(&w).unwrap(), (105, 280));
/// assert!(calculate_fan_in_and_fan_out(&Tensor::empty([4], Device::Meta).unwrap()).is_err());
/// ```
pub fn calculate_fan_in_and_fan_out(t: &Tensor) -> Result<(usize, usize)> {
    fans(t, "_calculate_fan_in_and_fan_out")
}

/// As [`calculate_fan_in_and_fan_out`], with the caller's name in the error.
pub(crate) fn fans(t: &Tensor, function: &'static str) -> Result<(usize, usize)> {
    let shape = t.shape();
    if shape.len() < 2 {
        return Err(Error::InvalidArgument {
            function,
            message: "Fan in and fan out can not be computed for tensor with fewer than 2 dimensions".into(),
        });
    }
    let receptive: usize = shape[2..].iter().product();
    Ok((shape[1] * receptive, shape[0] * receptive))
}
