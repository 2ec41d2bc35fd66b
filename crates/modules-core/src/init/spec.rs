//! [`Init`]: an initialization as a value, declared by module constructors and re-run by
//! `reset_parameters`.

use super::gain::{FanMode, Nonlinearity};
use super::orthogonal::orthogonal_;
use super::random::*;
use super::sparse::sparse_;
use super::structural::*;
use crate::rng::{Generator, RandomFill};
use crate::{Result, Tensor};

/// A description of how to initialize a tensor; build one with the functions of [`crate::init`]
/// (`init::kaiming_uniform(5f64.sqrt())`, `init::zeros()`, ...) and run it with
/// [`apply`](Init::apply).
///
/// ```
/// use modules_core::{init, Device, Tensor};
/// let emb = init::normal(0.0, 1.0).then(init::zero_index(1));
/// let mut t = Tensor::empty([3, 2], Device::Cpu).unwrap();
/// emb.apply(&mut t).unwrap();
/// assert_eq!(&t.to_vec::<f32>().unwrap()[2..4], &[0.0, 0.0]);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub enum Init {
    /// `uniform_`, `normal_` or `trunc_normal_`: the distribution as the random streams take
    /// it, so that an init, the CPU fill and the CUDA kernels share one description.
    Random(RandomFill),
    /// `constant_(value)` (also `ones_`, `zeros_`).
    Constant(f64),
    /// `eye_`.
    Eye,
    /// `dirac_(groups)`.
    Dirac {
        /// Groups of output channels.
        groups: usize,
    },
    /// `xavier_uniform_(gain)`.
    XavierUniform {
        /// Scale factor.
        gain: f64,
    },
    /// `xavier_normal_(gain)`.
    XavierNormal {
        /// Scale factor.
        gain: f64,
    },
    /// `kaiming_uniform_(a, mode, nonlinearity)`.
    KaimingUniform {
        /// Negative slope of the rectifier (for leaky_relu).
        a: f64,
        /// Which fan scales the bound.
        mode: FanMode,
        /// The nonlinearity the gain is computed for.
        nonlinearity: Nonlinearity,
    },
    /// `kaiming_normal_(a, mode, nonlinearity)`.
    KaimingNormal {
        /// Negative slope of the rectifier (for leaky_relu).
        a: f64,
        /// Which fan scales the std.
        mode: FanMode,
        /// The nonlinearity the gain is computed for.
        nonlinearity: Nonlinearity,
    },
    /// `orthogonal_(gain)`.
    Orthogonal {
        /// Scale factor.
        gain: f64,
    },
    /// `sparse_(sparsity, std)`.
    Sparse {
        /// Fraction of each column set to zero.
        sparsity: f64,
        /// Standard deviation of the non-zero values.
        std: f64,
    },
    /// U(±1/√fan_in), bound 0 when `fan_in` is 0 (the bias of Linear and Conv).
    UniformFanIn {
        /// The fan-in.
        fan_in: usize,
    },
    /// Zero row `index` along dim 0 (Embedding's `padding_idx`).
    ZeroIndex {
        /// The row kept at zero (resolved: non-negative).
        index: usize,
    },
    /// Several inits, in order.
    Sequence(Vec<Init>),
}

impl Init {
    /// Runs `self`, then `next`.
    ///
    /// ```
    /// use modules_core::init::{self, Init};
    /// let i = init::normal(0.0, 1.0).then(init::zero_index(0)).then(init::zeros());
    /// assert!(matches!(i, Init::Sequence(ref v) if v.len() == 3));
    /// ```
    pub fn then(self, next: Init) -> Init {
        match self {
            Init::Sequence(mut v) => {
                v.push(next);
                Init::Sequence(v)
            }
            first => Init::Sequence(vec![first, next]),
        }
    }

    /// Initializes `t` in place, drawing from the default generator. A no-op on meta.
    ///
    /// ```
    /// use modules_core::{init, Device, Tensor};
    /// let mut w = Tensor::empty([3, 4], Device::Cpu).unwrap();
    /// init::kaiming_uniform(5f64.sqrt()).apply(&mut w).unwrap();
    /// assert!(w.to_vec::<f32>().unwrap().iter().all(|x| x.abs() <= 0.5));
    /// ```
    pub fn apply(&self, t: &mut Tensor) -> Result<()> {
        self.run(t, None)
    }

