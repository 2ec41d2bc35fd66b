//! Every tensor of a checkpoint's opened files, checked across files: a key in two shards, an
//! index whose `weight_map` and shards disagree, and tensors saved in parts put back together.

use std::collections::HashMap;

use super::errors::bad;
use super::file::{OpenFile, SourceTensor};
use crate::Result;

/// Every tensor of the files; for an index, checks that the `weight_map` and the shards agree
/// and that no key is in two shards.
pub(crate) fn all_tensors<'a>(
    files: &'a [OpenFile<'_>],
    index: Option<&super::index::IndexInfo>,
) -> Result<Vec<SourceTensor<'a>>> {
    let weight_map = index.map(|i| &i.weight_map);
    let in_parts = |key: &str| index.is_some_and(|i| i.shard_map.contains_key(key));
    let per_file = files
        .iter()
        .enumerate()
        .map(|(i, f)| f.tensors(i))
        .collect::<Result<Vec<_>>>()?;
    // Which file holds each key: needed across shards (a key in two of them) and against an
    // index. Within one file the header scan already rejects a key given twice.
    let across = files.len() > 1 || weight_map.is_some();
    let total = per_file.iter().map(Vec::len).sum();
    if across {
        let pairs = per_file
            .iter()
            .flatten()
            .filter(|t| !in_parts(&t.key))
            .map(|t| (t.file, &*t.key));
        check_owners(files, pairs, total, weight_map)?;
    }
    // One file (the common case) is moved, not copied: a 70B header's tensors are 100 KB.
    let out: Vec<SourceTensor<'a>> = if per_file.len() == 1 {
        per_file.into_iter().next().unwrap_or_default()
    } else {
        per_file.into_iter().flatten().collect()
    };
    match index {
        Some(i) if !i.shard_map.is_empty() => super::rank_parts::assemble(i, files, out),
        _ => Ok(out),
    }
}

/// Which file holds each key, checked: no key in two files, and each `weight_map` entry in the
/// file it names. `pairs` are (file, key), `count` of them.
pub(crate) fn check_owners<'k>(
    files: &[OpenFile<'_>],
    pairs: impl Iterator<Item = (usize, &'k str)>,
    count: usize,
    weight_map: Option<&HashMap<String, usize>>,
) -> Result<()> {
    let mut owner: HashMap<&str, usize> = HashMap::with_capacity(count);
    for (file, key) in pairs {
        if let Some(other) = owner.insert(key, file) {
            return Err(bad(
                &files[file].path,
                Some(key),
                format!("the key is also in {}", files[other].path.display()),
            ));
        }
    }
    let Some(map) = weight_map else { return Ok(()) };
    let mut keys: Vec<(&String, &usize)> = map.iter().collect();
    keys.sort();
    for (key, &file) in keys {
        if owner.get(key.as_str()) != Some(&file) {
            return Err(bad(
                &files[file].path,
                Some(key),
                "the index's weight_map puts this tensor in this shard, which does not hold it",
            ));
        }
    }
    Ok(())
}
