//! The deterministic inits: constants, identity matrices, Dirac kernels and zeroed rows.

use super::dispatch::{on_host, set_ones};
use crate::{Error, Result, Tensor};

/// Fills `t` with `val` (`torch.nn.init.constant_`); a no-op on meta.
///
/// ```
/// use modules_core::{init, Device, Tensor};
/// let mut t = Tensor::empty([2], Device::Cpu).unwrap();
/// init::constant_(&mut t, 0.5).unwrap();
/// assert_eq!(t.to_vec::<f32>().unwrap(), vec![0.5, 0.5]);
/// ```
pub fn constant_(t: &mut Tensor, val: f64) -> Result<()> {
    t.fill(val)
}

/// Fills `t` with ones (`torch.nn.init.ones_`).
///
/// ```
/// use modules_core::{init, Device, Tensor};
/// let mut t = Tensor::empty([2], Device::Cpu).unwrap();
/// init::ones_(&mut t).unwrap();
/// assert_eq!(t.to_vec::<f32>().unwrap(), vec![1.0, 1.0]);
/// ```
pub fn ones_(t: &mut Tensor) -> Result<()> {
    t.fill(1.0)
}

/// Fills `t` with zeros (`torch.nn.init.zeros_`).
///
/// ```
/// use modules_core::{init, Device, Tensor};
/// let mut t = Tensor::ones([2], Device::Cpu).unwrap();
/// init::zeros_(&mut t).unwrap();
/// assert_eq!(t.to_vec::<f32>().unwrap(), vec![0.0, 0.0]);
/// ```
pub fn zeros_(t: &mut Tensor) -> Result<()> {
    t.fill(0.0)
}

/// The (rectangular) identity matrix (`torch.nn.init.eye_`); 2-D tensors only.
///
/// ```
/// use modules_core::{init, Device, Tensor};
/// let mut t = Tensor::empty([2, 3], Device::Cpu).unwrap();
/// init::eye_(&mut t).unwrap();
/// assert_eq!(t.to_vec::<f32>().unwrap(), vec![1.0, 0.0, 0.0, 0.0, 1.0, 0.0]);
/// ```
pub fn eye_(t: &mut Tensor) -> Result<()> {
    let &[rows, cols] = t.shape() else {
        return Err(Error::InvalidArgument {
            function: "eye_",
            message: "Only tensors with 2 dimensions are supported".into(),
        });
    };
    on_host(t, |t| {
        t.fill(0.0)?;
        let diagonal: Vec<usize> = (0..rows.min(cols)).map(|i| i * cols + i).collect();
        set_ones(t, &diagonal)
    })
}

/// The Dirac delta of a convolution: the identity on the first `min(out/groups, in)` channels of
/// each group, at the kernel's centre (`torch.nn.init.dirac_`); 3-, 4- and 5-D tensors only.
///
/// ```
/// use modules_core::{init, Device, Tensor};
/// let mut t = Tensor::empty([2, 2, 3], Device::Cpu).unwrap();
/// init::dirac_(&mut t, 1).unwrap();
/// assert_eq!(t.to_vec::<f32>().unwrap(), vec![0., 1., 0., 0., 0., 0., 0., 0., 0., 0., 1., 0.]);
/// ```
pub fn dirac_(t: &mut Tensor, groups: usize) -> Result<()> {
    let shape = t.shape().to_vec();
    if !(3..=5).contains(&shape.len()) {
        return Err(Error::InvalidArgument {
            function: "dirac_",
            message: "Only tensors with 3, 4, or 5 dimensions are supported".into(),
        });
    }
    if groups == 0 || !shape[0].is_multiple_of(groups) {
        return Err(Error::InvalidArgument {
            function: "dirac_",
            message: "dim 0 must be divisible by groups".into(),
        });
    }
    on_host(t, |t| {
        t.fill(0.0)?;
        let out_per_group = shape[0] / groups;
        let min_dim = out_per_group.min(shape[1]);
        // Row-major strides; the centre of every spatial dimension is size // 2.
        let mut strides = vec![1usize; shape.len()];
        for d in (0..shape.len() - 1).rev() {
            strides[d] = strides[d + 1] * shape[d + 1];
        }
        let centre: usize = (2..shape.len()).map(|d| shape[d] / 2 * strides[d]).sum();
        let mut ones = Vec::with_capacity(groups * min_dim);
        for g in 0..groups {
            for d in 0..min_dim {
                ones.push((g * out_per_group + d) * strides[0] + d * strides[1] + centre);
            }
        }
        set_ones(t, &ones)
    })
}

/// Zeroes row `index` along dim 0 (Embedding's `padding_idx`).
pub(crate) fn zero_index_(t: &mut Tensor, index: usize) -> Result<()> {
    let rows = t.shape().first().copied().unwrap_or(0);
    if index >= rows {
        return Err(Error::InvalidArgument {
            function: "zero_index",
            message: format!("index {index} is out of range for dim 0 of size {rows}"),
        });
    }
    on_host(t, |t| {
        let row_bytes = t.size_in_bytes() / rows;
        t.as_bytes_mut()?[index * row_bytes..(index + 1) * row_bytes].fill(0);
        Ok(())
    })
}
