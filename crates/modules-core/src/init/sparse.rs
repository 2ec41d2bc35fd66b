//! `sparse_`: a normal draw with a fixed fraction of each column zeroed.

use super::dispatch::{fill_random, on_host};
use crate::rng::{philox4x32_10, reserve_in, Generator, RandomFill};
use crate::{DType, Error, Result, Tensor};

/// N(0, std²) with `ceil(sparsity·rows)` entries of every column set to zero
/// (`torch.nn.init.sparse_`); 2-D tensors only.
///
/// PyTorch picks the zeroed rows with `torch.randperm` on the *global* generator whatever
/// `generator` is given; here both the values and the rows come from `generator` (or the default
/// generator), so one seed fixes the whole result.
///
/// ```
/// use modules_core::{init, Device, Tensor};
/// let mut t = Tensor::empty([10, 4], Device::Cpu).unwrap();
/// init::sparse_(&mut t, 0.25, 0.01, None).unwrap();
/// let w = t.to_vec::<f32>().unwrap();
/// for c in 0..4 {
///     assert_eq!((0..10).filter(|r| w[r * 4 + c] == 0.0).count(), 3);
/// }
/// ```
pub fn sparse_(t: &mut Tensor, sparsity: f64, std: f64, mut generator: Option<&mut Generator>) -> Result<()> {
    let &[rows, cols] = t.shape() else {
        return Err(Error::InvalidArgument {
            function: "sparse_",
            message: "Only tensors with 2 dimensions are supported".into(),
        });
    };
    on_host(t, |t| {
        let num_zeros = ((sparsity * rows as f64).ceil().max(0.0) as usize).min(rows);
        fill_random(t, RandomFill::Normal { mean: 0.0, std }, generator.as_deref_mut())?;
        // A partial Fisher–Yates shuffle per column, one 32-bit word per swap.
        let words = cols * num_zeros;
        let (seed, block) = reserve_in(generator, words.div_ceil(4) as u64);
        let key = [seed as u32, (seed >> 32) as u32];
        let word = |w: usize| {
            let b = block + (w / 4) as u64;
            philox4x32_10([b as u32, (b >> 32) as u32, 0, 0], key)[w % 4]
        };
        let mut zeroed = Vec::with_capacity(words);
        let mut perm: Vec<usize> = Vec::with_capacity(rows);
        for c in 0..cols {
            perm.clear();
            perm.extend(0..rows);
            for i in 0..num_zeros {
                // Multiply-shift maps a word to [0, rows - i) (bias below 2^-32 · rows: negligible).
                let j = i + ((u64::from(word(c * num_zeros + i)) * (rows - i) as u64) >> 32) as usize;
                perm.swap(i, j);
                zeroed.push(perm[i] * cols + c);
            }
        }
        let zero = |t: &mut Tensor| -> Result<()> {
            macro_rules! put {
                ($ty:ty, $z:expr) => {{
                    let s = t.as_mut_slice::<$ty>()?;
                    for &i in &zeroed {
                        s[i] = $z;
                    }
                }};
            }
            match t.dtype() {
                DType::F32 => put!(f32, 0.0),
                DType::F64 => put!(f64, 0.0),
                DType::F16 => put!(half::f16, half::f16::ZERO),
                DType::BF16 => put!(half::bf16, half::bf16::ZERO),
                dtype => return Err(Error::UnsupportedDType { op: "sparse_", dtype }),
            }
            Ok(())
        };
        zero(t)
    })
}
