//! The standard modules of part 1 (Identity, Bilinear, Conv*, ConvTranspose*, EmbeddingBag,
//! GroupNorm, BatchNorm*, InstanceNorm*): shapes, names, default-init distributions with fixed
//! seeds, `skip_init!` on meta and cpu, `skip_init` + `reset_parameters` == `new`, errors with
//! PyTorch's messages, and `print(module)` strings checked against torch 2.15.

use common::stats::{erf, ks, mean_var};
use modules::prelude::*;
use modules::rng::scoped_generator;

mod common;

fn values(p: &Parameter) -> Vec<f64> {
    p.tensor().to_f64_vec().unwrap()
}

fn opt_values(p: &Option<Parameter>) -> Vec<f64> {
    values(p.as_ref().unwrap())
}

fn buffer_values(b: &Option<Buffer>) -> Vec<f64> {
    b.as_ref().unwrap().tensor().to_f64_vec().unwrap()
}

/// U(−b, b): never out of bounds; mean and variance within 4 standard errors of b²/3; KS
/// statistic below 1.95/√n (α ≈ 0.001).
fn check_uniform(x: &[f64], bound: f64, what: &str) {
    let n = x.len() as f64;
    assert!(
        n >= 1000.0,
        "{what}: too few values ({n}) for a distribution test"
    );
    let b32 = bound as f32 as f64;
    assert!(
        x.iter().all(|v| v.abs() <= b32),
        "{what}: a value beyond ±{bound}"
    );
    let (mean, var) = mean_var(x);
    let sd = bound / 3f64.sqrt();
    assert!(mean.abs() < 4.0 * sd / n.sqrt(), "{what}: mean {mean}");
    // Var(X²) = E[X⁴] − E[X²]² = b⁴/5 − b⁴/9 for U(−b, b).
    let se_var = (bound.powi(4) * (1.0 / 5.0 - 1.0 / 9.0) / n).sqrt();
    assert!(
        (var - sd * sd).abs() < 4.0 * se_var,
        "{what}: variance {var}, expected {}",
        sd * sd
    );
    let d = ks(x, |v| ((v + bound) / (2.0 * bound)).clamp(0.0, 1.0));
    assert!(d < 1.95 / n.sqrt(), "{what}: KS statistic {d}");
}

/// N(0, 1): mean and variance within 4 standard errors, KS below 1.95/√n.
fn check_standard_normal(x: &[f64], what: &str) {
    let n = x.len() as f64;
    assert!(n >= 1000.0, "{what}: too few values");
    let (mean, var) = mean_var(x);
    assert!(mean.abs() < 4.0 / n.sqrt(), "{what}: mean {mean}");
    assert!(
        (var - 1.0).abs() < 4.0 * (2.0 / n).sqrt(),
        "{what}: variance {var}"
    );
    let d = ks(x, |v| 0.5 * (1.0 + erf(v / 2f64.sqrt())));
    assert!(d < 1.95 / n.sqrt(), "{what}: KS statistic {d}");
}

const SEEDS: [u64; 2] = [0, 20260];

#[test]
fn conv_weights_and_biases_are_uniform_with_pytorch_bounds() {
    let _rng = scoped_generator(Default::default());
    for seed in SEEDS {
        modules::manual_seed(seed);
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
    }
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

/// docs/pytorch-semantics.md §10 case 24 (Linear, for completeness of the zoo's default-init cases).
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
    let _rng = scoped_generator(Default::default());
    for seed in SEEDS {
        modules::manual_seed(seed);
        let b = Bilinear::new(20, 30, 40, Cpu).unwrap();
        assert_eq!(b.weight.shape(), vec![40, 20, 30]);
        assert_eq!(b.bias.as_ref().unwrap().shape(), vec![40]);
        let bound = 1.0 / 20f64.sqrt();
        check_uniform(&values(&b.weight), bound, "Bilinear.weight");
        assert!(opt_values(&b.bias).iter().all(|v| v.abs() <= bound as f32 as f64));
        let wide = Bilinear::new(5, 2, 20000, Cpu).unwrap();
        check_uniform(&opt_values(&wide.bias), 1.0 / 5f64.sqrt(), "Bilinear.bias");
    }
    let e = Bilinear::new(0, 30, 40, Cpu).err().unwrap();
    assert!(
        matches!(&e, Error::InvalidArgument { function: "Bilinear::new", message }
            if message == "in1_features must be > 0, but got (in1_features=0)"),
        "{e}"
    );
    let e = skip_init!(Bilinear, 0, 1, 1, device = Meta).err().unwrap();
    assert!(e.to_string().contains("in1_features must be > 0"), "{e}");
}

