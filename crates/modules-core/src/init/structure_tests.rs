//! Structural inits (docs/pytorch-semantics.md §10 cases 35-41), meta no-ops and PyTorch's
//! error texts.

use super::tests::{cpu, values};
use super::*;
use crate::rng::Generator;
use crate::{DType, Device, Tensor};

fn gram(w: &[f64], rows: usize, cols: usize, by_rows: bool) -> Vec<f64> {
    let k = if by_rows { rows } else { cols };
    let at = |i: usize, j: usize| if by_rows { w[i * cols + j] } else { w[j * cols + i] };
    let inner = if by_rows { cols } else { rows };
    let mut g = vec![0.0; k * k];
    for i in 0..k {
        for j in 0..k {
            g[i * k + j] = (0..inner).map(|l| at(i, l) * at(j, l)).sum();
        }
    }
    g
}

#[test]
fn orthogonal_rows_or_columns_are_orthonormal() {
    let mut t = cpu(&[3, 5]);
    orthogonal_(&mut t, 1.0, Some(&mut Generator::new(6))).unwrap();
    let g = gram(&values(&t), 3, 5, true);
    for i in 0..3 {
        for j in 0..3 {
            assert!((g[i * 3 + j] - f64::from(u8::from(i == j))).abs() < 1e-6);
        }
    }
    let mut t = Tensor::empty([5, 3], (Device::Cpu, DType::F64)).unwrap();
    orthogonal_(&mut t, 2.0, Some(&mut Generator::new(7))).unwrap();
    let g = gram(&values(&t), 5, 3, false);
    for i in 0..3 {
        for j in 0..3 {
            assert!((g[i * 3 + j] - 4.0 * f64::from(u8::from(i == j))).abs() < 1e-12);
        }
    }
    let mut conv = cpu(&[4, 2, 3]);
    orthogonal_(&mut conv, 1.0, None).unwrap();
    let e = orthogonal_(&mut cpu(&[4]), 1.0, None).unwrap_err();
    assert!(matches!(e, crate::Error::InvalidArgument { ref message, .. }
        if message == "Only tensors with 2 or more dimensions are supported"));
}

#[test]
fn dirac_groups_eye_and_sparse() {
    let mut t = cpu(&[4, 2, 3]);
    dirac_(&mut t, 2).unwrap();
    let v = values(&t);
    let ones: Vec<usize> = (0..v.len()).filter(|&i| v[i] == 1.0).collect();
    // [0,0,1], [1,1,1], [2,0,1], [3,1,1]
    assert_eq!(ones, vec![1, 6 + 4, 12 + 1, 18 + 4]);
    assert_eq!(v.iter().filter(|&&x| x != 0.0).count(), 4);
    let e = dirac_(&mut cpu(&[3, 2, 3]), 2).unwrap_err();
    assert!(
        matches!(e, crate::Error::InvalidArgument { ref message, .. } if message == "dim 0 must be divisible by groups")
    );
    let e = dirac_(&mut cpu(&[3, 2]), 1).unwrap_err();
    assert!(matches!(e, crate::Error::InvalidArgument { ref message, .. }
        if message == "Only tensors with 3, 4, or 5 dimensions are supported"));

    let mut e3 = cpu(&[3, 5]);
    eye_(&mut e3).unwrap();
    let v = values(&e3);
    for r in 0..3 {
        for c in 0..5 {
            assert_eq!(v[r * 5 + c], f64::from(u8::from(r == c)));
        }
    }
    let mut i = Tensor::empty([2, 2], (Device::Cpu, DType::I64)).unwrap();
    eye_(&mut i).unwrap();
    assert_eq!(i.to_vec::<i64>().unwrap(), vec![1, 0, 0, 1]);
    let e = eye_(&mut cpu(&[2, 2, 2])).unwrap_err();
    assert!(
        matches!(e, crate::Error::InvalidArgument { ref message, .. } if message == "Only tensors with 2 dimensions are supported")
    );

    let mut s = cpu(&[10, 4]);
    sparse_(&mut s, 0.25, 0.01, Some(&mut Generator::new(8))).unwrap();
    let v = values(&s);
    for c in 0..4 {
        assert_eq!((0..10).filter(|r| v[r * 4 + c] == 0.0).count(), 3);
    }
    assert!(sparse_(&mut cpu(&[10]), 0.1, 0.01, None).is_err());
}

#[test]
fn meta_tensors_are_checked_then_left_alone() {
    let mut g = Generator::new(0);
    let mut m = Tensor::empty([4, 6, 3], Device::Meta).unwrap();
    uniform_(&mut m, 0.0, 1.0, Some(&mut g)).unwrap();
    normal_(&mut m, 0.0, 1.0, Some(&mut g)).unwrap();
    trunc_normal_(&mut m, 0.0, 1.0, -2.0, 2.0, Some(&mut g)).unwrap();
    xavier_uniform_(&mut m, 1.0, Some(&mut g)).unwrap();
    xavier_normal_(&mut m, 1.0, Some(&mut g)).unwrap();
    kaiming_uniform_(&mut m, 0.0, FanMode::FanIn, Nonlinearity::LeakyRelu, Some(&mut g)).unwrap();
    kaiming_normal_(&mut m, 0.0, FanMode::FanIn, Nonlinearity::LeakyRelu, Some(&mut g)).unwrap();
    orthogonal_(&mut m, 1.0, Some(&mut g)).unwrap();
    dirac_(&mut m, 2).unwrap();
    constant_(&mut m, 1.0).unwrap();
    ones_(&mut m).unwrap();
    zeros_(&mut m).unwrap();
    normal(0.0, 1.0)
        .then(zero_index(1))
        .apply_with(&mut m, &mut g)
        .unwrap();
    let mut m2 = Tensor::empty([4, 6], Device::Meta).unwrap();
    eye_(&mut m2).unwrap();
    sparse_(&mut m2, 0.5, 0.01, Some(&mut g)).unwrap();
    assert_eq!(g.offset(), 0);
    // Dimension checks still apply.
    assert!(eye_(&mut m).is_err());
    assert!(xavier_uniform_(&mut Tensor::empty([3], Device::Meta).unwrap(), 1.0, None).is_err());
}

#[test]
fn argument_and_dtype_errors() {
    let mut i = Tensor::empty([3], (Device::Cpu, DType::I64)).unwrap();
    assert!(matches!(
        normal_(&mut i, 0.0, 1.0, None),
        Err(crate::Error::UnsupportedDType { op: "normal_", .. })
    ));
    let e = normal_(&mut cpu(&[3]), 0.0, -1.0, None).unwrap_err();
    assert!(
        matches!(e, crate::Error::InvalidArgument { ref message, .. } if message == "normal expects std >= 0.0, but found std -1")
    );
    let e = uniform_(&mut cpu(&[3]), 1.0, 0.0, None).unwrap_err();
    assert!(matches!(e, crate::Error::InvalidArgument { ref message, .. }
        if message == "uniform_ expects to return a [from, to) range, but found from=1 > to=0"));
}
