//! Linear and Bilinear: default-init bounds with fixed seeds, zero fan-in, and errors with
//! PyTorch's messages. Identity has no state of its own: its `skip_init!` + `reset_parameters`
//! check is in nn_reset.rs and its repr in nn_repr.rs.

use common::stats::{check_uniform, each_seed};
use common::values::{opt_values, values};
use modules::prelude::*;
use modules::rng::scoped_generator;

mod common;

/// docs/pytorch-semantics.md §10 case 24 (Linear, for completeness of the default-init cases).
#[test]
fn linear_bounds_and_zero_fan_in() {
    let _rng = scoped_generator(Default::default());
    modules::manual_seed(24);
    let l = Linear::new(400, 300, Cpu).unwrap();
    check_uniform(&values(&l.weight), 1.0 / 20.0, "Linear.weight");
    let b = (1.0f64 / 20.0) as f32 as f64;
    assert!(opt_values(&l.bias).iter().all(|v| v.abs() <= b));
    let z = Linear::new(0, 3, Cpu).unwrap();
    assert_eq!(opt_values(&z.bias), vec![0.0; 3]);
}

/// docs/pytorch-semantics.md §10 case 26.
#[test]
fn bilinear_shapes_bounds_and_zero_features_error() {
    each_seed(|| {
        let b = Bilinear::new(20, 30, 40, Cpu).unwrap();
        assert_eq!(b.weight.shape(), vec![40, 20, 30]);
        assert_eq!(b.bias.as_ref().unwrap().shape(), vec![40]);
        let bound = 1.0 / 20f64.sqrt();
        check_uniform(&values(&b.weight), bound, "Bilinear.weight");
        assert!(opt_values(&b.bias).iter().all(|v| v.abs() <= bound as f32 as f64));
        let wide = Bilinear::new(5, 2, 20000, Cpu).unwrap();
        check_uniform(&opt_values(&wide.bias), 1.0 / 5f64.sqrt(), "Bilinear.bias");
    });
    let e = Bilinear::new(0, 30, 40, Cpu).err().unwrap();
    assert!(
        matches!(&e, Error::InvalidArgument { function: "Bilinear::new", message }
            if message == "in1_features must be > 0, but got (in1_features=0)"),
        "{e}"
    );
    let e = skip_init!(Bilinear, 0, 1, 1, device = Meta).err().unwrap();
    assert!(e.to_string().contains("in1_features must be > 0"), "{e}");
}
