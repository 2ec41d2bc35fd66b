//! Matching a checkpoint to a module: every key, shape, dtype and tie is checked here, before
//! the first byte is written. The messages are PyTorch's (docs/pytorch-semantics.md §6.2).

use std::borrow::Cow;

use super::dequant::{find_scale, ScaleKind};
use super::file::SourceTensor;
use super::options::LoadOptions;
use crate::fast_hash::{IdMap, NameMap};
use crate::module::NamedSlot;
use crate::{DType, Device, Error, Result, SharedTensor};

/// One tensor to write: a module slot and the checkpoint tensor that fills it.
pub(crate) struct Write<'m> {
    pub slot: &'m SharedTensor,
    pub source: usize,
    pub to: DType,
    /// The part of the checkpoint tensor this process holds, for a sharded module.
    pub shard: Option<crate::shard::ShardInfo>,
    /// For an FP8 source written into a wider float: its scale (index into the sources).
    pub scale: Option<(usize, ScaleKind)>,
    /// Bytes it puts in its tensor (the local part of a sharded one), read with the target.
    pub bytes: u64,
}

/// What a load will do.
pub(crate) struct Plan<'m> {
    pub writes: Vec<Write<'m>>,
    pub missing: Vec<String>,
    pub unexpected: Vec<String>,
    pub skipped: usize,
    pub ignored: Vec<String>,
}

fn quoted(keys: &[String]) -> String {
    keys.iter()
        .map(|k| format!("\"{k}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

fn torch_size(shape: &[usize]) -> String {
    let dims: Vec<String> = shape.iter().map(|d| d.to_string()).collect();
    format!("torch.Size([{}])", dims.join(", "))
}

/// The checkpoint's keys after the options' mapping: each mapped key's source, each source's
/// mapped key (`None`: outside `strip_prefix`), and how many were skipped.
struct Keys<'s> {
    by_key: NameMap<Cow<'s, str>, usize>,
    mapped: Vec<Option<Cow<'s, str>>>,
    skipped: usize,
}

fn map_keys<'s>(
    sources: &'s [SourceTensor<'_>],
    opts: &LoadOptions<'_>,
    errors: &mut Vec<String>,
) -> Keys<'s> {
    let mut by_key: NameMap<Cow<'_, str>, usize> =
        NameMap::with_capacity_and_hasher(sources.len(), Default::default());
    let mut mapped: Vec<Option<Cow<'_, str>>> = Vec::with_capacity(sources.len());
    let mut skipped = 0;
    for (i, s) in sources.iter().enumerate() {
        let key = opts.map_key(&s.key);
        match &key {
            None => skipped += 1,
            Some(k) => {
                if let Some(&j) = by_key.get(k) {
                    errors.push(format!(
                        "checkpoint keys \"{}\" and \"{}\" both map to \"{k}\"",
                        sources[j].key, s.key
                    ));
                } else {
                    by_key.insert(k.clone(), i);
                }
            }
        }
        mapped.push(key);
    }
    Keys {
        by_key,
        mapped,
        skipped,
    }
}

/// Persistent names of each slot, in module order: a tie is one slot under several names,
/// chained through `next` (no allocation per slot: a 70B model has hundreds).
struct Ties<'a, 'm> {
    named: Vec<&'a NamedSlot<'m>>,
    heads: Vec<usize>,
    next: Vec<usize>,
}

impl<'a, 'm> Ties<'a, 'm> {
    fn new(slots: &'a [NamedSlot<'m>]) -> Self {
        let named: Vec<&NamedSlot<'m>> = slots.iter().filter(|s| s.persistent).collect();
        let mut heads: Vec<usize> = Vec::with_capacity(named.len());
        let mut next: Vec<usize> = vec![usize::MAX; named.len()];
        let mut last_of: IdMap<usize> = IdMap::with_capacity_and_hasher(named.len(), Default::default());
        for (i, s) in named.iter().enumerate() {
            match last_of.insert(s.slot.slot_id(), i) {
                Some(prev) => next[prev] = i,
                None => heads.push(i),
            }
        }
        Ties { named, heads, next }
    }

    /// The names of the slot whose first name is `head`.
    fn names(&self, head: usize) -> impl Iterator<Item = &'a NamedSlot<'m>> + '_ {
        std::iter::successors(Some(head), |&i| Some(self.next[i]).filter(|&n| n != usize::MAX))
            .map(|i| self.named[i])
    }
}