#[test]
fn embedding_bag_is_standard_normal_with_a_zero_padding_row() {
    let _rng = scoped_generator(Default::default());
    for seed in SEEDS {
        modules::manual_seed(seed);
        let e = modules::new!(EmbeddingBag, 1000, 64, padding_idx = Some(-1)).unwrap();
        assert_eq!(e.padding_idx, Some(999));
        let w = values(&e.weight);
        assert!(w[999 * 64..].iter().all(|&x| x == 0.0));
        check_standard_normal(&w[..999 * 64], "EmbeddingBag.weight");
        let plain = EmbeddingBag::new(500, 8, Cpu).unwrap();
        check_standard_normal(&values(&plain.weight), "EmbeddingBag.weight");
    }
    let e = modules::new!(EmbeddingBag, 10, 3, padding_idx = Some(10))
        .err()
        .unwrap();
    assert!(
        e.to_string()
            .contains("padding_idx must be within num_embeddings"),
        "{e}"
    );
    assert!(modules::new!(EmbeddingBag, 10, 3, padding_idx = Some(-11)).is_err());
    assert!(modules::new!(EmbeddingBag, 10, 3, padding_idx = Some(-10)).is_ok());
}

/// docs/pytorch-semantics.md §10 case 28 (and the same for 1d/3d).
#[test]
fn batch_norm_state_and_integer_counter() {
    for dtype in [F32, F64, F16] {
        let bn = modules::new!(BatchNorm2d, 3, dtype = dtype).unwrap();
        assert_eq!(opt_values(&bn.weight), vec![1.0; 3]);
        assert_eq!(opt_values(&bn.bias), vec![0.0; 3]);
        assert_eq!(buffer_values(&bn.running_mean), vec![0.0; 3]);
        assert_eq!(buffer_values(&bn.running_var), vec![1.0; 3]);
        let nbt = bn.num_batches_tracked.as_ref().unwrap();
        assert_eq!((nbt.dtype(), nbt.shape()), (I64, vec![]));
        assert_eq!(nbt.tensor().to_vec::<i64>().unwrap(), vec![0]);
        assert_eq!(bn.running_mean.as_ref().unwrap().dtype(), dtype);
        let keys: Vec<String> = bn.state_dict().keys().map(String::from).collect();
        assert_eq!(
            keys,
            [
                "weight",
                "bias",
                "running_mean",
                "running_var",
                "num_batches_tracked"
            ]
        );
        let params: Vec<String> = bn.named_parameters().into_iter().map(|(n, _)| n).collect();
        assert_eq!(params, ["weight", "bias"]);
    }
    let b1 = BatchNorm1d::new(7, Cpu).unwrap();
    let b3 = BatchNorm3d::new(7, Cpu).unwrap();
    assert_eq!(b1.state_dict().len(), 5);
    assert_eq!(b3.state_dict().len(), 5);
    let untracked = modules::new!(BatchNorm1d, 4, track_running_stats = false).unwrap();
    assert!(untracked.named_buffers().is_empty());
    assert_eq!(untracked.state_dict().len(), 2);
    let plain = modules::new!(BatchNorm1d, 4, affine = false).unwrap();
    assert!(plain.named_parameters().is_empty());
    let no_bias = modules::new!(BatchNorm1d, 4, bias = false).unwrap();
    assert!(no_bias.bias.is_none() && no_bias.weight.is_some());
    // The counter stays i64 through a dtype change, as in PyTorch.
    let mut bn = BatchNorm2d::new(2, Cpu).unwrap();
    bn.to_dtype(F64).unwrap();
    assert_eq!(bn.num_batches_tracked.as_ref().unwrap().dtype(), I64);
    assert_eq!(bn.running_var.as_ref().unwrap().dtype(), F64);
}

