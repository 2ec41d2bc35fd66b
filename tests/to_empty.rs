//! `to_empty` and `to`: what is kept, what is an error.

mod common;
use common::*;
use modules::prelude::*;

#[test]
fn meta_to_cpu_keeps_shapes_dtypes_grad_flags_and_persistence() {
    let mut m = skip_init!(Model, 10, 4, device = Meta, dtype = BF16).unwrap();
    m.scale.set_requires_grad(false);
    let before: Vec<(String, Vec<usize>, DType)> = m
        .state_dict()
        .iter()
        .map(|(k, t)| (k.to_string(), t.shape(), t.dtype()))
        .collect();
    m.to_empty(Cpu).unwrap();
    let after: Vec<(String, Vec<usize>, DType)> = m
        .state_dict()
        .iter()
        .map(|(k, t)| (k.to_string(), t.shape(), t.dtype()))
        .collect();
    assert_eq!(before, after);
    assert!(m.state_dict().iter().all(|(_, t)| t.device() == Cpu));
    assert!(!m.scale.requires_grad());
    assert!(m.head.weight.requires_grad());
    assert!(!m.layers[0].attn.cache.persistent());
    assert_eq!(m.layers[0].steps.dtype(), I64);
}

#[test]
fn cpu_to_cpu_gives_fresh_storage() {
    let mut m = modules::new!(Model, 10, 4, n_layers = 1).unwrap();
    m.scale.tensor_mut().fill(5.0).unwrap();
    m.to_empty(Cpu).unwrap();
    assert_eq!(m.scale.tensor().to_vec::<f32>().unwrap(), vec![0.0; 4]);
    assert_eq!(m.scale.shape(), vec![4]);
}

#[test]
fn meta_data_access_is_an_error() {
    let mut m = skip_init!(Model, 10, 4, device = Meta).unwrap();
    let e = m.embed.weight.tensor().to_vec::<f32>().unwrap_err();
    assert!(e
        .to_string()
        .starts_with("Cannot copy out of meta tensor; no data!"));
    let e = m.to(Cpu).unwrap_err();
    assert_eq!(
        e.to_string(),
        "Cannot copy out of meta tensor; no data! Please use torch.nn.Module.to_empty() instead of \
         torch.nn.Module.to() when moving module from meta to a different device."
    );
    // All or nothing: nothing moved.
    assert!(m.state_dict().iter().all(|(_, t)| t.device() == Meta));
}

#[test]
fn cuda_is_an_error_without_a_gpu() {
    let mut m = skip_init!(Model, 10, 4, device = Meta).unwrap();
    match m.to_empty(Cuda(0)) {
        Ok(()) => assert_eq!(m.scale.device(), Cuda(0)),
        Err(e) => {
            assert!(e.to_string().contains("cuda:0"), "{e}");
            assert!(
                m.state_dict().iter().all(|(_, t)| t.device() == Meta),
                "a failed move changes nothing"
            );
        }
    }
}