    /// Initializes `t` in place, drawing from `generator`.
    ///
    /// ```
    /// use modules_core::{init, rng::Generator, Device, Tensor};
    /// let (mut a, mut b) = (Tensor::empty([5], Device::Cpu).unwrap(), Tensor::empty([5], Device::Cpu).unwrap());
    /// init::normal(0.0, 1.0).apply_with(&mut a, &mut Generator::new(1)).unwrap();
    /// init::normal(0.0, 1.0).apply_with(&mut b, &mut Generator::new(1)).unwrap();
    /// assert_eq!(a.to_vec::<f32>().unwrap(), b.to_vec::<f32>().unwrap());
    /// ```
    pub fn apply_with(&self, t: &mut Tensor, generator: &mut Generator) -> Result<()> {
        self.run(t, Some(generator))
    }

    fn run(&self, t: &mut Tensor, mut g: Option<&mut Generator>) -> Result<()> {
        match *self {
            Init::Random(RandomFill::Uniform { low, high }) => uniform_(t, low, high, g),
            Init::Random(RandomFill::Normal { mean, std }) => normal_(t, mean, std, g),
            Init::Random(RandomFill::TruncNormal { mean, std, a, b }) => trunc_normal_(t, mean, std, a, b, g),
            Init::Constant(v) => constant_(t, v),
            Init::Eye => eye_(t),
            Init::Dirac { groups } => dirac_(t, groups),
            Init::XavierUniform { gain } => xavier_uniform_(t, gain, g),
            Init::XavierNormal { gain } => xavier_normal_(t, gain, g),
            Init::KaimingUniform {
                a,
                mode,
                nonlinearity,
            } => kaiming_uniform_(t, a, mode, nonlinearity, g),
            Init::KaimingNormal {
                a,
                mode,
                nonlinearity,
            } => kaiming_normal_(t, a, mode, nonlinearity, g),
            Init::Orthogonal { gain } => orthogonal_(t, gain, g),
            Init::Sparse { sparsity, std } => sparse_(t, sparsity, std, g),
            Init::UniformFanIn { fan_in } => {
                let bound = if fan_in > 0 {
                    1.0 / (fan_in as f64).sqrt()
                } else {
                    0.0
                };
                uniform_(t, -bound, bound, g)
            }
            Init::ZeroIndex { index } => zero_index_(t, index),
            Init::Sequence(ref steps) => steps.iter().try_for_each(|s| s.run(t, g.as_deref_mut())),
        }
    }
}

/// U(a, b), as `uniform_(a, b)`.
///
/// ```
/// use modules_core::{init::{self, Init}, rng::RandomFill};
/// assert_eq!(init::uniform(0.0, 1.0), Init::Random(RandomFill::Uniform { low: 0.0, high: 1.0 }));
/// ```
pub fn uniform(a: f64, b: f64) -> Init {
    Init::Random(RandomFill::Uniform { low: a, high: b })
}

/// N(mean, std²), as `normal_(mean, std)`.
///
/// ```
/// let _ = modules_core::init::normal(0.0, 0.02);
/// ```
pub fn normal(mean: f64, std: f64) -> Init {
    Init::Random(RandomFill::Normal { mean, std })
}

/// N(mean, std²) truncated to the absolute interval [a, b], as `trunc_normal_(mean, std, a, b)`.
///
/// ```
/// let _ = modules_core::init::trunc_normal(0.0, 0.02, -0.04, 0.04);
/// ```
pub fn trunc_normal(mean: f64, std: f64, a: f64, b: f64) -> Init {
    Init::Random(RandomFill::TruncNormal { mean, std, a, b })
}

/// [`Init::Constant`]: every element `value`.
///
/// ```
/// let _ = modules_core::init::constant(0.1);
/// ```
pub fn constant(value: f64) -> Init {
    Init::Constant(value)
}

