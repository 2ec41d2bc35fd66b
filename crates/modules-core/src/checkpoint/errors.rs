//! The two errors every reader of a checkpoint builds: a bad file (naming the tensor where
//! there is one) and a failed read.

use std::path::Path;

use crate::Error;

pub(crate) fn bad(file: &Path, tensor: Option<&str>, message: impl Into<String>) -> Error {
    Error::BadCheckpoint {
        file: file.to_path_buf(),
        tensor: tensor.map(str::to_string),
        message: message.into(),
    }
}

pub(crate) fn io(path: &Path) -> impl FnOnce(std::io::Error) -> Error + '_ {
    move |source| Error::Io {
        path: path.to_path_buf(),
        source,
    }
}
