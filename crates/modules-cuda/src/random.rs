//! On-device random initialization: the Philox 4x32-10 streams of `docs/philox-streams.md`.

use cudarc::driver::PushKernelArg;

use crate::context::call;
use crate::{kernels, CudaBuffer, CudaError};

/// The floating-point element types a random fill can write.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FloatKind {
    /// `f32`.
    F32,
    /// `f64`.
    F64,
    /// IEEE half (`half::f16`): the f32 value rounded to nearest even.
    F16,
    /// bfloat16 (`half::bf16`): the f32 value rounded to nearest even.
    BF16,
}

impl FloatKind {
    /// Bytes per element.
    pub fn size_in_bytes(self) -> usize {
        match self {
            FloatKind::F64 => 8,
            FloatKind::F32 => 4,
            FloatKind::F16 | FloatKind::BF16 => 2,
        }
    }

    /// Philox blocks a fill of `n` elements uses: four values per block, two for f64.
    ///
    /// ```
    /// use modules_cuda::FloatKind;
    /// assert_eq!(FloatKind::F32.blocks_needed(9), 3);
    /// assert_eq!(FloatKind::F64.blocks_needed(9), 5);
    /// ```
    pub fn blocks_needed(self, n: u64) -> u64 {
        match self {
            FloatKind::F64 => n.div_ceil(2),
            _ => n.div_ceil(4),
        }
    }

    fn suffix(self) -> &'static str {
        match self {
            FloatKind::F32 => "f32",
            FloatKind::F64 => "f64",
            FloatKind::F16 => "f16",
            FloatKind::BF16 => "bf16",
        }
    }
}

/// What a random fill draws.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Distribution {
    /// `low + u * (high - low)`, `u` in [0, 1).
    Uniform {
        /// Lower bound.
        low: f64,
        /// Upper bound.
        high: f64,
    },
    /// Box-Muller normal samples.
    Normal {
        /// Mean.
        mean: f64,
        /// Standard deviation.
        std: f64,
    },
    /// Inverse-CDF normal samples truncated to `[a, b]`; see [`Distribution::trunc_normal`].
    TruncNormal {
        /// Mean.
        mean: f64,
        /// Standard deviation.
        std: f64,
        /// Lower cut.
        a: f64,
        /// Upper cut.
        b: f64,
        /// `erf((a - mean) / std / √2)`, computed once on the host in f64.
        l: f64,
        /// `erf((b - mean) / std / √2)`.
        h: f64,
    },
}

impl Distribution {
    /// A truncated normal, with `l` and `h` computed here (`libm::erf`, f64). Callers with
    /// their own `erf` may build [`Distribution::TruncNormal`] directly to pass theirs.
    ///
    /// ```
    /// use modules_cuda::Distribution;
    /// let Distribution::TruncNormal { l, h, .. } = Distribution::trunc_normal(0.0, 1.0, -2.0, 2.0)
    /// else { unreachable!() };
    /// assert!((h - 0.954_499_736_103_642).abs() < 1e-15 && l == -h);
    /// ```
    pub fn trunc_normal(mean: f64, std: f64, a: f64, b: f64) -> Distribution {
        let cdf = |x: f64| libm::erf((x - mean) / std / std::f64::consts::SQRT_2);
        Distribution::TruncNormal {
            mean,
            std,
            a,
            b,
            l: cdf(a),
            h: cdf(b),
        }
    }