/// What one slot is matched against: its shape (global, for a shard), dtype and device.
struct Target {
    shape: crate::tensor::Shape,
    /// The slot's own bytes in its dtype (its local part, for a shard).
    bytes: u64,
    to: DType,
    device: Device,
}

impl Target {
    fn of(slot: &SharedTensor, shard: Option<&crate::shard::ShardInfo>) -> Target {
        let t = slot.tensor();
        let shape = crate::tensor::Shape::new(shard.map_or(t.shape(), |s| &s.global_shape));
        Target {
            shape,
            bytes: t.size_in_bytes() as u64,
            to: t.dtype(),
            device: t.device(),
        }
    }
}

/// A strict load's first error lines: the missing keys, then the unexpected ones.
fn key_errors(missing: &[String], unexpected: &[String]) -> Vec<String> {
    let mut listed = Vec::new();
    if !missing.is_empty() {
        listed.push(format!("Missing key(s) in state_dict: {}. ", quoted(missing)));
    }
    if !unexpected.is_empty() {
        listed.push(format!(
            "Unexpected key(s) in state_dict: {}. ",
            quoted(unexpected)
        ));
    }
    listed
}

/// Checks every source found for one slot (under any of its names); false when one fails.
fn check_found(
    found: &[(&NamedSlot<'_>, usize)],
    sources: &[SourceTensor<'_>],
    target: &Target,
    opts: &LoadOptions<'_>,
    dry_run: bool,
    errors: &mut Vec<String>,
) -> bool {
    let (shape, to) = (&target.shape, target.to);
    let mut ok = true;
    for &(n, i) in found {
        let src = &sources[i];
        let error = if let Some(stored) = src.unsupported {
            format!("dtype mismatch for {}: the checkpoint stores it as {stored}, which modules cannot hold or convert to {to}", n.name)
        } else if src.shape != *shape {
            format!(
                "size mismatch for {}: copying a param with shape {} from checkpoint, the shape in current model is {}.",
                n.name,
                torch_size(&src.shape),
                torch_size(shape)
            )
        } else if !opts.allows_cast(src.dtype, to) {
            format!(
                "dtype mismatch for {}: copying a param of {} from checkpoint, the dtype in current model is {to}; {}",
                n.name,
                src.dtype,
                cast_hint(src.dtype, to)
            )
        } else if !dry_run
            && src.dtype == DType::Bool
            && (src.data.iter().any(|&b| b > 1) || src.parts.iter().any(|p| p.data.iter().any(|&b| b > 1)))
        {
            format!(
                "invalid data for {}: a bool tensor holds a byte other than 0 or 1",
                n.name
            )
        } else {
            continue;
        };
        errors.push(error);
        ok = false;
    }
    if target.device == Device::Meta && !opts.zero_copy && !dry_run {
        errors.push(format!(
            "{}: the tensor in current model is on meta, which holds no data: call to_empty(device) first, or load with LoadOptions::zero_copy(true)",
            found[0].0.name
        ));
        ok = false;
    }
    if ok && !dry_run {
        ok = check_ties_agree(found, sources, errors);
    }
    ok
}

/// A tie found under several names must hold the same bytes under each.
fn check_ties_agree(
    found: &[(&NamedSlot<'_>, usize)],
    sources: &[SourceTensor<'_>],
    errors: &mut Vec<String>,
) -> bool {
    let (first, a) = found[0];
    let mut ok = true;
    for &(other, b) in &found[1..] {
        let (x, y) = (&sources[a], &sources[b]);
        let parts_differ = x.parts.len() != y.parts.len()
            || x.parts
                .iter()
                .zip(&y.parts)
                .any(|(p, q)| p.data != q.data || p.info != q.info);
        if x.dtype != y.dtype || x.data != y.data || parts_differ {
            errors.push(format!(
                "tied tensors \"{}\" and \"{}\" share one tensor in current model, but hold different values in the checkpoint",
                first.name, other.name
            ));
            ok = false;
        }
    }
    ok
}

/// The scale of an FP8 source written into a wider float, marked used; None without one.
#[allow(clippy::too_many_arguments)]
fn scale_of(
    n: &NamedSlot<'_>,
    i: usize,
    sources: &[SourceTensor<'_>],
    keys: &Keys<'_>,
    to: DType,
    sharded: bool,
    used: &mut [bool],
    errors: &mut Vec<String>,
) -> std::result::Result<Option<(usize, ScaleKind)>, ()> {
    if !(sources[i].dtype.is_fp8() && !to.is_fp8() && to.is_float()) {
        return Ok(None);
    }
    let index_of = |name: &str| keys.by_key.get(name).copied();
    match find_scale(&n.name, &sources[i].shape, sources, index_of) {
        Ok(Some(_)) if sharded => errors.push(format!(
            "{}: dequantizing FP8 into a sharded tensor is not supported; load it whole, then shard",
            n.name
        )),
        Ok(Some((j, kind))) => {
            used[j] = true;
            return Ok(Some((j, kind)));
        }
        Ok(None) => return Ok(None),
        Err(why) => errors.push(format!("dequantization of {}: {why}", n.name)),
    }
    Err(())
}

/// A dry run reads no data (ties and bool bytes are checked by shape and dtype only) and
/// accepts a meta module.
pub(crate) fn plan<'m>(
    module: &str,
    slots: &[NamedSlot<'m>],
    sources: &[SourceTensor<'_>],
    opts: &LoadOptions<'_>,
    dry_run: bool,
) -> Result<Plan<'m>> {
    let mut errors = Vec::new();
    let keys = map_keys(sources, opts, &mut errors);
    let ties = Ties::new(slots);
    let mut used = vec![false; sources.len()];
    let mut writes = Vec::new();
    let mut missing = Vec::new();
    let mut found: Vec<(&NamedSlot<'m>, usize)> = Vec::new();
    for &head in &ties.heads {
        let id = ties.named[head].slot.slot_id();
        found.clear();
        found.extend(
            ties.names(head)
                .filter_map(|n| keys.by_key.get(n.name.as_str()).map(|&i| (n, i))),
        );
        for &(_, i) in &found {
            used[i] = true;
        }
        if found.is_empty() {
            missing.extend(ties.names(head).map(|n| n.name.clone()));
            continue;
        }
        let (n, i) = found[0];
        let shard = n.slot.shard_info();
        let target = Target::of(n.slot, shard.as_ref());
        if !check_found(&found, sources, &target, opts, dry_run, &mut errors) {
            continue;
        }
        let Ok(scale) = scale_of(
            n,
            i,
            sources,
            &keys,
            target.to,
            shard.is_some(),
            &mut used,
            &mut errors,
        ) else {
            continue;
        };
        // A source that is this very slot (a module's own state dict) needs no write.
        if !found.iter().any(|&(_, j)| sources[j].slot == Some(id)) {
            writes.push(Write {
                slot: n.slot,
                source: i,
                to: target.to,
                shard,
                scale,
                bytes: target.bytes,
            });
        }
    }
    let (ignored, unexpected) = leftover_keys(slots, &keys, &used);
    if opts.strict {
        errors.splice(0..0, key_errors(&missing, &unexpected));
    }
    if !errors.is_empty() {
        return Err(Error::LoadStateDict {
            module: module.to_string(),
            errors,
        });
    }
    Ok(Plan {
        writes,
        missing,
        unexpected,
        skipped: keys.skipped,
        ignored,
    })
}

/// The mapped keys no slot used: those of non-persistent buffers (never required, loaded or
/// unexpected), and the unexpected rest.
fn leftover_keys(slots: &[NamedSlot<'_>], keys: &Keys<'_>, used: &[bool]) -> (Vec<String>, Vec<String>) {
    let transient: Vec<&str> = slots
        .iter()
        .filter(|s| !s.persistent)
        .map(|s| s.name.as_str())
        .collect();
    keys.mapped
        .iter()
        .zip(used)
        .filter_map(|(k, &used)| k.as_ref().filter(|_| !used).map(|k| k.to_string()))
        .partition(|k| transient.contains(&k.as_str()))
}

fn cast_hint(from: DType, to: DType) -> String {
    if !super::cast::is_lossless_or_float(from, to) {
        format!("no cast from {from} to {to} is allowed (it would lose values)")
    } else if from.is_float() && to.is_float() {
        "load with LoadOptions::cast_floats() to convert".into()
    } else {
        format!("load with LoadOptions::cast({from:?}) to convert")
    }
}
