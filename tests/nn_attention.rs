//! MultiheadAttention against PyTorch 2.15: parameter order and shapes with and without
//! `add_bias_kv`, `kdim`/`vdim` and `bias`, default-init distributions
//! (docs/pytorch-semantics.md §4 and §10 cases 30–31), reprs and argument errors.

use common::stats::{check_distribution, Dist};
use common::values::{shapes, values};
use modules::prelude::*;
use modules::rng::scoped_generator;

mod common;

#[test]
fn mha_with_bias_kv_order_shapes_and_bounds() {
    let _rng = scoped_generator(Default::default());
    modules::manual_seed(30);
    let m = modules::new!(MultiheadAttention, 64, 4, add_bias_kv = true).unwrap();
    assert_eq!(
        shapes(&m),
        [
            ("in_proj_weight".to_string(), vec![192, 64]),
            ("in_proj_bias".to_string(), vec![192]),
            ("bias_k".to_string(), vec![1, 1, 64]),
            ("bias_v".to_string(), vec![1, 1, 64]),
            ("out_proj.weight".to_string(), vec![64, 64]),
            ("out_proj.bias".to_string(), vec![64]),
        ]
    );
    let bound = (6.0f64 / 256.0).sqrt();
    check_distribution(
        "in_proj_weight",
        &values(m.in_proj_weight.as_ref().unwrap()),
        Dist::Uniform(-bound, bound),
    );
    assert!(values(m.in_proj_bias.as_ref().unwrap()).iter().all(|&x| x == 0.0));
    assert!(values(m.out_proj.bias.as_ref().unwrap())
        .iter()
        .all(|&x| x == 0.0));
    check_distribution(
        "out_proj.weight",
        &values(&m.out_proj.weight),
        Dist::Uniform(-0.125, 0.125),
    );
    assert_eq!(m.to_string(), "MultiheadAttention(\n  (out_proj): NonDynamicallyQuantizableLinear(in_features=64, out_features=64, bias=True)\n)");
}

#[test]
fn mha_bias_kv_is_xavier_normal() {
    let _rng = scoped_generator(Default::default());
    modules::manual_seed(31);
    let e = 1024;
    let m = modules::new!(
        MultiheadAttention,
        e,
        8,
        add_bias_kv = true,
        kdim = Some(1),
        vdim = Some(1),
        bias = false
    )
    .unwrap();
    let mut xs = values(m.bias_k.as_ref().unwrap());
    xs.extend(values(m.bias_v.as_ref().unwrap()));
    // fan_in = fan_out = E for a [1, 1, E] tensor: std = sqrt(2 / 2E)
    check_distribution("bias_k/v", &xs, Dist::Normal(0.0, 1.0 / (e as f64).sqrt()));
    let b = (6.0 / (e as f64 + 1.0)).sqrt();
    check_distribution(
        "k_proj_weight",
        &values(m.k_proj_weight.as_ref().unwrap()),
        Dist::Uniform(-b, b),
    );
}

#[test]
fn mha_separate_projections_without_bias() {
    let m = skip_init!(
        MultiheadAttention,
        8,
        2,
        kdim = Some(4),
        vdim = Some(6),
        bias = false,
        device = Meta
    )
    .unwrap();
    assert_eq!(
        shapes(&m),
        [
            ("q_proj_weight".to_string(), vec![8, 8]),
            ("k_proj_weight".to_string(), vec![8, 4]),
            ("v_proj_weight".to_string(), vec![8, 6]),
            ("out_proj.weight".to_string(), vec![8, 8]),
        ]
    );
    assert_eq!(
        m.to_string(),
        "MultiheadAttention(\n  (out_proj): NonDynamicallyQuantizableLinear(in_features=8, out_features=8, bias=False)\n)"
    );
    // q/k/v each xavier-uniform with their own fans
    let _rng = scoped_generator(Default::default());
    let m = modules::new!(MultiheadAttention, 8, 2, kdim = Some(4), vdim = Some(6)).unwrap();
    for (p, fan_in) in [
        (&m.q_proj_weight, 8.0),
        (&m.k_proj_weight, 4.0),
        (&m.v_proj_weight, 6.0),
    ] {
        let b = (6.0f64 / (fan_in + 8.0)).sqrt();
        assert!(values(p.as_ref().unwrap()).iter().all(|x| x.abs() <= b));
    }
}

#[test]
fn mha_rejects_bad_sizes() {
    let e = skip_init!(MultiheadAttention, 16, 3).unwrap_err();
    assert!(matches!(e, Error::InvalidArgument { .. }));
    assert!(
        e.to_string().contains("embed_dim must be divisible by num_heads"),
        "{e}"
    );
    let e = skip_init!(MultiheadAttention, 0, 1).unwrap_err();
    assert!(
        e.to_string()
            .contains("embed_dim and num_heads must be greater than 0"),
        "{e}"
    );
}