    fn kernel_prefix(&self) -> &'static str {
        match self {
            Distribution::Uniform { .. } => "philox_uniform_",
            Distribution::Normal { .. } => "philox_normal_",
            Distribution::TruncNormal { .. } => "philox_trunc_normal_",
        }
    }

    /// Kernel parameters after the common ones, in f64 (for f64 kernels) -- see `kernels.cu`:
    /// uniform `low, high - low`; normal `mean, std`; truncated normal
    /// `mean, std·√2, l, h - l, a, b`.
    pub(crate) fn params_f64(&self) -> Vec<f64> {
        match *self {
            Distribution::Uniform { low, high } => vec![low, high - low],
            Distribution::Normal { mean, std } => vec![mean, std],
            Distribution::TruncNormal {
                mean,
                std,
                a,
                b,
                l,
                h,
            } => vec![mean, std * std::f64::consts::SQRT_2, l, h - l, a, b],
        }
    }

    /// The same rounded to f32, as the CPU streams do: every parameter, difference and
    /// product is taken in f64 first, then rounded once.
    pub(crate) fn params_f32(&self) -> Vec<f32> {
        self.params_f64().into_iter().map(|p| p as f32).collect()
    }

    fn check(&self) -> Result<(), CudaError> {
        let ok = match *self {
            Distribution::Uniform { low, high } => low.is_finite() && high.is_finite(),
            Distribution::Normal { mean, std } => mean.is_finite() && std.is_finite() && std >= 0.0,
            Distribution::TruncNormal { mean, std, a, b, .. } => {
                mean.is_finite() && std.is_finite() && std > 0.0 && !a.is_nan() && !b.is_nan()
            }
        };
        if ok {
            Ok(())
        } else {
            Err(CudaError::InvalidArgument(format!(
                "invalid random distribution parameters: {self:?}"
            )))
        }
    }
}

impl CudaBuffer {
    /// Fills the buffer with `len / kind.size_in_bytes()` random values of `dist`, drawn from
    /// the Philox stream of `seed` starting at block `block`, entirely on the device.
    ///
    /// The caller reserves [`FloatKind::blocks_needed`] blocks of its generator for this fill.
    /// Uniform values are bit-identical to the CPU streams; normal and truncated-normal values
    /// agree to a few ulps (CUDA's `logf`/`sincosf`/`erfinvf` round differently).
    ///
    /// ```
    /// use modules_cuda::{CudaBuffer, Distribution, FloatKind};
    /// let mut b = match CudaBuffer::uninit(0, 4 * 1000) {
    ///     Ok(b) => b,
    ///     Err(e) => { println!("skipped: {e}"); return; }
    /// };
    /// b.fill_random(FloatKind::F32, 42, 0, Distribution::Uniform { low: -1.0, high: 1.0 }).unwrap();
    /// ```
    pub fn fill_random(
        &mut self,
        kind: FloatKind,
        seed: u64,
        block: u64,
        dist: Distribution,
    ) -> Result<(), CudaError> {
        dist.check()?;
        let size = kind.size_in_bytes();
        if !self.len().is_multiple_of(size) {
            return Err(CudaError::InvalidArgument(format!(
                "a buffer of {} bytes is not a whole number of {kind:?} elements",
                self.len()
            )));
        }
        let n = (self.len() / size) as u64;
        let (dev, slice) = self.parts_mut();
        let Some(out) = slice else {
            return Ok(());
        };
        let f = kernels::function(dev, &format!("{}{}", dist.kernel_prefix(), kind.suffix()))?;
        let cfg = kernels::grid(kind.blocks_needed(n));
        let p64 = dist.params_f64();
        let p32 = dist.params_f32();
        let mut b = dev.stream.launch_builder(&f);
        b.arg(out).arg(&n).arg(&seed).arg(&block);
        if kind == FloatKind::F64 {
            for p in &p64 {
                b.arg(p);
            }
        } else {
            for p in &p32 {
                b.arg(p);
            }
        }
        // SAFETY: the kernel writes elements 0..n of `out` (n * size = its length) and
        // takes exactly the parameters pushed above, in this order (see kernels.cu).
        call(|| unsafe { b.launch(cfg) }.map(|_| ()))?;
        // Launch errors (and faults) surface here, not in some later unrelated call.
        call(|| dev.stream.synchronize())
    }

    /// Uniform values in [`low`, `high`); see [`CudaBuffer::fill_random`].
    pub fn fill_uniform(
        &mut self,
        kind: FloatKind,
        seed: u64,
        block: u64,
        low: f64,
        high: f64,
    ) -> Result<(), CudaError> {
        self.fill_random(kind, seed, block, Distribution::Uniform { low, high })
    }

    /// Normal values; see [`CudaBuffer::fill_random`].
    pub fn fill_normal(
        &mut self,
        kind: FloatKind,
        seed: u64,
        block: u64,
        mean: f64,
        std: f64,
    ) -> Result<(), CudaError> {
        self.fill_random(kind, seed, block, Distribution::Normal { mean, std })
    }
}
