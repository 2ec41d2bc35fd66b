//! How a checkpoint is matched to a module and written into it.

use std::borrow::Cow;
use std::fmt;

use crate::DType;

type Rename = Box<dyn Fn(&str) -> String + Send + Sync>;
type Progress<'p> = Box<dyn FnMut(u64, u64) + 'p>;

/// Options of a load, built by value: `LoadOptions::strict().cast_floats().strip_prefix("bert.")`.
///
/// Keys of the checkpoint are mapped to module names in this order: `strip_prefix`, then
/// `add_prefix`, then `rename`. With `strip_prefix(p)`, keys that do not start with `p` are
/// outside the load: neither loaded nor reported as unexpected (counted in
/// [`LoadReport::skipped`](crate::checkpoint::LoadReport::skipped)), so a sub-module loads its
/// part of a whole model's file under `strict()`.
///
/// ```
/// use modules_core::checkpoint::LoadOptions;
/// use modules_core::DType;
/// let o = LoadOptions::non_strict()
///     .cast(DType::F32)
///     .strip_prefix("model.")
///     .rename(|k| k.replace("gamma", "weight"))
///     .init_missing(true);
/// assert!(!o.is_strict());
/// assert_eq!(o.map_key("model.norm.gamma").as_deref(), Some("norm.weight"));
/// assert_eq!(o.map_key("lm_head.weight"), None); // outside the prefix
/// ```
pub struct LoadOptions<'p> {
    pub(crate) strict: bool,
    pub(crate) cast_floats: bool,
    pub(crate) cast_from: Vec<DType>,
    pub(crate) strip_prefix: Option<String>,
    pub(crate) add_prefix: Option<String>,
    pub(crate) rename: Option<Rename>,
    pub(crate) zero_copy: bool,
    pub(crate) progress: Option<Progress<'p>>,
    /// The last `(done, total)` reported, so that no report is repeated.
    pub(crate) reported: Option<(u64, u64)>,
    pub(crate) init_missing: bool,
}

impl<'p> LoadOptions<'p> {
    /// Missing and unexpected keys are an error, as `load_state_dict(strict=True)`.
    pub fn strict() -> Self {
        LoadOptions {
            strict: true,
            cast_floats: false,
            cast_from: Vec::new(),
            strip_prefix: None,
            add_prefix: None,
            rename: None,
            zero_copy: false,
            progress: None,
            reported: None,
            init_missing: false,
        }
    }

    /// Missing and unexpected keys are only reported. Shape and dtype mismatches are still
    /// errors, as in PyTorch.
    pub fn non_strict() -> Self {
        LoadOptions {
            strict: false,
            ..LoadOptions::strict()
        }
    }

    /// Converts checkpoint tensors of dtype `from` into the module's dtype (round to nearest
    /// even). Allowed: float to float, and an integer or bool to a wider signed integer or to a
    /// float that holds it exactly. Without a cast option, dtypes must match exactly.
    pub fn cast(mut self, from: DType) -> Self {
        self.cast_from.push(from);
        self
    }

    /// Converts any floating-point checkpoint tensor into the module's floating-point dtype.
    pub fn cast_floats(mut self) -> Self {
        self.cast_floats = true;
        self
    }

