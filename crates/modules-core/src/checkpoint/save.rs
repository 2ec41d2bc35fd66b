//! Writing a module as safetensors, one file or Hugging Face's sharded layout.
//!
//! Files are written under a temporary name and renamed into place, so a failed save never
//! leaves a half-written checkpoint under the real name.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::RwLockReadGuard;

use safetensors::{Dtype, View};

use super::errors::bad;
use crate::module::NamedSlot;
use crate::tensor::Storage;
use crate::{DType, Error, Result, Tensor};

pub(crate) fn st_dtype(d: DType) -> Dtype {
    match d {
        DType::F32 => Dtype::F32,
        DType::F64 => Dtype::F64,
        DType::F16 => Dtype::F16,
        DType::BF16 => Dtype::BF16,
        DType::I64 => Dtype::I64,
        DType::I32 => Dtype::I32,
        DType::I16 => Dtype::I16,
        DType::I8 => Dtype::I8,
        DType::U8 => Dtype::U8,
        DType::Bool => Dtype::BOOL,
        DType::F8E4M3 => Dtype::F8_E4M3,
        DType::F8E5M2 => Dtype::F8_E5M2,
    }
}

/// A tensor to write: its host bytes, borrowed on the CPU, copied from a GPU.
struct Out<'g> {
    dtype: DType,
    shape: Vec<usize>,
    bytes: Cow<'g, [u8]>,
}

impl View for &Out<'_> {
    fn dtype(&self) -> Dtype {
        st_dtype(self.dtype)
    }
    fn shape(&self) -> &[usize] {
        &self.shape
    }
    fn data(&self) -> Cow<'_, [u8]> {
        Cow::Borrowed(&self.bytes)
    }
    fn data_len(&self) -> usize {
        self.bytes.len()
    }
}

/// Each distinct tensor once, under its first name (Hugging Face's `save_model`): a tied
/// weight is stored once, and loading restores the tie from that one name.
fn unique<'m>(slots: &'m [NamedSlot<'m>]) -> Vec<&'m NamedSlot<'m>> {
    let mut seen = HashSet::new();
    slots
        .iter()
        .filter(|s| s.persistent && seen.insert(s.slot.slot_id()))
        .collect()
}

fn host_bytes<'g>(name: &str, t: &'g RwLockReadGuard<'_, Tensor>) -> Result<Cow<'g, [u8]>> {
    match t.storage() {
        Storage::Cpu(b) => Ok(Cow::Borrowed(b.as_bytes())),
        Storage::Meta => Err(Error::BadCheckpoint {
            file: PathBuf::new(),
            tensor: Some(name.to_string()),
            message: "is on meta, which holds no data: nothing to save".into(),
        }),
        #[cfg(feature = "cuda")]
        _ => Ok(Cow::Owned(t.to(crate::Device::Cpu)?.as_bytes()?.to_vec())),
    }
}