/// docs/pytorch-semantics.md §10 case 29.
#[test]
fn instance_norm_state_dict_keys_follow_affine_and_tracking() {
    let n = InstanceNorm2d::new(3, Cpu).unwrap();
    assert!(n.state_dict().is_empty());
    assert!(n.named_parameters().is_empty() && n.named_buffers().is_empty());
    let full = modules::new!(InstanceNorm2d, 3, affine = true, track_running_stats = true).unwrap();
    let keys: Vec<String> = full.state_dict().keys().map(String::from).collect();
    assert_eq!(
        keys,
        [
            "weight",
            "bias",
            "running_mean",
            "running_var",
            "num_batches_tracked"
        ]
    );
    assert_eq!(opt_values(&full.weight), vec![1.0; 3]);
    assert_eq!(buffer_values(&full.running_var), vec![1.0; 3]);
    assert!(InstanceNorm1d::new(3, Cpu).unwrap().state_dict().is_empty());
    assert!(InstanceNorm3d::new(3, Cpu).unwrap().state_dict().is_empty());
}

#[test]
fn group_norm_state_and_error() {
    let g = GroupNorm::new(2, 4, Cpu).unwrap();
    assert_eq!(opt_values(&g.weight), vec![1.0; 4]);
    assert_eq!(opt_values(&g.bias), vec![0.0; 4]);
    let keys: Vec<String> = g.state_dict().keys().map(String::from).collect();
    assert_eq!(keys, ["weight", "bias"]);
    assert!(modules::new!(GroupNorm, 2, 4, affine = false)
        .unwrap()
        .state_dict()
        .is_empty());
    let e = GroupNorm::new(2, 3, Cpu).err().unwrap();
    assert!(
        matches!(&e, Error::InvalidArgument { function: "GroupNorm::new", message }
            if message == "num_channels (3) must be divisible by num_groups (2)"),
        "{e}"
    );
    assert!(GroupNorm::new(0, 3, Cpu).is_err());
    assert!(skip_init!(GroupNorm, 3, 4, device = Meta).is_err());
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

/// Every module of this part with `skip_init!` on meta and on the cpu, and `skip_init` +
/// `reset_parameters` equal to `new` for one seed.
#[test]
fn skip_init_and_reset_equal_new() {
    fn check<M: Module>(name: &str, new: impl Fn() -> M, skip: impl Fn(Device) -> M) {
        let meta = skip(Meta);
        let cpu_new = new();
        let expected: Vec<(String, Vec<usize>, DType)> = cpu_new
            .state_dict()
            .iter()
            .map(|(k, t)| (k.to_string(), t.shape(), t.dtype()))
            .collect();
        let shapes = |m: &M, device: Device| -> Vec<(String, Vec<usize>, DType)> {
            m.state_dict()
                .iter()
                .map(|(k, t)| {
                    assert_eq!(t.device(), device, "{name}.{k}");
                    (k.to_string(), t.shape(), t.dtype())
                })
                .collect()
        };
        assert_eq!(shapes(&meta, Meta), expected, "{name} on meta");
        assert_eq!(
            modules::module_repr(&meta),
            modules::module_repr(&cpu_new),
            "{name}"
        );
        for p in meta.parameters() {
            assert!(p.requires_grad(), "{name}");
            assert!(
                p.tensor().to_f64_vec().is_err(),
                "{name}: meta data must not be readable"
            );
        }

        modules::manual_seed(4242);
        let a = new();
        modules::manual_seed(4242);
        let mut b = skip(Cpu);
        assert_eq!(shapes(&b, Cpu), expected, "{name} on cpu");
        b.reset_parameters().unwrap();
        let mut c = skip(Meta);
        c.to_empty(Cpu).unwrap();
        modules::manual_seed(4242);
        c.reset_parameters().unwrap();
        for ((ka, ta), ((kb, tb), (kc, tc))) in a
            .state_dict()
            .iter()
            .zip(b.state_dict().iter().zip(c.state_dict().iter()))
        {
            assert_eq!((ka, ka), (kb, kc), "{name}");
            let va = ta.tensor().to_f64_vec().unwrap();
            assert_eq!(va, tb.tensor().to_f64_vec().unwrap(), "{name}.{ka}");
            assert_eq!(va, tc.tensor().to_f64_vec().unwrap(), "{name}.{ka}");
        }
    }

    let _rng = scoped_generator(Default::default());
    check(
        "Identity",
        || Identity::new(Cpu).unwrap(),
        |d| skip_init!(Identity, device = d).unwrap(),
    );
    check(
        "Bilinear",
        || Bilinear::new(3, 4, 5, Cpu).unwrap(),
        |d| skip_init!(Bilinear, 3, 4, 5, device = d).unwrap(),
    );
    check(
        "Conv1d",
        || modules::new!(Conv1d, 4, 6, 3.into(), groups = 2).unwrap(),
        |d| skip_init!(Conv1d, 4, 6, 3.into(), groups = 2, device = d).unwrap(),
    );
    check(
        "Conv2d",
        || Conv2d::new(3, 8, [3, 5], Cpu).unwrap(),
        |d| skip_init!(Conv2d, 3, 8, [3, 5].into(), device = d).unwrap(),
    );
    check(
        "Conv3d",
        || modules::new!(Conv3d, 2, 4, 2.into(), bias = false, dtype = F64).unwrap(),
        |d| skip_init!(Conv3d, 2, 4, 2.into(), bias = false, device = d, dtype = F64).unwrap(),
    );
    check(
        "ConvTranspose1d",
        || ConvTranspose1d::new(4, 6, 3, Cpu).unwrap(),
        |d| skip_init!(ConvTranspose1d, 4, 6, 3.into(), device = d).unwrap(),
    );
    check(
        "ConvTranspose2d",
        || modules::new!(ConvTranspose2d, 4, 6, [2, 3].into(), groups = 2).unwrap(),
        |d| skip_init!(ConvTranspose2d, 4, 6, [2, 3].into(), groups = 2, device = d).unwrap(),
    );
    check(
        "ConvTranspose3d",
        || ConvTranspose3d::new(2, 3, 2, Cpu).unwrap(),
        |d| skip_init!(ConvTranspose3d, 2, 3, 2.into(), device = d).unwrap(),
    );
    check(
        "EmbeddingBag",
        || modules::new!(EmbeddingBag, 20, 6, padding_idx = Some(3)).unwrap(),
        |d| skip_init!(EmbeddingBag, 20, 6, padding_idx = Some(3), device = d).unwrap(),
    );
    check(
        "GroupNorm",
        || GroupNorm::new(2, 6, Cpu).unwrap(),
        |d| skip_init!(GroupNorm, 2, 6, device = d).unwrap(),
    );
    check(
        "BatchNorm1d",
        || BatchNorm1d::new(5, Cpu).unwrap(),
        |d| skip_init!(BatchNorm1d, 5, device = d).unwrap(),
    );
    check(
        "BatchNorm2d",
        || modules::new!(BatchNorm2d, 5, dtype = F16).unwrap(),
        |d| skip_init!(BatchNorm2d, 5, device = d, dtype = F16).unwrap(),
    );
    check(
        "BatchNorm3d",
        || BatchNorm3d::new(5, Cpu).unwrap(),
        |d| skip_init!(BatchNorm3d, 5, device = d).unwrap(),
    );
    check(
        "InstanceNorm1d",
        || InstanceNorm1d::new(5, Cpu).unwrap(),
        |d| skip_init!(InstanceNorm1d, 5, device = d).unwrap(),
    );
    check(
        "InstanceNorm2d",
        || modules::new!(InstanceNorm2d, 5, affine = true, track_running_stats = true).unwrap(),
        |d| {
            skip_init!(
                InstanceNorm2d,
                5,
                affine = true,
                track_running_stats = true,
                device = d
            )
            .unwrap()
        },
    );
    check(
        "InstanceNorm3d",
        || modules::new!(InstanceNorm3d, 5, affine = true).unwrap(),
        |d| skip_init!(InstanceNorm3d, 5, affine = true, device = d).unwrap(),
    );
}

/// docs/pytorch-semantics.md §10 case 8 for BatchNorm1d: f16 stats, i64 0-dim counter, the five keys.
#[test]
fn skip_init_batch_norm_keeps_the_counter_i64() {
    let bn = skip_init!(BatchNorm1d, 3, dtype = F16).unwrap();
    let sd = bn.state_dict();
    let keys: Vec<&str> = sd.keys().collect();
    assert_eq!(
        keys,
        [
            "weight",
            "bias",
            "running_mean",
            "running_var",
            "num_batches_tracked"
        ]
    );
    assert_eq!(sd.get("running_mean").unwrap().dtype(), F16);
    let nbt = sd.get("num_batches_tracked").unwrap();
    assert_eq!((nbt.dtype(), nbt.shape(), nbt.device()), (I64, vec![], Cpu));
}

/// docs/pytorch-semantics.md §7's verified strings, and more printed by torch 2.15.0 (see the test's comments).
#[test]
fn reprs_match_pytorch() {
    let s = |m: &dyn Module| modules::module_repr(m);
    // docs/pytorch-semantics.md §7.
    assert_eq!(
        s(&skip_init!(Bilinear, 2, 3, 4, device = Meta).unwrap()),
        "Bilinear(in1_features=2, in2_features=3, out_features=4, bias=True)"
    );
    assert_eq!(
        s(&skip_init!(Conv1d, 1, 2, 3.into(), device = Meta).unwrap()),
        "Conv1d(1, 2, kernel_size=(3,), stride=(1,))"
    );
    assert_eq!(
        s(&skip_init!(
            Conv2d,
            3,
            8,
            3.into(),
            stride = 2,
            padding = 1,
            bias = false,
            device = Meta
        )
        .unwrap()),
        "Conv2d(3, 8, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1), bias=False)"
    );
    assert_eq!(
        s(&skip_init!(
            Conv2d,
            4,
            4,
            [3, 5].into(),
            padding = 1,
            dilation = 2,
            groups = 2,
            padding_mode = PaddingMode::Reflect,
            device = Meta
        )
        .unwrap()),
        "Conv2d(4, 4, kernel_size=(3, 5), stride=(1, 1), padding=(1, 1), dilation=(2, 2), groups=2, padding_mode=reflect)"
    );
    assert_eq!(
        s(&skip_init!(Conv2d, 2, 2, 3.into(), padding = Padding::Same, device = Meta).unwrap()),
        "Conv2d(2, 2, kernel_size=(3, 3), stride=(1, 1), padding=same)"
    );
    assert_eq!(
        s(&skip_init!(
            ConvTranspose1d,
            2,
            2,
            3.into(),
            stride = 2,
            output_padding = 1,
            device = Meta
        )
        .unwrap()),
        "ConvTranspose1d(2, 2, kernel_size=(3,), stride=(2,), output_padding=(1,))"
    );
    assert_eq!(
        s(&skip_init!(EmbeddingBag, 10, 3, device = Meta).unwrap()),
        "EmbeddingBag(10, 3, mode='mean')"
    );
    assert_eq!(
        s(&skip_init!(
            EmbeddingBag,
            10,
            3,
            mode = EmbeddingBagMode::Sum,
            padding_idx = Some(2),
            device = Meta
        )
        .unwrap()),
        "EmbeddingBag(10, 3, mode='sum', padding_idx=2)"
    );
    assert_eq!(
        s(&skip_init!(GroupNorm, 2, 4, device = Meta).unwrap()),
        "GroupNorm(2, 4, eps=1e-05, affine=True, bias=True)"
    );
    assert_eq!(
        s(&skip_init!(BatchNorm1d, 4, device = Meta).unwrap()),
        "BatchNorm1d(4, eps=1e-05, momentum=0.1, affine=True, bias=True, track_running_stats=True)"
    );
    assert_eq!(
        s(&skip_init!(InstanceNorm2d, 3, device = Meta).unwrap()),
        "InstanceNorm2d(3, eps=1e-05, momentum=0.1, affine=False, bias=False, track_running_stats=False)"
    );
    assert_eq!(s(&skip_init!(Identity, device = Meta).unwrap()), "Identity()");

    // Printed by torch 2.15.0 for the same arguments.
    assert_eq!(
        s(&skip_init!(Conv2d, 2, 2, 3.into(), padding = Padding::Valid, device = Meta).unwrap()),
        "Conv2d(2, 2, kernel_size=(3, 3), stride=(1, 1), padding=valid)"
    );
    assert_eq!(
        s(&skip_init!(
            Conv3d,
            2,
            4,
            [1, 2, 3].into(),
            stride = [1, 2, 1],
            padding = [0, 1, 0],
            bias = false,
            padding_mode = PaddingMode::Circular,
            device = Meta
        )
        .unwrap()),
        "Conv3d(2, 4, kernel_size=(1, 2, 3), stride=(1, 2, 1), padding=(0, 1, 0), bias=False, padding_mode=circular)"
    );
    assert_eq!(
        s(&skip_init!(
            Conv1d,
            3,
            3,
            2.into(),
            padding_mode = PaddingMode::Replicate,
            device = Meta
        )
        .unwrap()),
        "Conv1d(3, 3, kernel_size=(2,), stride=(1,), padding_mode=replicate)"
    );
    assert_eq!(
        s(&skip_init!(
            ConvTranspose2d,
            4,
            6,
            3.into(),
            stride = 2,
            padding = 1,
            output_padding = 1,
            groups = 2,
            bias = false,
            dilation = 2,
            device = Meta
        )
        .unwrap()),
        "ConvTranspose2d(4, 6, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1), dilation=(2, 2), output_padding=(1, 1), groups=2, bias=False)"
    );
    assert_eq!(
        s(&skip_init!(ConvTranspose3d, 2, 2, [1, 2, 3].into(), device = Meta).unwrap()),
        "ConvTranspose3d(2, 2, kernel_size=(1, 2, 3), stride=(1, 1, 1))"
    );
    assert_eq!(
        s(&skip_init!(
            EmbeddingBag,
            10,
            3,
            max_norm = Some(1.0),
            norm_type = 1.5,
            scale_grad_by_freq = true,
            mode = EmbeddingBagMode::Max,
            padding_idx = Some(-1),
            device = Meta
        )
        .unwrap()),
        "EmbeddingBag(10, 3, max_norm=1.0, norm_type=1.5, scale_grad_by_freq=True, mode='max', padding_idx=9)"
    );
    assert_eq!(
        s(&skip_init!(GroupNorm, 2, 4, eps = 1e-3, affine = false, device = Meta).unwrap()),
        "GroupNorm(2, 4, eps=0.001, affine=False, bias=False)"
    );
    assert_eq!(
        s(&skip_init!(GroupNorm, 2, 4, bias = false, device = Meta).unwrap()),
        "GroupNorm(2, 4, eps=1e-05, affine=True, bias=False)"
    );
    assert_eq!(
        s(&skip_init!(
            BatchNorm3d,
            5,
            eps = 1e-3,
            momentum = None,
            affine = false,
            track_running_stats = false,
            device = Meta
        )
        .unwrap()),
        "BatchNorm3d(5, eps=0.001, momentum=None, affine=False, bias=False, track_running_stats=False)"
    );
    assert_eq!(
        s(&skip_init!(
            InstanceNorm1d,
            3,
            affine = true,
            track_running_stats = true,
            device = Meta
        )
        .unwrap()),
        "InstanceNorm1d(3, eps=1e-05, momentum=0.1, affine=True, bias=True, track_running_stats=True)"
    );
    assert_eq!(
        s(&skip_init!(
            InstanceNorm3d,
            3,
            momentum = Some(0.01),
            affine = true,
            bias = false,
            device = Meta
        )
        .unwrap()),
        "InstanceNorm3d(3, eps=1e-05, momentum=0.01, affine=True, bias=False, track_running_stats=False)"
    );
    assert_eq!(
        s(&skip_init!(Bilinear, 2, 3, 4, bias = false, device = Meta).unwrap()),
        "Bilinear(in1_features=2, in2_features=3, out_features=4, bias=False)"
    );
}

/// The zoo nests like any module: names, order and the multi-line repr.
#[test]
fn zoo_modules_compose() {
    #[derive(Module)]
    #[module(new(c: usize))]
    struct Stem {
        #[module(new(3, c, 3.into(), padding = 1, bias = false))]
        conv: Conv2d,
        #[module(new(c))]
        bn: BatchNorm2d,
        #[module(new())]
        skip: Identity,
    }
    let m = skip_init!(Stem, 8, device = Meta).unwrap();
    let keys: Vec<String> = m.state_dict().keys().map(String::from).collect();
    assert_eq!(
        keys,
        [
            "conv.weight",
            "bn.weight",
            "bn.bias",
            "bn.running_mean",
            "bn.running_var",
            "bn.num_batches_tracked"
        ]
    );
    assert_eq!(
        m.to_string(),
        "Stem(\n  (conv): Conv2d(3, 8, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1), bias=False)\n  \
         (bn): BatchNorm2d(8, eps=1e-05, momentum=0.1, affine=True, bias=True, track_running_stats=True)\n  \
         (skip): Identity()\n)"
    );
    assert_eq!(m.num_parameters(), 8 * 3 * 9 + 16);
}
