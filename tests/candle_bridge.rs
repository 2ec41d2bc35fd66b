//! The candle bridge (feature `candle`): tensors both ways for every dtype candle holds, and a
//! loaded module as a candle `VarBuilder`.
#![cfg(feature = "candle")]

use candle_core::{DType as CDType, Device as CDevice};
use modules::candle::{from_candle, var_builder, ToCandle};
use modules::prelude::*;

#[test]
fn tensors_cross_and_come_back_unchanged_for_every_dtype_candle_holds() {
    let floats = Tensor::from_slice(&[0f32, 1.5, -2.0, 3.0, 100.0, 0.25], [2, 3], Cpu).unwrap();
    let tensors = [F32, F64, F16, BF16, F8E4M3]
        .map(|d| floats.to_dtype(d).unwrap())
        .into_iter()
        .chain([
            Tensor::from_slice(&[0i64, -1, 2, i64::MAX, 5, 6], [2, 3], Cpu).unwrap(),
            Tensor::from_slice(&[0i32, -1, 2, i32::MIN, 5, 6], [2, 3], Cpu).unwrap(),
            Tensor::from_slice(&[0i16, -1, 2, 3, 5, 6], [2, 3], Cpu).unwrap(),
            Tensor::from_slice(&[0u8, 1, 2, 255, 5, 6], [2, 3], Cpu).unwrap(),
            Tensor::from_slice(&[true, false, true, true, false, true], [2, 3], Cpu).unwrap(),
        ]);
    for t in tensors {
        let dtype = t.dtype();
        let c = t.to_candle(&CDevice::Cpu).unwrap();
        assert_eq!(c.dims(), [2, 3], "{dtype}");
        let back = from_candle(&c, dtype).unwrap();
        assert_eq!(back.dtype(), dtype);
        assert_eq!(back.as_bytes().unwrap(), t.as_bytes().unwrap(), "{dtype}");
    }
    for dtype in [I8, F8E5M2] {
        let t = Tensor::zeros([2], (Cpu, dtype)).unwrap();
        let e = t.to_candle(&CDevice::Cpu).unwrap_err().to_string();
        assert!(e.contains("to_candle") && e.contains(&dtype.to_string()), "{e}");
    }
    let meta = Tensor::empty([2], Meta).unwrap();
    assert!(meta
        .to_candle(&CDevice::Cpu)
        .unwrap_err()
        .to_string()
        .contains("meta"));
    let c = candle_core::Tensor::new(&[1u32, 2], &CDevice::Cpu).unwrap();
    assert!(from_candle(&c, F32)
        .unwrap_err()
        .to_string()
        .contains("expected a candle tensor of F32"));
}

#[test]
fn candle_nn_builds_from_a_loaded_module_and_computes_its_forward() {
    let lin = new!(Linear, 3, 2).unwrap();
    let vb = var_builder(&lin, CDType::F32, &CDevice::Cpu);
    let same = candle_nn::linear(3, 2, vb.clone()).unwrap();
    let x = candle_core::Tensor::new(&[[1f32, 2., 3.]], &CDevice::Cpu).unwrap();
    let y = candle_nn::Module::forward(&same, &x)
        .unwrap()
        .to_vec2::<f32>()
        .unwrap();
    let w = lin.weight.tensor().to_vec::<f32>().unwrap();
    let b = lin.bias.as_ref().unwrap().tensor().to_vec::<f32>().unwrap();
    for (o, got) in y[0].iter().enumerate() {
        let want = b[o] + (0..3).map(|i| w[o * 3 + i] * (i + 1) as f32).sum::<f32>();
        assert!((got - want).abs() < 1e-6, "{got} vs {want}");
    }
    let missing = candle_nn::linear(3, 2, vb.pp("head")).unwrap_err().to_string();
    assert!(missing.contains("head.weight"), "{missing}");
    let bf16 = var_builder(&lin, CDType::BF16, &CDevice::Cpu)
        .get((2, 3), "weight")
        .unwrap();
    assert_eq!(bf16.dtype(), CDType::BF16);
}

#[test]
fn a_strided_candle_tensor_comes_back_in_row_major_order() {
    let c = candle_core::Tensor::new(&[[1f32, 2., 3.], [4., 5., 6.]], &CDevice::Cpu).unwrap();
    let t = from_candle(&c.t().unwrap(), F32).unwrap();
    assert_eq!(t.shape(), &[3, 2]);
    assert_eq!(t.to_vec::<f32>().unwrap(), [1., 4., 2., 5., 3., 6.]);
    let narrow = from_candle(&c.narrow(1, 1, 2).unwrap(), F32).unwrap();
    assert_eq!(narrow.to_vec::<f32>().unwrap(), [2., 3., 5., 6.]);
}