fn write_file(path: &Path, entries: &[&NamedSlot<'_>]) -> Result<()> {
    write_file_with(
        path,
        entries,
        HashMap::from([("format".to_string(), "pt".to_string())]),
    )
}

fn write_file_with(path: &Path, entries: &[&NamedSlot<'_>], metadata: HashMap<String, String>) -> Result<()> {
    let guards: Vec<_> = entries.iter().map(|s| s.slot.tensor()).collect();
    let outs = entries
        .iter()
        .zip(&guards)
        .map(|(s, g)| {
            Ok(Out {
                dtype: g.dtype(),
                shape: g.shape().to_vec(),
                bytes: host_bytes(&s.name, g).map_err(|e| with_file(e, path))?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let tmp = temp_name(path);
    safetensors::serialize_to_file(
        entries.iter().map(|s| s.name.as_str()).zip(&outs),
        Some(metadata),
        &tmp,
    )
    .map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        bad(path, None, format!("could not write: {e}"))
    })
}

fn with_file(e: Error, path: &Path) -> Error {
    match e {
        Error::BadCheckpoint { tensor, message, .. } => Error::BadCheckpoint {
            file: path.to_path_buf(),
            tensor,
            message,
        },
        other => other,
    }
}

fn temp_name(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(format!(".tmp-{}", std::process::id()));
    path.with_file_name(name)
}

/// Writes `model.safetensors.index.json` under its temporary name; [`commit`] puts it in place.
fn write_index_temp(dir: &Path, index: &serde_json::Value) -> Result<PathBuf> {
    let path = dir.join("model.safetensors.index.json");
    let text = serde_json::to_string_pretty(index).expect("a JSON value serializes");
    std::fs::write(temp_name(&path), text + "\n").map_err(|source| Error::Io {
        path: path.clone(),
        source,
    })?;
    Ok(path)
}

/// Puts a written temporary file in place, durably: the file's data reaches the disk before
/// the rename, and the folder's entry after it, so a crash leaves the old file or the new one
/// under the final name, never a torn one.
fn commit(path: &Path) -> Result<()> {
    let io = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let tmp = temp_name(path);
    std::fs::File::open(&tmp).and_then(|f| f.sync_all()).map_err(io)?;
    std::fs::rename(&tmp, path).map_err(io)?;
    #[cfg(unix)]
    {
        // A folder opens read-only on Unix, and fsync on it persists its entries (the rename).
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        std::fs::File::open(dir).and_then(|d| d.sync_all()).map_err(io)?;
    }
    Ok(())
}

pub(crate) fn save_file(slots: &[NamedSlot<'_>], path: &Path) -> Result<()> {
    write_file(path, &unique(slots))?;
    commit(path)
}

/// Shards of at most `max_shard_bytes` (a larger tensor gets a shard of its own), filled in
/// module order as Hugging Face's `split_torch_state_dict_into_shards` does.
pub(crate) fn save_sharded(
    slots: &[NamedSlot<'_>],
    dir: &Path,
    max_shard_bytes: usize,
) -> Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir).map_err(|source| Error::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    let entries = unique(slots);
    let mut shards: Vec<Vec<&NamedSlot<'_>>> = vec![Vec::new()];
    let mut size = 0usize;
    let mut total = 0u64;
    for e in entries {
        let bytes = e.slot.numel() * e.slot.dtype().size_in_bytes();
        total += bytes as u64;
        if size + bytes > max_shard_bytes && !shards.last().expect("non-empty").is_empty() {
            shards.push(Vec::new());
            size = 0;
        }
        size += bytes;
        shards.last_mut().expect("non-empty").push(e);
    }
    if shards.len() == 1 {
        let path = dir.join("model.safetensors");
        write_file(&path, &shards[0])?;
        commit(&path)?;
        return Ok(vec![path]);
    }
    let n = shards.len();
    let mut weight_map = BTreeMap::new();
    let mut paths = Vec::with_capacity(n + 1);
    for (i, shard) in shards.iter().enumerate() {
        let name = format!("model-{:05}-of-{n:05}.safetensors", i + 1);
        let path = dir.join(&name);
        write_file(&path, shard)?;
        for e in shard {
            weight_map.insert(e.name.clone(), name.clone());
        }
        paths.push(path);
    }
    let index = serde_json::json!({ "metadata": { "total_size": total }, "weight_map": weight_map });
    let index_path = write_index_temp(dir, &index)?;
    for p in &paths {
        commit(p)?;
    }
    commit(&index_path)?;
    paths.push(index_path);
    Ok(paths)
}

/// This rank's file of a sharded save: its part of every sharded tensor and, on rank 0, the
/// replicated ones; rank 0 also writes the index whose `shard_map` puts the parts together
/// (every rank's layout follows from the plan, so rank 0 needs no message from the others).
/// A single process loads the index back into the whole model.
pub(crate) fn save_rank(
    slots: &[NamedSlot<'_>],
    dir: &Path,
    rank: &crate::shard::Rank,
) -> Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir).map_err(|source| Error::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    let world = rank.world_size;
    let file_of = |r: usize| format!("model-rank{:05}-of-{world:05}.safetensors", r + 1);
    let entries: Vec<&NamedSlot<'_>> = unique(slots)
        .into_iter()
        .filter(|s| rank.rank == 0 || s.slot.shard_info().is_some())
        .collect();
    let shards: BTreeMap<&str, crate::shard::ShardInfo> = entries
        .iter()
        .filter_map(|s| s.slot.shard_info().map(|i| (s.name.as_str(), i)))
        .collect();
    let metadata = HashMap::from([
        ("format".to_string(), "pt".to_string()),
        (
            "modules.shards".to_string(),
            serde_json::to_string(
                &shards
                    .iter()
                    .map(|(k, i)| (*k, (i.dim, i.start, i.len, &i.global_shape)))
                    .collect::<BTreeMap<_, _>>(),
            )
            .expect("plain data serializes"),
        ),
    ]);
    let path = dir.join(file_of(rank.rank));
    write_file_with(&path, &entries, metadata)?;
    commit(&path)?;
    let mut written = vec![path];
    if rank.rank == 0 {
        let index = rank_index(&entries, world, file_of);
        let index_path = write_index_temp(dir, &index)?;
        commit(&index_path)?;
        written.push(index_path);
    }
    Ok(written)
}

/// The index of a sharded save: where each replicated tensor is, and each sharded tensor's
/// parts on every rank (they follow from the plan, so rank 0 writes it alone).
fn rank_index(
    entries: &[&NamedSlot<'_>],
    world: usize,
    file_of: impl Fn(usize) -> String,
) -> serde_json::Value {
    use super::index::{PartEntry, PartsEntry};
    let mut weight_map = BTreeMap::new();
    let mut shard_map = BTreeMap::new();
    let mut total = 0u64;
    for s in entries {
        let info = s.slot.shard_info();
        let global = s.slot.global_shape();
        total += (global.iter().product::<usize>() * s.slot.dtype().size_in_bytes()) as u64;
        match info {
            None => {
                weight_map.insert(s.name.clone(), file_of(0));
            }
            Some(info) => {
                let parts = (0..world)
                    .map(|r| {
                        let c = crate::shard::ShardInfo::chunk(&global, info.dim, r, world);
                        PartEntry {
                            file: file_of(r),
                            start: c.start,
                            len: c.len,
                        }
                    })
                    .collect();
                shard_map.insert(
                    s.name.clone(),
                    PartsEntry {
                        dim: info.dim,
                        global_shape: global,
                        parts,
                    },
                );
            }
        }
    }
    serde_json::json!({
        "metadata": { "total_size": total, "world_size": world },
        "weight_map": weight_map,
        "shard_map": shard_map,
    })
}
