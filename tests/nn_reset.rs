//! Across the module families: `skip_init!` on meta and on the cpu (and meta then `to_empty`),
//! followed by `reset_parameters`, gives what `new` gives for the same seed
//! (docs/pytorch-semantics.md §10 case 22 states it for Linear; here for the other standard
//! modules).

use common::builders::{dict, mlp};
use common::values::all_values;
use modules::prelude::*;
use modules::rng::scoped_generator;

mod common;

/// `$check(name, new, skip)` with `new!(Type, args...)` and `skip_init!(Type, args..., device = d)`.
macro_rules! same_args {
    ($check:ident, $what:literal, $ty:ident, $($args:tt)*) => {
        $check(
            $what,
            || modules::new!($ty, $($args)*).unwrap(),
            |d| skip_init!($ty, $($args)*, device = d).unwrap(),
        )
    };
}

/// Identity, Bilinear, the convolutions, EmbeddingBag and the norms: `skip_init!` on meta and on
/// the cpu gives `new`'s keys, shapes, dtypes and repr (on meta: unreadable data, parameters that
/// require grad), and `skip_init` + `reset_parameters` equals `new` for one seed.
#[test]
fn conv_norm_bilinear_identity_skip_init_then_reset_equals_new() {
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
    same_args!(check, "Conv1d", Conv1d, 4, 6, 3.into(), groups = 2);
    check(
        "Conv2d",
        || Conv2d::new(3, 8, [3, 5], Cpu).unwrap(),
        |d| skip_init!(Conv2d, 3, 8, [3, 5].into(), device = d).unwrap(),
    );
    same_args!(check, "Conv3d", Conv3d, 2, 4, 2.into(), bias = false, dtype = F64);
    check(
        "ConvTranspose1d",
        || ConvTranspose1d::new(4, 6, 3, Cpu).unwrap(),
        |d| skip_init!(ConvTranspose1d, 4, 6, 3.into(), device = d).unwrap(),
    );
    same_args!(
        check,
        "ConvTranspose2d",
        ConvTranspose2d,
        4,
        6,
        [2, 3].into(),
        groups = 2
    );
    check(
        "ConvTranspose3d",
        || ConvTranspose3d::new(2, 3, 2, Cpu).unwrap(),
        |d| skip_init!(ConvTranspose3d, 2, 3, 2.into(), device = d).unwrap(),
    );
    same_args!(check, "EmbeddingBag", EmbeddingBag, 20, 6, padding_idx = Some(3));
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
    same_args!(check, "BatchNorm2d", BatchNorm2d, 5, dtype = F16);
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
    same_args!(check, "InstanceNorm3d", InstanceNorm3d, 5, affine = true);
}

/// `new` and `skip_init` + `reset_parameters` give the same values, on the cpu and from meta.
fn reset_equals_new<M: Module>(what: &str, new: impl Fn() -> M, skip: impl Fn(Device) -> M) {
    let _rng = scoped_generator(Default::default());
    for (seed, path) in [(11, "cpu"), (12, "meta then to_empty")] {
        modules::manual_seed(seed);
        let a = new();
        modules::manual_seed(seed);
        let mut b = if path == "cpu" {
            skip(Cpu)
        } else {
            let mut b = skip(Meta);
            assert!(b.parameters().iter().all(|p| p.device() == Meta), "{what}");
            b.to_empty(Cpu).unwrap();
            b
        };
        b.reset_parameters().unwrap();
        assert_eq!(all_values(&a), all_values(&b), "{what} ({path})");
    }
}

/// MultiheadAttention, the recurrent modules and cells, the transformer layers, Sequential,
/// ModuleDict and Dropout: `skip_init` on the cpu, or on meta then `to_empty`, followed by
/// `reset_parameters`, equals `new` (one seed for each path).
#[test]
fn attention_recurrent_transformer_container_skip_init_then_reset_equals_new() {
    same_args!(
        reset_equals_new,
        "MultiheadAttention",
        MultiheadAttention,
        16,
        4,
        add_bias_kv = true
    );
    same_args!(
        reset_equals_new,
        "MultiheadAttention kdim",
        MultiheadAttention,
        8,
        2,
        kdim = Some(3),
        vdim = Some(5)
    );
    same_args!(
        reset_equals_new,
        "LSTM",
        Lstm,
        5,
        6,
        num_layers = 2,
        bidirectional = true,
        proj_size = 3
    );
    same_args!(reset_equals_new, "GRU", Gru, 5, 6);
    same_args!(reset_equals_new, "RNN", Rnn, 5, 6, num_layers = 3);
    same_args!(reset_equals_new, "RNNCell", RnnCell, 2, 3);
    same_args!(reset_equals_new, "LSTMCell", LstmCell, 2, 3);
    same_args!(reset_equals_new, "GRUCell", GruCell, 2, 3);
    same_args!(
        reset_equals_new,
        "TransformerEncoderLayer",
        TransformerEncoderLayer,
        8,
        2,
        dim_feedforward = 16
    );
    same_args!(
        reset_equals_new,
        "TransformerDecoderLayer",
        TransformerDecoderLayer,
        8,
        2,
        dim_feedforward = 16
    );
    same_args!(reset_equals_new, "Sequential", Sequential, mlp());
    same_args!(reset_equals_new, "ModuleDict", ModuleDict, dict());
    same_args!(reset_equals_new, "Dropout", Dropout, 0.2);
}
