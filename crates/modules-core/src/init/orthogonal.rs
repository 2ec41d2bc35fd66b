//! `orthogonal_`: a (semi-)orthogonal matrix from the QR decomposition of a normal draw.

use super::dispatch::{fill_random, on_host, write_f64};
use crate::rng::{Generator, RandomFill};
use crate::{Device, Error, Result, Tensor};

/// Fills `t` with a (semi-)orthogonal matrix times `gain` (`torch.nn.init.orthogonal_`): rows
/// orthonormal when `rows <= cols` (W·Wᵀ = gain²·I), columns otherwise; dims after the first are
/// flattened. The normal draw is in `t`'s dtype (as in PyTorch), the QR in f64 on the host.
///
/// ```
/// use modules_core::{init, Device, Tensor};
/// let mut t = Tensor::empty([2, 3], Device::Cpu).unwrap();
/// init::orthogonal_(&mut t, 1.0, None).unwrap();
/// let w = t.to_vec::<f32>().unwrap();
/// let dot: f32 = (0..3).map(|k| w[k] * w[3 + k]).sum();
/// assert!(dot.abs() < 1e-6);
/// ```
pub fn orthogonal_(t: &mut Tensor, gain: f64, generator: Option<&mut Generator>) -> Result<()> {
    if t.dim() < 2 {
        return Err(Error::InvalidArgument {
            function: "orthogonal_",
            message: "Only tensors with 2 or more dimensions are supported".into(),
        });
    }
    if t.numel() == 0 {
        return Ok(());
    }
    on_host(t, |t| {
        let rows = t.shape()[0];
        let cols = t.numel() / rows;
        let mut flat = Tensor::empty([rows, cols], (Device::Cpu, t.dtype()))?;
        fill_random(&mut flat, RandomFill::Normal { mean: 0.0, std: 1.0 }, generator)?;
        let a = flat.to_f64_vec()?;
        // QR needs a tall matrix: factor the transpose of a wide one.
        let (m, n, tall) = if rows < cols {
            (cols, rows, transpose(&a, rows, cols))
        } else {
            (rows, cols, a)
        };
        let q = q_with_positive_r(tall, m, n);
        let q = if rows < cols { transpose(&q, m, n) } else { q };
        let scaled: Vec<f64> = q.iter().map(|x| x * gain).collect();
        write_f64(t, &scaled, "orthogonal_")
    })
}

fn transpose(a: &[f64], rows: usize, cols: usize) -> Vec<f64> {
    let mut t = vec![0.0; a.len()];
    for i in 0..rows {
        for j in 0..cols {
            t[j * rows + i] = a[i * cols + j];
        }
    }
    t
}

/// The `m×n` factor `Q` (row-major, `m >= n`) of `A = QR` by Householder reflections, with each
/// column multiplied by the sign of `R`'s diagonal, as PyTorch does after `linalg.qr`: this makes
/// the decomposition unique (R with a positive diagonal), so the result is LAPACK's up to rounding.
fn q_with_positive_r(mut a: Vec<f64>, m: usize, n: usize) -> Vec<f64> {
    let mut reflectors: Vec<Vec<f64>> = Vec::with_capacity(n);
    let mut r_diag = vec![0.0; n];
    for k in 0..n {
        let norm = (k..m).map(|i| a[i * n + k].powi(2)).sum::<f64>().sqrt();
        let x0 = a[k * n + k];
        // alpha of the opposite sign to x0 avoids cancellation in v0 = x0 - alpha.
        let alpha = if x0 >= 0.0 { -norm } else { norm };
        let mut v: Vec<f64> = (k..m).map(|i| a[i * n + k]).collect();
        v[0] -= alpha;
        let vnorm = v.iter().map(|x| x * x).sum::<f64>().sqrt();
        if vnorm == 0.0 {
            // A zero column: no reflection, R's diagonal entry is 0.
            reflectors.push(vec![0.0; m - k]);
            continue;
        }
        v.iter_mut().for_each(|x| *x /= vnorm);
        for j in k..n {
            let dot: f64 = (k..m).map(|i| v[i - k] * a[i * n + j]).sum();
            for i in k..m {
                a[i * n + j] -= 2.0 * v[i - k] * dot;
            }
        }
        r_diag[k] = a[k * n + k];
        reflectors.push(v);
    }
    // Q = H_0 H_1 ... H_{n-1} applied to the first n columns of the identity.
    let mut q = vec![0.0; m * n];
    for j in 0..n {
        q[j * n + j] = 1.0;
    }
    for (k, v) in reflectors.iter().enumerate().rev() {
        for j in 0..n {
            let dot: f64 = (k..m).map(|i| v[i - k] * q[i * n + j]).sum();
            for i in k..m {
                q[i * n + j] -= 2.0 * v[i - k] * dot;
            }
        }
    }
    for (j, &d) in r_diag.iter().enumerate() {
        // torch.sign: 0 for 0.
        let s = if d > 0.0 {
            1.0
        } else if d < 0.0 {
            -1.0
        } else {
            0.0
        };
        for i in 0..m {
            q[i * n + j] *= s;
        }
    }
    q
}
