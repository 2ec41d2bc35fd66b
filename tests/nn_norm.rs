//! BatchNorm1d/2d/3d, InstanceNorm1d/2d/3d and GroupNorm: initial state, state-dict keys as
//! `affine`/`track_running_stats` change them, the i64 `num_batches_tracked` counter through
//! `skip_init!` and dtype changes, and errors with PyTorch's messages. (LayerNorm is checked
//! against PyTorch's own state dict in torch_parity.rs.)

use common::values::{buffer_values, opt_values};
use modules::prelude::*;

mod common;

/// docs/pytorch-semantics.md §10 case 28 (and the same for 1d/3d).
/// A batch norm's state-dict keys, in PyTorch's order.
const BATCH_NORM_KEYS: [&str; 5] = [
    "weight",
    "bias",
    "running_mean",
    "running_var",
    "num_batches_tracked",
];

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
        assert_eq!(keys, BATCH_NORM_KEYS);
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

/// docs/pytorch-semantics.md §10 case 8 for BatchNorm1d: f16 stats, i64 0-dim counter, the five keys.
#[test]
fn skip_init_batch_norm_keeps_the_counter_i64() {
    let bn = skip_init!(BatchNorm1d, 3, dtype = F16).unwrap();
    let sd = bn.state_dict();
    let keys: Vec<&str> = sd.keys().collect();
    assert_eq!(keys, BATCH_NORM_KEYS);
    assert_eq!(sd.get("running_mean").unwrap().dtype(), F16);
    let nbt = sd.get("num_batches_tracked").unwrap();
    assert_eq!((nbt.dtype(), nbt.shape(), nbt.device()), (I64, vec![], Cpu));
}

/// docs/pytorch-semantics.md §10 case 29.
#[test]
fn instance_norm_state_dict_keys_follow_affine_and_tracking() {
    let n = InstanceNorm2d::new(3, Cpu).unwrap();
    assert!(n.state_dict().is_empty());
    assert!(n.named_parameters().is_empty() && n.named_buffers().is_empty());
    let full = modules::new!(InstanceNorm2d, 3, affine = true, track_running_stats = true).unwrap();
    let keys: Vec<String> = full.state_dict().keys().map(String::from).collect();
    assert_eq!(keys, BATCH_NORM_KEYS);
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
