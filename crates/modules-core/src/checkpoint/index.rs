//! Where a checkpoint's files are: one `.safetensors` file, a directory, or an index
//! (`model.safetensors.index.json`, Hugging Face's `weight_map`, and our `shard_map` of
//! tensors saved in parts by rank).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::file::{bad, io, OpenFile};
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

#[derive(serde::Deserialize)]
struct Index {
    #[serde(default)]
    weight_map: HashMap<String, String>,
    /// Tensors saved in parts by several ranks (`save_safetensors_rank`).
    #[serde(default)]
    shard_map: super::parts::ShardMap,
}

/// What an index says: the file of each whole tensor, and the parts of the sharded ones.
pub(crate) struct IndexInfo {
    pub path: PathBuf,
    pub weight_map: HashMap<String, usize>,
    pub shard_map: super::parts::ShardMap,
    /// File name (as the index spells it) to its place in the opened files.
    pub file_index: HashMap<String, usize>,
}

fn open_index(path: &Path) -> Result<(Vec<OpenFile<'static>>, IndexInfo)> {
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
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut shards: Vec<&str> = index.weight_map.values().map(String::as_str).collect();
    shards.extend(
        index
            .shard_map
            .values()
            .flat_map(|e| e.parts.iter().map(|p| p.file.as_str())),
    );
    shards.sort_unstable();
    shards.dedup();
    let mut files = Vec::with_capacity(shards.len());
    for shard in &shards {
        let shard_path = dir.join(shard);
        if !shard_path.is_file() {
            return Err(bad(
                path,
                None,
                format!(
                    "the index names shard {shard:?}, which does not exist at {}",
                    shard_path.display()
                ),
            ));
        }
        files.push(OpenFile::open(&shard_path)?);
    }
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
