//! Matching a checkpoint to a module: every key, shape, dtype and tie is checked here, before
//! the first byte is written. The messages are PyTorch's (docs/pytorch-semantics.md §6.2).

use std::borrow::Cow;

use super::dequant::{find_scale, ScaleKind};
use super::file::SourceTensor;
use super::options::LoadOptions;
use crate::module::{IdMap, NameMap, NamedSlot};
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

/// A dry run reads no data (ties and bool bytes are checked by shape and dtype only) and
/// accepts a meta module.
pub(crate) fn plan<'m>(
    module: &str,
    slots: &[NamedSlot<'m>],
    sources: &[SourceTensor<'_>],
    opts: &LoadOptions<'_>,
    dry_run: bool,
) -> Result<Plan<'m>> {
    let reads_data = !dry_run;
    let mut errors = Vec::new();
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

    // Persistent names of each slot, in module order: a tie is one slot under several names,
    // chained through `next` (no allocation per slot: a 70B model has hundreds).
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
    let names_from = |head: usize| {
        std::iter::successors(Some(head), |&i| Some(next[i]).filter(|&n| n != usize::MAX)).map(|i| named[i])
    };

    let mut used = vec![false; sources.len()];
    let mut writes = Vec::new();
    let mut missing = Vec::new();
    let mut found: Vec<(&NamedSlot<'m>, usize)> = Vec::new();
    for &head in &heads {
        let id = named[head].slot.slot_id();
        found.clear();
        found.extend(names_from(head).filter_map(|n| by_key.get(n.name.as_str()).map(|&i| (n, i))));
        for &(_, i) in &found {
            used[i] = true;
        }
        if found.is_empty() {
            missing.extend(names_from(head).map(|n| n.name.clone()));
            continue;
        }
        let slot = found[0].0.slot;
        let shard = slot.shard_info();
        let (shape, to, device) = {
            let t = slot.tensor();
            let shape = shard
                .as_ref()
                .map_or_else(|| t.shape().to_vec(), |s| s.global_shape.clone());
            (shape, t.dtype(), t.device())
        };
        let mut ok = true;
        for &(n, i) in &found {
            let src = &sources[i];
            if let Some(stored) = src.unsupported {
                errors.push(format!(
                    "dtype mismatch for {}: the checkpoint stores it as {stored}, which modules cannot hold or convert to {to}",
                    n.name
                ));
                ok = false;
            } else if src.shape != shape {
                errors.push(format!(
                    "size mismatch for {}: copying a param with shape {} from checkpoint, the shape in current model is {}.",
                    n.name,
                    torch_size(&src.shape),
                    torch_size(&shape)
                ));
                ok = false;
            } else if !opts.allows_cast(src.dtype, to) {
                errors.push(format!(
                    "dtype mismatch for {}: copying a param of {} from checkpoint, the dtype in current model is {}; {}",
                    n.name,
                    src.dtype,
                    to,
                    cast_hint(src.dtype, to)
                ));
                ok = false;
            } else if reads_data
                && src.dtype == DType::Bool
                && (src.data.iter().any(|&b| b > 1)
                    || src.parts.iter().any(|p| p.data.iter().any(|&b| b > 1)))
            {
                errors.push(format!(
                    "invalid data for {}: a bool tensor holds a byte other than 0 or 1",
                    n.name
                ));
                ok = false;
            }
        }
        if device == Device::Meta && !opts.zero_copy && !dry_run {
            errors.push(format!(
                "{}: the tensor in current model is on meta, which holds no data: call to_empty(device) first, or load with LoadOptions::zero_copy(true)",
                found[0].0.name
            ));
            ok = false;
        }
        if ok && reads_data {
            let (first, a) = found[0];
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
        }
        let mut scale = None;
        if ok && sources[found[0].1].dtype.is_fp8() && !to.is_fp8() && to.is_float() {
            let (n, i) = found[0];
            let index_of = |name: &str| by_key.get(name).copied();
            match find_scale(&n.name, &sources[i].shape, sources, index_of) {
                Ok(Some(_)) if shard.is_some() => {
                    errors.push(format!("{}: dequantizing FP8 into a sharded tensor is not supported; load it whole, then shard", n.name));
                    ok = false;
                }
                Ok(Some((j, kind))) => {
                    used[j] = true;
                    scale = Some((j, kind));
                }
                Ok(None) => {}
                Err(why) => {
                    errors.push(format!("dequantization of {}: {why}", n.name));
                    ok = false;
                }
            }
        }
        if ok {
            let (n, i) = found[0];
            // A source that is this very slot (a module's own state dict) needs no write.
            if !found.iter().any(|&(_, j)| sources[j].slot == Some(id)) {
                writes.push(Write {
                    slot: n.slot,
                    source: i,
                    to,
                    shard,
                    scale,
                });
            }
        }
    }

    // A key of a non-persistent buffer is never required, loaded or unexpected.
    let transient: Vec<&str> = slots
        .iter()
        .filter(|s| !s.persistent)
        .map(|s| s.name.as_str())
        .collect();
    let (ignored, unexpected): (Vec<String>, Vec<String>) = mapped
        .iter()
        .zip(&used)
        .filter_map(|(k, &used)| k.as_ref().filter(|_| !used).map(|k| k.to_string()))
        .partition(|k| transient.contains(&k.as_str()));
    let mut listed = Vec::new();
    if opts.strict {
        if !missing.is_empty() {
            listed.push(format!("Missing key(s) in state_dict: {}. ", quoted(&missing)));
        }
        if !unexpected.is_empty() {
            listed.push(format!(
                "Unexpected key(s) in state_dict: {}. ",
                quoted(&unexpected)
            ));
        }
    }
    if !listed.is_empty() || !errors.is_empty() {
        listed.extend(errors);
        return Err(Error::LoadStateDict {
            module: module.to_string(),
            errors: listed,
        });
    }
    Ok(Plan {
        writes,
        missing,
        unexpected,
        skipped,
        ignored,
    })
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
