//! What a checkpoint path holds, decided by content, not by extension: a safetensors file or
//! index, a PEFT adapter, a PyTorch `torch.save` file or index, or a folder holding one.

use std::io::Read;
use std::path::{Path, PathBuf};

use super::errors::{bad, io};
use crate::Result;

/// The prefix PEFT puts before the base model's names in `adapter_model.safetensors`.
pub(crate) const PEFT_PREFIX: &str = "base_model.model.";

#[derive(Debug, PartialEq)]
pub(crate) enum Layout {
    /// One `.safetensors` file, or a safetensors index (`weight_map` of `.safetensors` shards).
    Safetensors(PathBuf),
    /// PEFT's `adapter_model.safetensors`, whose names start with [`PEFT_PREFIX`].
    Adapter(PathBuf),
    /// A `torch.save` zip file (`pytorch_model.bin`, `.pt`, `.pth`).
    Torch(PathBuf),
    /// `pytorch_model.bin.index.json`: a `weight_map` of `torch.save` shards.
    TorchIndex(PathBuf),
}

/// Folder entries tried in order: the first that exists decides.
const IN_A_FOLDER: [&str; 7] = [
    "model.safetensors.index.json",
    "model.safetensors",
    "consolidated.safetensors",
    "adapter_model.safetensors",
    "pytorch_model.bin.index.json",
    "pytorch_model.bin",
    "consolidated.pth",
];

pub(crate) fn detect(path: &Path) -> Result<Layout> {
    if !path.is_dir() {
        return sniff(path);
    }
    for name in IN_A_FOLDER {
        let p = path.join(name);
        if p.is_file() {
            return sniff(&p);
        }
    }
    // Otherwise exactly one checkpoint-looking file.
    let mut names: Vec<String> = std::fs::read_dir(path)
        .map_err(io(path))?
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let candidates: Vec<&String> = names
        .iter()
        .filter(|n| {
            [".safetensors", ".bin", ".pt", ".pth"]
                .iter()
                .any(|e| n.ends_with(e))
        })
        .collect();
    match candidates.as_slice() {
        [one] => sniff(&path.join(one)),
        [] => Err(bad(
            path,
            None,
            format!(
                "no checkpoint in this folder: expected model.safetensors, an index, pytorch_model.bin or one .safetensors/.bin/.pt file; it holds [{}]",
                names.join(", ")
            ),
        )),
        many => Err(bad(
            path,
            None,
            format!(
                "several checkpoint files and no index to say which: {}; name one of them",
                many.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
            ),
        )),
    }
}

/// Decides by the first bytes of the file.
fn sniff(path: &Path) -> Result<Layout> {
    let mut head = [0u8; 16];
    let n = std::fs::File::open(path)
        .and_then(|mut f| f.read(&mut head))
        .map_err(io(path))?;
    let head = &head[..n];
    let adapter = path.file_name().is_some_and(|f| f == "adapter_model.safetensors");
    if head.starts_with(b"PK\x03\x04") {
        return Ok(Layout::Torch(path.to_path_buf()));
    }
    if head.len() >= 9 && head[8] == b'{' {
        let layout = if adapter {
            Layout::Adapter
        } else {
            Layout::Safetensors
        };
        return Ok(layout(path.to_path_buf()));
    }
    // The legacy format opens with its magic number, pickled: PROTO 2, LONG1 of 10 bytes. A
    // safetensors header length can start with the same 0x80 0x02 (a 640-byte header), so
    // safetensors is recognized first.
    if head.starts_with(b"\x80\x02\x8a\x0a") {
        return Err(bad(
            path,
            None,
            "this is PyTorch's legacy (pre-1.6, non-zip) torch.save format, which holds pickle code to run: re-save it with torch.save's default format or as safetensors",
        ));
    }
    if head.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{') {
        // An index: its shards' names say which format they are in.
        let text = std::fs::read_to_string(path).map_err(io(path))?;
        let torch = text.contains(".bin\"") && !text.contains(".safetensors\"");
        let layout = if torch {
            Layout::TorchIndex
        } else {
            Layout::Safetensors
        };
        return Ok(layout(path.to_path_buf()));
    }
    Err(bad(
        path,
        None,
        "not a checkpoint: expected a safetensors file, a torch.save zip file, or a JSON index",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_decides_not_the_extension() {
        let d = std::env::temp_dir().join(format!("layout-{}", std::process::id()));
        std::fs::create_dir_all(&d).unwrap();
        let write = |name: &str, bytes: &[u8]| {
            let p = d.join(name);
            std::fs::write(&p, bytes).unwrap();
            p
        };
        let st = write("weights.bin", b"\x02\0\0\0\0\0\0\0{}");
        assert_eq!(detect(&st).unwrap(), Layout::Safetensors(st.clone()));
        // A 640-byte header: its length opens with 0x80 0x02, as a pickle does.
        let mut header = b"\x80\x02\0\0\0\0\0\0{".to_vec();
        header.resize(8 + 640, b' ');
        let st640 = write("softmax.safetensors", &header);
        assert_eq!(detect(&st640).unwrap(), Layout::Safetensors(st640.clone()));
        let zip = write("model.safetensors.x", b"PK\x03\x04rest");
        assert_eq!(detect(&zip).unwrap(), Layout::Torch(zip.clone()));
        let legacy = write("old.pt", b"\x80\x02\x8a\x0al");
        assert!(detect(&legacy).unwrap_err().to_string().contains("legacy"));
        let index = write(
            "i.json",
            br#"{"weight_map": {"a": "pytorch_model-00001-of-00002.bin"}}"#,
        );
        assert_eq!(detect(&index).unwrap(), Layout::TorchIndex(index.clone()));
        std::fs::remove_dir_all(&d).unwrap();
    }
}
