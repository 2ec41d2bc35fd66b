//! The random inits: uniform, normal, truncated normal, xavier and kaiming. All go through
//! [`fill_random`].

use super::dispatch::fill_random;
use super::gain::{calculate_gain, fans, FanMode, Nonlinearity};
use crate::rng::{Generator, RandomFill};
use crate::{Error, Result, Tensor};

/// Fills `t` with U(a, b) (`torch.nn.init.uniform_`); `generator` is PyTorch's `generator=`
/// argument (the default generator when `None`).
///
/// ```
/// use modules_core::{init, rng::Generator, Device, Tensor};
/// let mut t = Tensor::empty([3, 4], Device::Cpu).unwrap();
/// init::uniform_(&mut t, -1.0, 1.0, Some(&mut Generator::new(0))).unwrap();
/// assert!(t.to_vec::<f32>().unwrap().iter().all(|x| (-1.0..=1.0).contains(x)));
/// ```
pub fn uniform_(t: &mut Tensor, a: f64, b: f64, generator: Option<&mut Generator>) -> Result<()> {
    if a > b {
        return Err(Error::InvalidArgument {
            function: "uniform_",
            message: format!("uniform_ expects to return a [from, to) range, but found from={a} > to={b}"),
        });
    }
    fill_random(t, RandomFill::Uniform { low: a, high: b }, generator)
}

/// Fills `t` with N(mean, std²) (`torch.nn.init.normal_`).
///
/// ```
/// use modules_core::{init, Device, Tensor, DType};
/// let mut t = Tensor::empty([1000], Device::Cpu).unwrap();
/// init::normal_(&mut t, 0.0, 0.02, None).unwrap();
/// let mut i = Tensor::empty([2], (Device::Cpu, DType::I64)).unwrap();
/// assert!(init::normal_(&mut i, 0.0, 1.0, None).is_err());
/// ```
pub fn normal_(t: &mut Tensor, mean: f64, std: f64, generator: Option<&mut Generator>) -> Result<()> {
    check_std(std, "normal_")?;
    fill_random(t, RandomFill::Normal { mean, std }, generator)
}

fn check_std(std: f64, function: &'static str) -> Result<()> {
    if std < 0.0 {
        return Err(Error::InvalidArgument {
            function,
            message: format!("normal expects std >= 0.0, but found std {std}"),
        });
    }
    Ok(())
}

/// Fills `t` with N(mean, std²) truncated to the absolute interval [a, b]
/// (`torch.nn.init.trunc_normal_`; `a` and `b` are values, not multiples of `std`). Drawn by the
/// inverse CDF of docs/philox-streams.md: PyTorch's distribution, our values.
///
/// ```
/// use modules_core::{init, Device, Tensor};
/// let mut t = Tensor::empty([1000], Device::Cpu).unwrap();
/// init::trunc_normal_(&mut t, 0.0, 1.0, -2.0, 2.0, None).unwrap();
/// assert!(t.to_vec::<f32>().unwrap().iter().all(|x| (-2.0..=2.0).contains(x)));
/// ```
pub fn trunc_normal_(
    t: &mut Tensor,
    mean: f64,
    std: f64,
    a: f64,
    b: f64,
    generator: Option<&mut Generator>,
) -> Result<()> {
    check_std(std, "trunc_normal_")?;
    fill_random(t, RandomFill::TruncNormal { mean, std, a, b }, generator)
}

/// `gain·√(2/(fan_in+fan_out))`, with PyTorch's ZeroDivisionError as an error.
fn xavier_std(t: &Tensor, gain: f64, function: &'static str) -> Result<f64> {
    let (fan_in, fan_out) = fans(t, function)?;
    if fan_in + fan_out == 0 {
        return Err(Error::InvalidArgument {
            function,
            message: "float division by zero".into(),
        });
    }
    Ok(gain * (2.0 / (fan_in + fan_out) as f64).sqrt())
}