    /// Removes `prefix` from checkpoint keys; keys without it are skipped (see above).
    pub fn strip_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.strip_prefix = Some(prefix.into());
        self
    }

    /// Puts `prefix` before every checkpoint key.
    pub fn add_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.add_prefix = Some(prefix.into());
        self
    }

    /// Maps each checkpoint key (after the prefixes) to a module name.
    pub fn rename(mut self, f: impl Fn(&str) -> String + Send + Sync + 'static) -> Self {
        self.rename = Some(Box::new(f));
        self
    }

    /// On the CPU, parameters become views of a private (copy-on-write) mapping of the file
    /// instead of copies: loading costs a header parse and the page cache is shared. Writes go
    /// to the process's own pages, never to the file. Tensors that need a cast, whose data is
    /// misaligned for their dtype, or that live on a GPU are copied as usual. A meta module
    /// can be loaded this way (PyTorch's `assign=True`): its tensors land on the CPU.
    ///
    /// **The mmap contract** (memmap2's, safetensors' `safe_open`, PyTorch's `mmap=True`): the
    /// file must not change while views of it live.
    /// - Another process rewriting it in place changes the values of the views whose pages
    ///   this process has not written (a private mapping shares unwritten pages with the
    ///   page cache). Only dtypes that accept every bit pattern are viewed; bool tensors are
    ///   always copied and checked, so a rewrite can give wrong values, never invalid ones.
    /// - Truncating it makes the next read of a page past the new end raise SIGBUS, which
    ///   ends the process.
    /// - Replacing it by rename (what `save_safetensors` and most tools do) is safe: the views
    ///   keep the old file's pages.
    ///
    /// This is a safe method, unlike candle's `MmapedSafetensors::new`, because what breaks
    /// the contract is another process, which no `unsafe` block at the call site can check,
    /// and because within this process the views can only ever hold valid values; the
    /// remaining hazard, SIGBUS on truncation, ends the process rather than corrupting it.
    pub fn zero_copy(mut self, zero_copy: bool) -> Self {
        self.zero_copy = zero_copy;
        self
    }

    /// Strips `prefix` unless the options already strip one (a layout's default prefix).
    pub(crate) fn or_strip_prefix(self, prefix: Option<&str>) -> Self {
        match prefix {
            Some(p) if self.strip_prefix.is_none() => self.strip_prefix(p),
            _ => self,
        }
    }

    /// Called with `(done_bytes, total_bytes)` as the data is written, on the calling thread.
    pub fn progress(mut self, f: impl FnMut(u64, u64) + 'p) -> Self {
        self.progress = Some(Box::new(f));
        self
    }

    /// After the load, runs the declared init of every tensor that is still unwritten (see
    /// [`Checkpoint::uninitialized`](crate::checkpoint::Checkpoint::uninitialized)): missing
    /// keys of a non-strict load and non-persistent buffers, which no checkpoint holds.
    pub fn init_missing(mut self, init_missing: bool) -> Self {
        self.init_missing = init_missing;
        self
    }

    /// Whether missing and unexpected keys are errors.
    pub fn is_strict(&self) -> bool {
        self.strict
    }

    /// The module name a checkpoint key maps to, or `None` when it is outside `strip_prefix`.
    pub fn map_key<'k>(&self, key: &'k str) -> Option<Cow<'k, str>> {
        let key = match &self.strip_prefix {
            Some(p) => key.strip_prefix(p.as_str())?,
            None => key,
        };
        let key = match &self.add_prefix {
            Some(p) => Cow::Owned(format!("{p}{key}")),
            None => Cow::Borrowed(key),
        };
        Some(match &self.rename {
            Some(f) => Cow::Owned(f(&key)),
            None => key,
        })
    }

    /// Whether a checkpoint tensor of dtype `from` may be written into one of dtype `to`.
    pub(crate) fn allows_cast(&self, from: DType, to: DType) -> bool {
        from == to
            || (super::cast::is_lossless_or_float(from, to)
                && (self.cast_from.contains(&from) || (self.cast_floats && from.is_float() && to.is_float())))
    }

    pub(crate) fn report_progress(&mut self, done: u64, total: u64) {
        if let Some(f) = &mut self.progress {
            if self.reported != Some((done, total)) {
                self.reported = Some((done, total));
                f(done, total)
            }
        }
    }
}

impl Default for LoadOptions<'_> {
    /// [`LoadOptions::strict`].
    fn default() -> Self {
        LoadOptions::strict()
    }
}

impl fmt::Debug for LoadOptions<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LoadOptions")
            .field("strict", &self.strict)
            .field("cast_floats", &self.cast_floats)
            .field("cast_from", &self.cast_from)
            .field("strip_prefix", &self.strip_prefix)
            .field("add_prefix", &self.add_prefix)
            .field("rename", &self.rename.is_some())
            .field("zero_copy", &self.zero_copy)
            .field("progress", &self.progress.is_some())
            .field("init_missing", &self.init_missing)
            .finish()
    }
}
