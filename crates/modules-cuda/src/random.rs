//! On-device random initialization: the Philox 4x32-10 streams of `docs/philox-streams.md`, from
//! the parameters `modules-philox` computes for the CPU streams too.

use cudarc::driver::PushKernelArg;

use crate::guard::call;
use modules_philox::{Params32, Params64, RandomFill};

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

/// The kernel of a fill: `philox_<distribution>_<element type>` in `kernels.cu`.
fn kernel_name(fill: &RandomFill, kind: FloatKind) -> String {
    let prefix = match fill {
        RandomFill::Uniform { .. } => "philox_uniform_",
        RandomFill::Normal { .. } => "philox_normal_",
        RandomFill::TruncNormal { .. } => "philox_trunc_normal_",
    };
    format!("{prefix}{}", kind.suffix())
}

/// Parameters the kernels cannot draw from (infinite bounds, a negative std), rejected before
/// the launch.
fn check(fill: &RandomFill) -> Result<(), CudaError> {
    let ok = match *fill {
        RandomFill::Uniform { low, high } => low.is_finite() && high.is_finite(),
        RandomFill::Normal { mean, std } => mean.is_finite() && std.is_finite() && std >= 0.0,
        RandomFill::TruncNormal { mean, std, a, b } => {
            mean.is_finite() && std.is_finite() && std > 0.0 && !a.is_nan() && !b.is_nan()
        }
    };
    if ok {
        Ok(())
    } else {
        Err(CudaError::InvalidArgument(format!(
            "invalid random distribution parameters: {fill:?}"
        )))
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
    /// use modules_cuda::{CudaBuffer, FloatKind, RandomFill};
    /// let mut b = match CudaBuffer::uninit(0, 4 * 1000) {
    ///     Ok(b) => b,
    ///     Err(e) => { println!("skipped: {e}"); return; }
    /// };
    /// b.fill_random(FloatKind::F32, 42, 0, RandomFill::Uniform { low: -1.0, high: 1.0 }).unwrap();
    /// ```
    pub fn fill_random(
        &mut self,
        kind: FloatKind,
        seed: u64,
        block: u64,
        fill: RandomFill,
    ) -> Result<(), CudaError> {
        check(&fill)?;
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
        let f = kernels::function(dev, &kernel_name(&fill, kind))?;
        let cfg = kernels::grid(kind.blocks_needed(n));
        let p64 = Params64::new(&fill).to_vec();
        let p32 = Params32::new(&fill).to_vec();
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
        self.fill_random(kind, seed, block, RandomFill::Uniform { low, high })
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
        self.fill_random(kind, seed, block, RandomFill::Normal { mean, std })
    }
}