/// Ones (`constant(1.0)`).
///
/// ```
/// assert_eq!(modules_core::init::ones(), modules_core::init::constant(1.0));
/// ```
pub fn ones() -> Init {
    Init::Constant(1.0)
}

/// Zeros (`constant(0.0)`).
///
/// ```
/// assert_eq!(modules_core::init::zeros(), modules_core::init::constant(0.0));
/// ```
pub fn zeros() -> Init {
    Init::Constant(0.0)
}

/// [`Init::Eye`]: the identity matrix.
///
/// ```
/// let _ = modules_core::init::eye();
/// ```
pub fn eye() -> Init {
    Init::Eye
}

/// [`Init::Dirac`]: the Dirac delta of a convolution with `groups` groups.
///
/// ```
/// let _ = modules_core::init::dirac(1);
/// ```
pub fn dirac(groups: usize) -> Init {
    Init::Dirac { groups }
}

/// [`Init::XavierUniform`].
///
/// ```
/// let _ = modules_core::init::xavier_uniform(1.0);
/// ```
pub fn xavier_uniform(gain: f64) -> Init {
    Init::XavierUniform { gain }
}

/// [`Init::XavierNormal`].
///
/// ```
/// let _ = modules_core::init::xavier_normal(1.0);
/// ```
pub fn xavier_normal(gain: f64) -> Init {
    Init::XavierNormal { gain }
}

/// Kaiming uniform with negative slope `a`, fan_in and leaky_relu: what `nn.Linear` and the
/// convolutions use with `a = √5` (a bound of `1/√fan_in`).
///
/// ```
/// let _ = modules_core::init::kaiming_uniform(5f64.sqrt());
/// ```
pub fn kaiming_uniform(a: f64) -> Init {
    kaiming_uniform_with(a, FanMode::FanIn, Nonlinearity::LeakyRelu)
}

/// [`Init::KaimingUniform`] with every argument.
///
/// ```
/// use modules_core::init::{self, FanMode, Nonlinearity};
/// let _ = init::kaiming_uniform_with(0.0, FanMode::FanOut, Nonlinearity::Relu);
/// ```
pub fn kaiming_uniform_with(a: f64, mode: FanMode, nonlinearity: Nonlinearity) -> Init {
    Init::KaimingUniform {
        a,
        mode,
        nonlinearity,
    }
}

/// [`Init::KaimingNormal`] with every argument.
///
/// ```
/// use modules_core::init::{self, FanMode, Nonlinearity};
/// let _ = init::kaiming_normal_with(0.0, FanMode::FanIn, Nonlinearity::Relu);
/// ```
pub fn kaiming_normal_with(a: f64, mode: FanMode, nonlinearity: Nonlinearity) -> Init {
    Init::KaimingNormal {
        a,
        mode,
        nonlinearity,
    }
}

/// [`Init::Orthogonal`].
///
/// ```
/// let _ = modules_core::init::orthogonal(1.0);
/// ```
pub fn orthogonal(gain: f64) -> Init {
    Init::Orthogonal { gain }
}

/// [`Init::Sparse`].
///
/// ```
/// let _ = modules_core::init::sparse(0.1, 0.01);
/// ```
pub fn sparse(sparsity: f64, std: f64) -> Init {
    Init::Sparse { sparsity, std }
}

/// [`Init::UniformFanIn`]: U(±1/√fan_in), the bias of Linear and Conv.
///
/// ```
/// let _ = modules_core::init::uniform_fan_in(400);
/// ```
pub fn uniform_fan_in(fan_in: usize) -> Init {
    Init::UniformFanIn { fan_in }
}

/// [`Init::ZeroIndex`]: zero row `index` along dim 0.
///
/// ```
/// let _ = modules_core::init::zero_index(0);
/// ```
pub fn zero_index(index: usize) -> Init {
    Init::ZeroIndex { index }
}

/// What a derived constructor stores for `reset_parameters`: the declared `Init`, run again.
impl crate::Initializer for Init {
    fn initialize(&self, t: &mut Tensor) -> Result<()> {
        self.apply(t)
    }
}
