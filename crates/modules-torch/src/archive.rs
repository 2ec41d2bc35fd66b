//! The zip layer: torch.save writes a zip of stored (uncompressed) entries under one top-level
//! folder, so every entry this reader needs is a plain byte range of the caller's buffer.

use std::collections::HashMap;
use std::io::Cursor;

use zip::{CompressionMethod, ZipArchive};

use crate::Error;

/// Where one entry's bytes are, and whether it is usable as they stand.
struct Entry {
    offset: u64,
    len: u64,
    stored_as: Result<(), (bool, CompressionMethod)>,
}

pub(crate) struct Archive {
    /// The top-level folder, with its trailing `/` (torch names it after the file stem, or
    /// `archive/`): torch itself takes it from the first entry.
    prefix: String,
    entries: HashMap<String, Entry>,
}

/// The first bytes of the file in hex, for the "not a checkpoint" message.
fn head(bytes: &[u8]) -> String {
    let shown: Vec<String> = bytes.iter().take(8).map(|b| format!("{b:02x}")).collect();
    if shown.is_empty() {
        "(the file is empty)".into()
    } else {
        shown.join(" ")
    }
}

/// With no decompression feature compiled in, the zip crate reports every method but Stored
/// by its number, through an API it deprecates in favour of constants that are not compiled
/// in either; the number and its standard name are what the user can act on.
#[allow(deprecated)]
fn method_name(method: CompressionMethod) -> String {
    let code = method.to_u16();
    format!("{} (method {code})", CompressionMethod::name_from_u16(code))
}

impl Archive {
    pub(crate) fn open(bytes: &[u8]) -> Result<Self, Error> {
        if !bytes.starts_with(b"PK") {
            // The legacy format is a bare sequence of pickles, whose first byte is PROTO.
            return Err(if bytes.first() == Some(&0x80) {
                Error::Legacy
            } else {
                Error::NotACheckpoint { found: head(bytes) }
            });
        }
        // The archive starts at byte 0: torch.save prepends nothing. The crate's default is to
        // guess a prepended offset, and a guess misreads some of torch's zip64 archives.
        let config = zip::read::Config {
            archive_offset: zip::read::ArchiveOffset::Known(0),
        };
        let mut zip = ZipArchive::with_config(config, Cursor::new(bytes))?;
        let mut prefix = None;
        let mut entries = HashMap::new();
        for i in 0..zip.len() {
            let file = zip.by_index_raw(i)?;
            let name = file.name()?.into_owned();
            let prefix = prefix.get_or_insert_with(|| match name.find('/') {
                Some(slash) => name[..=slash].to_owned(),
                None => String::new(),
            });
            let Some(rest) = name.strip_prefix(prefix.as_str()) else {
                continue;
            };
            let Some(offset) = file.data_start() else { continue };
            let stored = file.compression() == CompressionMethod::Stored && !file.encrypted();
            let stored_as = if stored && file.compressed_size() == file.size() {
                Ok(())
            } else {
                Err((file.encrypted(), file.compression()))
            };
            entries.insert(
                rest.to_owned(),
                Entry {
                    offset,
                    len: file.size(),
                    stored_as,
                },
            );
        }
        let prefix = prefix.unwrap_or_default();
        let archive = Archive { prefix, entries };
        if archive.entries.contains_key("constants.pkl") {
            return Err(Error::TorchScript);
        }
        if !archive.entries.contains_key("data.pkl") {
            return Err(Error::MissingEntry {
                entry: archive.full_name("data.pkl"),
            });
        }
        Ok(archive)
    }

    pub(crate) fn full_name(&self, name: &str) -> String {
        format!("{}{name}", self.prefix)
    }

    /// The entry's `(offset, len)` in the file, `None` if the archive lacks it.
    pub(crate) fn locate(&self, name: &str, file_len: usize) -> Result<Option<(u64, u64)>, Error> {
        let Some(entry) = self.entries.get(name) else {
            return Ok(None);
        };
        match entry.stored_as {
            Ok(()) => {}
            Err((true, _)) => {
                return Err(Error::Encrypted {
                    entry: self.full_name(name),
                })
            }
            Err((false, method)) => {
                let method = method_name(method);
                return Err(Error::Compressed {
                    entry: self.full_name(name),
                    method,
                });
            }
        }
        let end = entry.offset.checked_add(entry.len);
        if end.is_none_or(|end| end > file_len as u64) {
            let (offset, len) = (entry.offset, entry.len);
            return Err(Error::EntryOutOfBounds {
                entry: self.full_name(name),
                offset,
                len,
                file_len,
            });
        }
        Ok(Some((entry.offset, entry.len)))
    }

    pub(crate) fn read<'a>(&self, bytes: &'a [u8], name: &str) -> Result<Option<&'a [u8]>, Error> {
        let Some((offset, len)) = self.locate(name, bytes.len())? else {
            return Ok(None);
        };
        // `locate` checked the range against `bytes.len()`, so both fit in usize.
        let start = offset as usize;
        Ok(bytes.get(start..start + len as usize))
    }

    /// Big-endian checkpoints would need every element byte-swapped; refuse rather than
    /// hand out misread bytes. Files from before torch 1.10 have no entry: little-endian.
    pub(crate) fn check_byteorder(&self, bytes: &[u8]) -> Result<(), Error> {
        match self.read(bytes, "byteorder")? {
            None | Some(b"little") => Ok(()),
            Some(b"big") => Err(Error::BigEndian),
            Some(other) => Err(Error::BadByteorder {
                found: String::from_utf8_lossy(other).into_owned(),
            }),
        }
    }
}
