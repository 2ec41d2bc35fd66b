//! Conv1d/2d/3d and ConvTranspose1d/2d/3d: weight shapes (grouped too), default-init bounds and
//! distributions with fixed seeds, and argument errors with PyTorch's messages.

use common::stats::{check_uniform, each_seed};
use common::values::{opt_values, values};
use modules::prelude::*;
use modules::rng::scoped_generator;

mod common;

#[test]
fn conv_weights_and_biases_are_uniform_with_pytorch_bounds() {
    each_seed(|| {
        // fan_in = in/groups · ∏k for a convolution.
        let c1 = Conv1d::new(8, 20000, 3, Cpu).unwrap();
        let bound = 1.0 / 24f64.sqrt();
        check_uniform(&values(&c1.weight), bound, "Conv1d.weight");
        check_uniform(&opt_values(&c1.bias), bound, "Conv1d.bias");

        let c2 = modules::new!(Conv2d, 64, 128, 3.into(), groups = 2).unwrap();
        assert_eq!(c2.weight.shape(), vec![128, 32, 3, 3]);
        check_uniform(&values(&c2.weight), 1.0 / 288f64.sqrt(), "Conv2d.weight");

        let c3 = Conv3d::new(4, 64, [2, 3, 4], Cpu).unwrap();
        check_uniform(&values(&c3.weight), 1.0 / 96f64.sqrt(), "Conv3d.weight");

        // fan_in = out/groups · ∏k for a transposed convolution (dim 1 of its weight).
        let t1 = ConvTranspose1d::new(20000, 8, 3, Cpu).unwrap();
        assert_eq!(t1.weight.shape(), vec![20000, 8, 3]);
        check_uniform(&values(&t1.weight), bound, "ConvTranspose1d.weight");
        let t2 = modules::new!(ConvTranspose2d, 64, 256, 3.into(), groups = 2).unwrap();
        assert_eq!(t2.weight.shape(), vec![64, 128, 3, 3]);
        check_uniform(
            &values(&t2.weight),
            1.0 / 1152f64.sqrt(),
            "ConvTranspose2d.weight",
        );
        let t3 = ConvTranspose3d::new(2, 20000, 1, Cpu).unwrap();
        check_uniform(
            &opt_values(&t3.bias),
            1.0 / 20000f64.sqrt(),
            "ConvTranspose3d.bias",
        );
    });
}

/// docs/pytorch-semantics.md §10 case 25.
#[test]
fn grouped_conv_and_conv_transpose_shapes_and_bounds() {
    let _rng = scoped_generator(Default::default());
    modules::manual_seed(25);
    let c = modules::new!(Conv2d, 16, 32, [3, 5].into(), groups = 4).unwrap();
    assert_eq!(c.weight.shape(), vec![32, 4, 3, 5]);
    let b = 1.0 / 60f64.sqrt() as f32 as f64;
    assert!(values(&c.weight).iter().all(|v| v.abs() <= b));
    assert!(opt_values(&c.bias).iter().all(|v| v.abs() <= b));
    let t = modules::new!(ConvTranspose2d, 16, 32, 3.into(), groups = 4).unwrap();
    assert_eq!(t.weight.shape(), vec![16, 8, 3, 3]);
    let b = 1.0 / 72f64.sqrt() as f32 as f64;
    assert!(values(&t.weight).iter().all(|v| v.abs() <= b));
    assert!(opt_values(&t.bias).iter().all(|v| v.abs() <= b));
}

#[test]
fn conv_errors_have_pytorch_messages() {
    fn message(e: Error) -> String {
        match e {
            Error::InvalidArgument { message, .. } => message,
            other => panic!("expected InvalidArgument, got {other}"),
        }
    }
    let m = |r: Result<Conv2d, Error>| message(r.err().unwrap());
    assert_eq!(
        m(modules::new!(Conv2d, 3, 8, 3.into(), groups = 0)),
        "groups must be a positive integer"
    );
    assert_eq!(
        m(modules::new!(Conv2d, 3, 8, 3.into(), groups = 2)),
        "in_channels must be divisible by groups"
    );
    assert_eq!(
        m(modules::new!(Conv2d, 4, 6, 3.into(), groups = 4)),
        "out_channels must be divisible by groups"
    );
    assert_eq!(
        m(skip_init!(
            Conv2d,
            2,
            2,
            3.into(),
            stride = 2,
            padding = Padding::Same
        )),
        "padding='same' is not supported for strided convolutions"
    );
    let t = modules::new!(
        ConvTranspose2d,
        2,
        2,
        3.into(),
        padding_mode = PaddingMode::Reflect
    );
    assert_eq!(
        message(t.err().unwrap()),
        "Only \"zeros\" padding mode is supported for ConvTranspose2d"
    );
    let e = modules::new!(Conv1d, 3, 8, 3.into(), groups = 2).err().unwrap();
    assert!(matches!(
        e,
        Error::InvalidArgument {
            function: "Conv1d::new",
            ..
        }
    ));
    let e = skip_init!(ConvTranspose3d, 3, 8, 3.into(), groups = 2, device = Meta)
        .err()
        .unwrap();
    assert!(matches!(
        e,
        Error::InvalidArgument {
            function: "ConvTranspose3d::new",
            ..
        }
    ));
}
