//! Where a checkpoint's files are: one `.safetensors` file, a directory, or an index
//! (`model.safetensors.index.json`, Hugging Face's `weight_map`, and our `shard_map` of
//! tensors saved in parts by rank).

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::errors::{bad, io};
use super::file::OpenFile;
use crate::Result;

/// The files of a checkpoint path: a `.safetensors` file, a `model.safetensors.index.json`, or a
/// directory holding one of them. Returns the files and, for an index, its `weight_map`.
type Opened = (Vec<OpenFile<'static>>, Option<IndexInfo>);

pub(crate) fn open_path(path: &Path) -> Result<Opened> {
    let path = if path.is_dir() {
        let index = path.join("model.safetensors.index.json");
        if index.exists() {
            index
        } else {
            path.join("model.safetensors")
        }
    } else {
        path.to_path_buf()
    };
    if path.extension().is_some_and(|e| e == "json") {
        let (files, info) = open_index(&path)?;
        Ok((files, Some(info)))
    } else {
        Ok((vec![OpenFile::open(&path)?], None))
    }
}

/// One rank's part of a tensor saved in parts (`shard_map`, see `rank_parts`).
#[derive(Clone, Debug, Deserialize, Serialize)]
pub(crate) struct PartEntry {
    pub file: String,
    pub start: usize,
    pub len: usize,
}

/// A tensor saved in parts.
#[derive(Clone, Debug, Deserialize, Serialize)]
pub(crate) struct PartsEntry {
    pub dim: usize,
    pub global_shape: Vec<usize>,
    pub parts: Vec<PartEntry>,
}

pub(crate) type ShardMap = HashMap<String, PartsEntry>;

#[derive(serde::Deserialize)]
struct Index {
    #[serde(default)]
    weight_map: HashMap<String, String>,
    /// Tensors saved in parts by several ranks (`save_safetensors_rank`).
    #[serde(default)]
    shard_map: ShardMap,
}

/// What an index says: the file of each whole tensor, and the parts of the sharded ones.
pub(crate) struct IndexInfo {
    pub path: PathBuf,
    pub weight_map: HashMap<String, usize>,
    pub shard_map: ShardMap,
    /// File name (as the index spells it) to its place in the opened files.
    pub file_index: HashMap<String, usize>,
}

pub(crate) fn open_index(path: &Path) -> Result<(Vec<OpenFile<'static>>, IndexInfo)> {
    let text = std::fs::read_to_string(path).map_err(io(path))?;
    let index: Index = serde_json::from_str(&text).map_err(|e| {
        bad(
            path,
            None,
            format!("expected a JSON object with a \"weight_map\" of tensor name to shard file: {e}"),
        )
    })?;
    if index.weight_map.is_empty() && index.shard_map.is_empty() {
        return Err(bad(
            path,
            None,
            "the index has no \"weight_map\" (and no \"shard_map\"): no tensor is listed",
        ));
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    // Each shard with the first entry (in name order) that names it, for messages.
    let mut shards: Vec<(&str, &str)> = index
        .weight_map
        .iter()
        .map(|(k, f)| (f.as_str(), k.as_str()))
        .chain(
            index
                .shard_map
                .iter()
                .flat_map(|(k, e)| e.parts.iter().map(move |p| (p.file.as_str(), k.as_str()))),
        )
        .collect();
    shards.sort_unstable();
    shards.dedup_by_key(|(f, _)| *f);
    let mut files = Vec::with_capacity(shards.len());
    for &(shard, entry) in &shards {
        files.push(OpenFile::open(&confined(path, dir, shard, entry)?)?);
    }
    let shards: Vec<&str> = shards.into_iter().map(|(f, _)| f).collect();
    let file_index: HashMap<String, usize> = shards
        .iter()
        .enumerate()
        .map(|(i, f)| (f.to_string(), i))
        .collect();
    let weight_map = index
        .weight_map
        .iter()
        .map(|(k, f)| (k.clone(), file_index[f.as_str()]))
        .collect();
    Ok((
        files,
        IndexInfo {
            path: path.to_path_buf(),
            weight_map,
            shard_map: index.shard_map,
            file_index,
        },
    ))
}

/// The file that an index entry names, confined to the index's folder `dir`: no absolute path,
/// no `..`, and no symlink whose target leaves the folder (path traversal through shard names
/// is a known attack on model loaders). Checked before anything is opened.
fn confined(index: &Path, dir: &Path, shard: &str, entry: &str) -> Result<PathBuf> {
    let outside = |why: String| {
        bad(
            index,
            Some(entry),
            format!(
                "the index names shard {shard:?}, {why}: shard files must lie in the index's folder {}",
                dir.display()
            ),
        )
    };
    let relative = Path::new(shard);
    if shard.is_empty() || relative.is_absolute() {
        return Err(outside("an absolute or empty path".into()));
    }
    if relative
        .components()
        .any(|c| !matches!(c, Component::Normal(_) | Component::CurDir))
    {
        return Err(outside("a path that climbs out with `..`".into()));
    }
    let joined = dir.join(relative);
    let real = match joined.canonicalize() {
        Ok(p) if p.is_file() => p,
        _ => {
            return Err(bad(
                index,
                Some(entry),
                format!(
                    "the index names shard {shard:?}, which does not exist at {}",
                    joined.display()
                ),
            ))
        }
    };
    let real_dir = dir.canonicalize().map_err(io(dir))?;
    if !real.starts_with(&real_dir) {
        return Err(outside(format!("a symlink to {}", real.display())));
    }
    // The resolved path: a link swapped after this check cannot redirect the open.
    Ok(real)
}
