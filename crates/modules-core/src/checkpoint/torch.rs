//! PyTorch `torch.save` files (`pytorch_model.bin`, `.pt`, `.pth`) and their index
//! (`pytorch_model.bin.index.json`), read by `modules_torch` without running pickle code.
//!
//! A contiguous tensor (the usual case) is a byte range of the mapped file, loaded like a
//! safetensors tensor: `pread` or a fused cast, or a zero-copy view. A strided view (`.t()`,
//! a column slice) is gathered into its own buffer first, which then acts as one more file.

use std::path::Path;

use modules_torch::{TorchDType, TorchFile, TorchTensor};

use super::errors::bad;
use super::file::{OpenFile, SourceTensor};
use super::index::open_index;
use super::sources::check_owners;
use crate::{DType, Result};

/// The opened `torch.save` files and what each holds.
pub(crate) struct TorchFiles {
    pub files: Vec<OpenFile<'static>>,
    pub parsed: Vec<TorchFile>,
}

/// Opens a `torch.save` file, or the shards of an index after checking that its `weight_map`
/// and the shards agree.
pub(crate) fn open(path: &Path, is_index: bool) -> Result<TorchFiles> {
    let (files, weight_map) = if is_index {
        let (files, info) = open_index(path)?;
        (files, Some(info.weight_map))
    } else {
        (vec![OpenFile::open(path)?], None)
    };
    let parsed = files
        .iter()
        .map(|f| modules_torch::read(f.bytes()).map_err(|e| bad(&f.path, None, e.to_string())))
        .collect::<Result<Vec<_>>>()?;
    if let Some(map) = weight_map {
        let pairs = parsed
            .iter()
            .enumerate()
            .flat_map(|(k, f)| f.tensors.iter().map(move |t| (k, t.name.as_str())));
        let count = parsed.iter().map(|f| f.tensors.len()).sum();
        check_owners(&files, pairs, count, Some(&map))?;
    }
    Ok(TorchFiles { files, parsed })
}

impl TorchFiles {
    /// The strided tensors' bytes, gathered in row-major order (one buffer each), in the order
    /// [`sources`] expects them.
    pub(crate) fn gather(&self) -> Result<Vec<Vec<u8>>> {
        let mut out = Vec::new();
        for (f, file) in self.files.iter().zip(&self.parsed) {
            for t in file.tensors.iter().filter(|t| file.file_byte_range(t).is_none()) {
                out.push(gather_one(f, file, t)?);
            }
        }
        Ok(out)
    }
}

/// Every tensor as a source. `files` is the opened files (one per parsed file) followed by one
/// in-memory file per gathered buffer.
pub(crate) fn sources<'a>(parsed: &[TorchFile], files: &'a [OpenFile<'_>]) -> Vec<SourceTensor<'a>> {
    let mut gathered = parsed.len();
    let mut out = Vec::new();
    for (k, file) in parsed.iter().enumerate() {
        for t in &file.tensors {
            let (index, range) = match file.file_byte_range(t) {
                Some(r) => (k, r.start as usize..r.end as usize),
                None => {
                    gathered += 1;
                    (gathered - 1, 0..files[gathered - 1].bytes().len())
                }
            };
            let (dtype, unsupported) = match dtype_of(t.dtype) {
                Ok(d) => (d, None),
                Err(name) => (DType::U8, Some(name)),
            };
            out.push(SourceTensor {
                key: t.name.clone().into(),
                dtype,
                unsupported,
                shape: crate::tensor::Shape::new(&t.shape),
                offset: range.start,
                data: &files[index].bytes()[range],
                file: index,
                slot: None,
                parts: Vec::new(),
            });
        }
    }
    out
}

/// How many tensors are strided views (gathered by [`TorchFiles::gather`]).
pub(crate) fn strided_count(parsed: &[TorchFile]) -> usize {
    parsed
        .iter()
        .map(|f| {
            f.tensors
                .iter()
                .filter(|t| f.file_byte_range(t).is_none())
                .count()
        })
        .sum()
}

/// The dtype modules holds a torch dtype as, or the torch name of one it cannot hold.
fn dtype_of(d: TorchDType) -> std::result::Result<DType, &'static str> {
    Ok(match d {
        TorchDType::F64 => DType::F64,
        TorchDType::F32 => DType::F32,
        TorchDType::F16 => DType::F16,
        TorchDType::BF16 => DType::BF16,
        TorchDType::I64 => DType::I64,
        TorchDType::I32 => DType::I32,
        TorchDType::I16 => DType::I16,
        TorchDType::I8 => DType::I8,
        TorchDType::U8 => DType::U8,
        TorchDType::Bool => DType::Bool,
        TorchDType::F8E4M3 => DType::F8E4M3,
        TorchDType::F8E5M2 => DType::F8E5M2,
        other => return Err(other.torch_name()),
    })
}

/// A strided view's elements in row-major order. Its size is capped by the file's: a view
/// with stride 0 can name far more elements than its storage holds.
fn gather_one(f: &OpenFile<'_>, file: &TorchFile, t: &TorchTensor) -> Result<Vec<u8>> {
    let size = t.dtype.size();
    let bytes = t.numel().and_then(|n| n.checked_mul(size));
    let Some(bytes) = bytes.filter(|&b| b <= f.bytes().len()) else {
        return Err(bad(
            &f.path,
            Some(&t.name),
            format!(
                "a strided view of shape {:?} larger than the file: save it with .contiguous()",
                t.shape
            ),
        ));
    };
    let storage = &file.storages[t.storage];
    let base = &f.bytes()[storage.file_offset as usize..][..storage.len_bytes as usize];
    let mut out = Vec::new();
    out.try_reserve_exact(bytes)
        .map_err(|_| crate::Error::HostAllocation { bytes })?;
    let mut index = vec![0usize; t.shape.len()];
    for _ in 0..bytes / size.max(1) {
        // `modules_torch::read` checked that every element of the view lies in its storage.
        let element = t.storage_offset + index.iter().zip(&t.strides).map(|(i, s)| i * s).sum::<usize>();
        out.extend_from_slice(&base[element * size..][..size]);
        for d in (0..index.len()).rev() {
            index[d] += 1;
            if index[d] < t.shape[d] {
                break;
            }
            index[d] = 0;
        }
    }
    Ok(out)
}
