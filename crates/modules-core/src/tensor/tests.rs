use super::*;
use half::{bf16, f16};

#[test]
fn empty_on_each_device_keeps_shape_and_dtype() {
    for device in [Device::Cpu, Device::Meta] {
        let t = Tensor::empty([3, 4], (device, DType::F16)).unwrap();
        assert_eq!(
            (t.shape(), t.dtype(), t.device()),
            (&[3usize, 4][..], DType::F16, device)
        );
        assert_eq!(t.size_in_bytes(), 24);
    }
}

#[test]
fn cpu_memory_is_aligned_and_zero() {
    let t = Tensor::empty([1000, 3], Device::Cpu).unwrap();
    let s = t.as_slice::<f32>().unwrap();
    assert_eq!(s.as_ptr() as usize % super::storage::host::ALIGN, 0);
    assert!(s.iter().all(|&x| x == 0.0));
}

#[test]
fn meta_data_access_is_an_error_with_pytorchs_hint() {
    let mut t = Tensor::empty([2], Device::Meta).unwrap();
    for e in [
        t.to_vec::<f32>().unwrap_err(),
        t.as_slice::<f32>().unwrap_err(),
        t.to(Device::Cpu).unwrap_err(),
        t.as_mut_slice::<f32>().unwrap_err(),
    ] {
        let msg = e.to_string();
        assert!(
            msg.starts_with("Cannot copy out of meta tensor; no data!"),
            "{msg}"
        );
        assert!(msg.contains("to_empty()"), "{msg}");
    }
    t.fill(1.0).unwrap(); // a no-op, like PyTorch's in-place ops on meta
}

#[test]
fn typed_access_checks_the_dtype() {
    let t = Tensor::zeros([2], DType::BF16).unwrap();
    let e = t.as_slice::<f32>().unwrap_err();
    assert_eq!(
        e.to_string(),
        "expected a tensor of dtype torch.float32, found torch.bfloat16"
    );
    assert_eq!(t.as_slice::<bf16>().unwrap(), &[bf16::ZERO; 2]);
}

#[test]
fn constructors_fill_values() {
    assert_eq!(
        Tensor::ones([3], DType::F64).unwrap().to_vec::<f64>().unwrap(),
        vec![1.0; 3]
    );
    assert_eq!(
        Tensor::full([2], 2.5, DType::F16)
            .unwrap()
            .to_vec::<f16>()
            .unwrap(),
        vec![f16::from_f32(2.5); 2]
    );
    assert_eq!(
        Tensor::full([2], -3.0, DType::I64)
            .unwrap()
            .to_vec::<i64>()
            .unwrap(),
        vec![-3; 2]
    );
    assert_eq!(
        Tensor::ones([2], DType::Bool).unwrap().to_vec::<bool>().unwrap(),
        vec![true; 2]
    );
    let s = Tensor::scalar(7i64, Device::Cpu).unwrap();
    assert_eq!((s.dim(), s.numel()), (0, 1));
}

#[test]
fn from_slice_checks_the_length() {
    let e = Tensor::from_slice(&[1.0f32; 5], [2, 3], Device::Cpu).unwrap_err();
    assert_eq!(e.to_string(), "expected 6 elements for shape [2, 3], found 5");
}

#[test]
fn overflowing_shapes_are_errors() {
    let e = Tensor::empty([usize::MAX / 2, 4], Device::Meta).unwrap_err();
    assert!(matches!(e, Error::TooLarge { .. }), "{e}");
}

#[test]
fn to_and_to_empty_and_to_dtype() {
    let t = Tensor::from_slice(&[1.0f32, -2.5], [2], Device::Cpu).unwrap();
    assert_eq!(
        t.to(Device::Cpu).unwrap().to_vec::<f32>().unwrap(),
        vec![1.0, -2.5]
    );
    let m = t.to(Device::Meta).unwrap();
    assert_eq!(m.device(), Device::Meta);
    let e = m.to_empty(Device::Cpu).unwrap();
    assert_eq!((e.shape(), e.dtype()), (&[2usize][..], DType::F32));
    let h = t.to_dtype(DType::BF16).unwrap();
    assert_eq!(
        h.to_vec::<bf16>().unwrap(),
        vec![bf16::from_f32(1.0), bf16::from_f32(-2.5)]
    );
    assert!(t.to_dtype(DType::I32).is_err());
}

#[test]
fn empty_many_carves_one_allocation() {
    let specs: Vec<(&[usize], DType)> = vec![(&[3, 3], DType::F32), (&[], DType::I64), (&[5], DType::BF16)];
    let ts = Tensor::empty_many(&specs, Device::Cpu).unwrap();
    assert_eq!(ts.len(), 3);
    assert_eq!(ts[1].shape(), &[] as &[usize]);
    assert_eq!(ts[1].to_vec::<i64>().unwrap(), vec![0]);
    let metas = Tensor::empty_many(&specs, Device::Meta).unwrap();
    assert!(metas.iter().all(|t| t.device() == Device::Meta));
}

#[cfg(feature = "cuda")]
#[test]
fn cuda_without_a_driver_is_an_error() {
    match Tensor::empty([2], Device::Cuda(0)) {
        Ok(t) => assert_eq!(t.device(), Device::Cuda(0)),
        Err(e) => {
            assert!(matches!(e, Error::CudaUnavailable { .. }), "{e}");
        }
    }
}

#[test]
fn fill_writes_every_element_for_every_width_small_and_large() {
    for n in [1usize, 7, 3 << 20] {
        let mut t = Tensor::empty([n], DType::F16).unwrap();
        t.fill(1.5).unwrap();
        assert!(t
            .as_slice::<f16>()
            .unwrap()
            .iter()
            .all(|&x| x == f16::from_f32(1.5)));
        let mut t = Tensor::empty([n], DType::F32).unwrap();
        t.fill(0.5).unwrap();
        assert!(t.as_slice::<f32>().unwrap().iter().all(|&x| x == 0.5));
        let mut t = Tensor::empty([n], DType::I64).unwrap();
        t.fill(-7.0).unwrap();
        assert!(t.as_slice::<i64>().unwrap().iter().all(|&x| x == -7));
        let mut t = Tensor::empty([n], DType::U8).unwrap();
        t.fill(9.0).unwrap();
        assert!(t.as_slice::<u8>().unwrap().iter().all(|&x| x == 9));
    }
}