/// Glorot uniform: U(±gain·√(6/(fan_in+fan_out))) (`torch.nn.init.xavier_uniform_`).
///
/// ```
/// use modules_core::{init, Device, Tensor};
/// let mut t = Tensor::empty([30, 20], Device::Cpu).unwrap();
/// init::xavier_uniform_(&mut t, 1.0, None).unwrap();
/// let bound = (6.0f32 / 50.0).sqrt();
/// assert!(t.to_vec::<f32>().unwrap().iter().all(|x| x.abs() <= bound));
/// ```
pub fn xavier_uniform_(t: &mut Tensor, gain: f64, generator: Option<&mut Generator>) -> Result<()> {
    let a = 3f64.sqrt() * xavier_std(t, gain, "xavier_uniform_")?;
    fill_random(t, RandomFill::Uniform { low: -a, high: a }, generator)
}

/// Glorot normal: N(0, gain²·2/(fan_in+fan_out)) (`torch.nn.init.xavier_normal_`).
///
/// ```
/// use modules_core::{init, Device, Tensor};
/// let mut t = Tensor::empty([30, 20], Device::Cpu).unwrap();
/// init::xavier_normal_(&mut t, 1.0, None).unwrap();
/// ```
pub fn xavier_normal_(t: &mut Tensor, gain: f64, generator: Option<&mut Generator>) -> Result<()> {
    let std = xavier_std(t, gain, "xavier_normal_")?;
    fill_random(t, RandomFill::Normal { mean: 0.0, std }, generator)
}

/// `gain / √fan` of the kaiming inits, or `None` for a zero-element tensor (a no-op in PyTorch,
/// checked first, before the dimensions).
fn kaiming_std(
    t: &Tensor,
    a: f64,
    mode: FanMode,
    nonlinearity: Nonlinearity,
    function: &'static str,
) -> Result<Option<f64>> {
    if t.shape().contains(&0) {
        return Ok(None);
    }
    let (fan_in, fan_out) = fans(t, function)?;
    let fan = match mode {
        FanMode::FanIn => fan_in,
        FanMode::FanOut => fan_out,
    };
    Ok(Some(calculate_gain(nonlinearity, Some(a)) / (fan as f64).sqrt()))
}

/// He uniform: U(±√3·gain/√fan), gain from `nonlinearity` and the negative slope `a`
/// (`torch.nn.init.kaiming_uniform_`). `nn.Linear` uses `a = √5`, fan_in, leaky_relu:
/// a bound of `1/√fan_in`. Zero-element tensors: a no-op.
///
/// ```
/// use modules_core::init::{self, FanMode, Nonlinearity};
/// use modules_core::{Device, Tensor};
/// let mut w = Tensor::empty([300, 400], Device::Cpu).unwrap();
/// init::kaiming_uniform_(&mut w, 5f64.sqrt(), FanMode::FanIn, Nonlinearity::LeakyRelu, None).unwrap();
/// assert!(w.to_vec::<f32>().unwrap().iter().all(|x| x.abs() <= 0.05));
/// ```
pub fn kaiming_uniform_(
    t: &mut Tensor,
    a: f64,
    mode: FanMode,
    nonlinearity: Nonlinearity,
    generator: Option<&mut Generator>,
) -> Result<()> {
    let Some(std) = kaiming_std(t, a, mode, nonlinearity, "kaiming_uniform_")? else {
        return Ok(());
    };
    let bound = 3f64.sqrt() * std;
    fill_random(
        t,
        RandomFill::Uniform {
            low: -bound,
            high: bound,
        },
        generator,
    )
}

/// He normal: N(0, (gain/√fan)²) (`torch.nn.init.kaiming_normal_`). Zero-element tensors: a no-op.
///
/// ```
/// use modules_core::init::{self, FanMode, Nonlinearity};
/// use modules_core::{Device, Tensor};
/// let mut w = Tensor::empty([64, 3, 3, 3], Device::Cpu).unwrap();
/// init::kaiming_normal_(&mut w, 0.0, FanMode::FanOut, Nonlinearity::Relu, None).unwrap();
/// ```
pub fn kaiming_normal_(
    t: &mut Tensor,
    a: f64,
    mode: FanMode,
    nonlinearity: Nonlinearity,
    generator: Option<&mut Generator>,
) -> Result<()> {
    let Some(std) = kaiming_std(t, a, mode, nonlinearity, "kaiming_normal_")? else {
        return Ok(());
    };
    fill_random(t, RandomFill::Normal { mean: 0.0, std }, generator)
}
