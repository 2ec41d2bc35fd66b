//! Tensors saved in parts, one per rank, and put back together on load.
//!
//! A sharded save writes each rank's part of every sharded tensor under the tensor's own
//! name in that rank's file, and an index whose `shard_map` says where each part goes:
//!
//! ```json
//! "shard_map": {"lm_head.weight": {"dim": 0, "global_shape": [64, 16],
//!     "parts": [{"file": "model-rank00001-of-00002.safetensors", "start": 0, "len": 32}, ...]}}
//! ```

use super::errors::bad;
use super::file::{OpenFile, RankPart, SourceTensor};
use super::index::{IndexInfo, PartEntry, PartsEntry};
use crate::shard::ShardInfo;
use crate::Result;

/// Replaces the parts of every `shard_map` tensor with one source of the whole tensor, after
/// checking that the parts exist, agree in dtype and shape, and tile the dimension exactly.
pub(crate) fn assemble<'a>(
    index: &IndexInfo,
    files: &'a [OpenFile<'_>],
    tensors: Vec<SourceTensor<'a>>,
) -> Result<Vec<SourceTensor<'a>>> {
    let (mut pieces, mut out): (Vec<_>, Vec<_>) = tensors
        .into_iter()
        .partition(|t| index.shard_map.contains_key(&*t.key));
    let mut names: Vec<&String> = index.shard_map.keys().collect();
    names.sort();
    for name in names {
        let entry = &index.shard_map[name];
        let fail = |message: String| bad(&index.path, Some(name), message);
        let mut parts = entry.parts.clone();
        parts.sort_by_key(|p| p.start);
        let n = entry.global_shape.get(entry.dim).copied().ok_or_else(|| {
            fail(format!(
                "dim {} is not a dimension of shape {:?}",
                entry.dim, entry.global_shape
            ))
        })?;
        let mut next = 0;
        let mut assembled: Vec<RankPart<'a>> = Vec::with_capacity(parts.len());
        let mut dtype = None;
        for p in &parts {
            if p.start != next {
                return Err(fail(format!(
                    "its parts must tile dimension {} from 0 to {n}; a part starts at {} where {next} was expected",
                    entry.dim, p.start
                )));
            }
            next = p
                .start
                .checked_add(p.len)
                .filter(|&end| end <= n)
                .ok_or_else(|| {
                    fail(format!(
                        "a part of {} indices from {} overruns dimension {} ({n})",
                        p.len, p.start, entry.dim
                    ))
                })?;
            let (part, part_dtype) = take_part(index, files, &mut pieces, name, entry, p)?;
            if *dtype.get_or_insert(part_dtype) != part_dtype {
                return Err(fail(format!(
                    "its parts disagree in dtype ({} and {part_dtype})",
                    dtype.expect("set")
                )));
            }
            assembled.push(part);
        }
        if next != n {
            return Err(fail(format!(
                "its parts cover {next} of the {n} indices of dimension {}",
                entry.dim
            )));
        }
        let first = assembled.first().map_or(0, |p| p.file);
        out.push(SourceTensor {
            unsupported: None,
            key: name.clone().into(),
            dtype: dtype.ok_or_else(|| fail("the index lists no part of it".into()))?,
            shape: crate::tensor::Shape::new(&entry.global_shape),
            data: &[],
            file: first,
            offset: 0,
            slot: None,
            parts: assembled,
        });
    }
    if let Some(extra) = pieces.first() {
        return Err(bad(
            &files[extra.file].path,
            Some(&extra.key),
            "the file holds a part the index does not list",
        ));
    }
    Ok(out)
}

/// The tensor of one rank's part, taken out of `pieces`: it must be in the file the index
/// names, with the shape the index gives, in a dtype modules holds.
fn take_part<'a>(
    index: &IndexInfo,
    files: &'a [OpenFile<'_>],
    pieces: &mut Vec<SourceTensor<'a>>,
    name: &str,
    entry: &PartsEntry,
    p: &PartEntry,
) -> Result<(RankPart<'a>, crate::DType)> {
    let fail = |message: String| bad(&index.path, Some(name), message);
    let file = index.file_index[p.file.as_str()];
    let at = pieces
        .iter()
        .position(|t| t.file == file && *t.key == *name)
        .ok_or_else(|| {
            fail(format!(
                "the index puts a part in {}, which does not hold it",
                p.file
            ))
        })?;
    let t = pieces.swap_remove(at);
    let info = ShardInfo {
        global_shape: entry.global_shape.clone(),
        dim: entry.dim,
        start: p.start,
        len: p.len,
    };
    if *t.shape != info.local_shape() {
        return Err(bad(
            &files[file].path,
            Some(name),
            format!(
                "the index says this part has shape {:?}, the file says {:?}",
                info.local_shape(),
                t.shape
            ),
        ));
    }
    if let Some(stored) = t.unsupported {
        return Err(fail(format!(
            "its parts are stored as {stored}, which modules cannot hold"
        )));
    }
    let part = RankPart {
        data: t.data,
        file,
        offset: t.offset,
        info,
    };
    Ok((part, t.dtype))
}
