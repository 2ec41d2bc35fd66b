//! Sharded materialization, the torchtitan way: build on meta, shard, allocate only the local
//! part (`to_empty`), and load only the local bytes of each tensor from the checkpoint.
//!
//! ```
//! use modules_core::shard::{Rank, Shard, ShardPlan};
//! use modules_core::{Device, Module, ModuleExt, Parameter, Part, Tensor, Visitor};
//! struct M { w: Parameter }
//! impl Module for M {
//!     fn type_name(&self) -> &str { "M" }
//!     fn visit<'a>(&'a self, v: &mut dyn Visitor<'a>) { self.w.visit_part("w", v) }
//! }
//! let mut m = M { w: Parameter::new(Tensor::empty([10, 4], Device::Meta).unwrap()) };
//! let rank = Rank { rank: 2, world_size: 3, ..Rank::single() };
//! m.shard(&ShardPlan::fsdp(), &rank).unwrap();
//! assert_eq!(m.w.shape(), vec![2, 4]);          // rows 8..10: the last rank's remainder
//! assert_eq!(m.w.global_shape(), vec![10, 4]);
//! m.to_empty(Device::Cpu).unwrap();             // allocates 2 x 4 floats
//! ```

#![forbid(unsafe_code)]

#[cfg(feature = "cuda")]
mod collective;
mod plan;
mod rank;
mod rendezvous;

#[cfg(feature = "cuda")]
pub use collective::Communicator;
pub use plan::{ColwiseParallel, ParallelStyle, Placement, RowwiseParallel, ShardInfo, ShardPlan};
pub use rank::Rank;
pub use rendezvous::broadcast_bytes;

use crate::fast_hash::IdMap;
use crate::module::{named_slots, Module};
use crate::{Device, Error, Result, Tensor};

/// Sharding a module on meta, for every [`Module`].
pub trait Shard: Module {
    /// Turns each parameter into this rank's part of it, as `plan` places it, keeping the
    /// global shape and the offsets (`SharedTensor::shard_info`). The module must be on meta:
    /// `to_empty` then allocates only the local bytes, and `load_safetensors` reads only them.
    /// Buffers stay whole (replicated). All or nothing: on error nothing changes.
    fn shard(&mut self, plan: &ShardPlan, rank: &Rank) -> Result<()> {
        let slots = named_slots(self);
        let mut decided: IdMap<(&str, Placement)> = IdMap::default();
        let mut order = Vec::new();
        for s in &slots {
            if s.slot.device() != Device::Meta {
                return Err(Error::Shard {
                    tensor: s.name.clone(),
                    message: format!(
                        "the module must be on meta, found a tensor on {}",
                        s.slot.device()
                    ),
                });
            }
            if s.slot.shard_info().is_some() {
                return Err(Error::Shard {
                    tensor: s.name.clone(),
                    message: "it is sharded already".into(),
                });
            }
            let placement = if s.parameter {
                plan.placement(&s.name)
            } else {
                Placement::Replicate
            };
            match decided.get(&s.slot.slot_id()) {
                Some((first, p)) if *p != placement => {
                    return Err(Error::Shard {
                        tensor: s.name.clone(),
                        message: format!("it is tied to `{first}`, which the plan places as {p:?}, but this name as {placement:?}"),
                    })
                }
                Some(_) => {}
                None => {
                    decided.insert(s.slot.slot_id(), (&s.name, placement));
                    order.push(s);
                }
            }
        }
        let mut changes = Vec::new();
        for s in order {
            let Placement::Shard(dim) = decided[&s.slot.slot_id()].1 else {
                continue;
            };
            let shape = s.slot.shape();
            if dim >= shape.len() {
                return Err(Error::Shard {
                    tensor: s.name.clone(),
                    message: format!("the plan splits dimension {dim}, but its shape is {shape:?}"),
                });
            }
            let info = ShardInfo::chunk(&shape, dim, rank.rank, rank.world_size);
            let local = Tensor::empty(info.local_shape(), (Device::Meta, s.slot.dtype()))?;
            changes.push((s.slot, local, info));
        }
        for (slot, local, info) in changes {
            slot.swap_in(local, false);
            slot.set_shard(Some(info));
        }
        Ok(())
    }
}

impl<M: Module + ?Sized> Shard for M {}
