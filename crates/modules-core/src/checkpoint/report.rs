//! What a load did, in PyTorch's `_IncompatibleKeys` wording.

use std::fmt;

/// The result of a load or a dry run.
///
/// `Display` is PyTorch's `_IncompatibleKeys` repr, and `<All keys matched successfully>` when
/// nothing is missing or unexpected.
///
/// ```
/// use modules_core::checkpoint::LoadReport;
/// let r = LoadReport { missing: vec!["head.bias".into()], ..LoadReport::default() };
/// assert_eq!(r.to_string(), "_IncompatibleKeys(missing_keys=['head.bias'], unexpected_keys=[])");
/// assert_eq!(LoadReport::default().to_string(), "<All keys matched successfully>");
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LoadReport {
    /// Module keys the checkpoint does not have, in module order. A tied tensor found under
    /// any of its names is not missing.
    pub missing: Vec<String>,
    /// Checkpoint keys (after key mapping) the module does not have, in checkpoint order.
    pub unexpected: Vec<String>,
    /// Tensors written (in a dry run: that would be written).
    pub tensors: usize,
    /// Bytes written into the module's tensors (in a dry run: that would be written).
    pub bytes: u64,
    /// Checkpoint keys outside `strip_prefix`, neither loaded nor unexpected.
    pub skipped: usize,
    /// Checkpoint keys of the module's non-persistent buffers (`position_ids`, `inv_freq`):
    /// some checkpoints carry them, some do not. They are neither loaded, required nor
    /// unexpected, as in transformers.
    pub ignored: Vec<String>,
}

impl LoadReport {
    /// Whether every key matched.
    pub fn is_complete(&self) -> bool {
        self.missing.is_empty() && self.unexpected.is_empty()
    }
}

fn py_list(keys: &[String]) -> String {
    let items: Vec<String> = keys.iter().map(|k| format!("'{k}'")).collect();
    format!("[{}]", items.join(", "))
}

impl fmt::Display for LoadReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_complete() {
            return f.write_str("<All keys matched successfully>");
        }
        write!(
            f,
            "_IncompatibleKeys(missing_keys={}, unexpected_keys={})",
            py_list(&self.missing),
            py_list(&self.unexpected)
        )
    }
}
