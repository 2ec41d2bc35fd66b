//! Checkpoints: loading state dicts and safetensors files into a module, checking them without
//! loading, and saving — strict, all or nothing, zero-copy on request.
//!
//! Every method is on [`Checkpoint`], implemented for every [`Module`] (the prelude brings it
//! in). A load checks every key, shape, dtype, tie and byte range before it writes the first
//! byte: a failed load leaves every tensor as it was.

mod apply;
mod cast;
mod dequant;
mod errors;
mod file;
mod format;
mod header;
mod header_entry;
mod header_fast;
#[cfg(test)]
mod header_fast_tests;
mod index;
mod layout;
mod load_plan;
mod options;
mod pieces;
mod rank_parts;
mod report;
mod save;
mod sources;
mod spans;
mod state_dict;
mod torch;

use std::path::{Path, PathBuf};

pub use options::LoadOptions;
pub use report::LoadReport;

use crate::module::{named_slots, NamedSlot};
use crate::{Module, Result, StateDict};
use file::{OpenFile, SourceTensor};
use layout::Layout;

/// Loading and saving checkpoints, for every [`Module`].
///
/// ```
/// use modules_core::checkpoint::{Checkpoint, LoadOptions};
/// use modules_core::{Device, Module, ModuleExt, Parameter, Part, Tensor, Visitor};
///
/// struct Scale { w: Parameter }
/// impl Module for Scale {
///     fn type_name(&self) -> &str { "Scale" }
///     fn visit<'a>(&'a self, v: &mut dyn Visitor<'a>) { self.w.visit_part("w", v) }
/// }
///
/// let dir = std::env::temp_dir().join(format!("checkpoint-doc-{}", std::process::id()));
/// std::fs::create_dir_all(&dir)?;
/// let path = dir.join("scale.safetensors");
/// let a = Scale { w: Parameter::new(Tensor::from_slice(&[1f32, 2., 3.], [3], Device::Cpu)?) };
/// a.save_safetensors(&path)?;
///
/// let mut b = Scale { w: Parameter::new(Tensor::empty([3], Device::Meta)?) };
/// b.to_empty(Device::Cpu)?;                     // what skip_init! does
/// assert_eq!(b.uninitialized(), ["w"]);
/// let report = b.load_safetensors(&path, LoadOptions::strict())?;
/// assert!(report.is_complete() && b.uninitialized().is_empty());
/// assert_eq!(b.w.tensor().to_vec::<f32>()?, [1., 2., 3.]);
/// # std::fs::remove_dir_all(&dir)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub trait Checkpoint: Module {
    /// Loads a state dict (`load_state_dict`). The dict's tensors may be on any device but meta.
    fn load_state_dict(&mut self, state_dict: &StateDict, options: LoadOptions<'_>) -> Result<LoadReport> {
        let holders = state_dict::hold(state_dict, &named_slots(self), &options)?;
        let sources = state_dict::sources(&holders);
        load(self, &[], &sources, options)
    }

    /// Loads whatever `path` holds, decided by its content, not its extension:
    /// - a safetensors file, or a `model.safetensors.index.json`;
    /// - PEFT's `adapter_model.safetensors` (its `base_model.model.` prefix stripped unless the
    ///   options strip another);
    /// - a `torch.save` file (`pytorch_model.bin`, `.pt`, `.pth`) or `pytorch_model.bin.index.json`,
    ///   read without running any of its pickle code: only the globals a state dict needs are
    ///   accepted, and any other (`os.system`, `builtins.eval`, ...) is an error naming it;
    /// - a folder holding one of these (`model.safetensors`, `consolidated.safetensors`, an
    ///   index, `pytorch_model.bin`, or a single checkpoint file). A folder with none is an
    ///   error listing what it holds.
    ///
    /// ```
    /// use modules_core::checkpoint::{Checkpoint, LoadOptions};
    /// use modules_core::{Device, Module, Parameter, Part, Tensor, Visitor};
    ///
    /// struct Scale { w: Parameter }
    /// impl Module for Scale {
    ///     fn type_name(&self) -> &str { "Scale" }
    ///     fn visit<'a>(&'a self, v: &mut dyn Visitor<'a>) { self.w.visit_part("w", v) }
    /// }
    /// let dir = std::env::temp_dir().join(format!("load-doc-{}", std::process::id()));
    /// std::fs::create_dir_all(&dir)?;
    /// let a = Scale { w: Parameter::new(Tensor::from_slice(&[1f32, 2., 3.], [3], Device::Cpu)?) };
    /// a.save_safetensors(dir.join("model.safetensors"))?;
    /// let mut b = Scale { w: Parameter::new(Tensor::zeros([3], Device::Cpu)?) };
    /// assert!(b.load(&dir, LoadOptions::strict())?.is_complete()); // the folder
    /// assert_eq!(b.w.tensor().to_vec::<f32>()?, [1., 2., 3.]);
    /// # std::fs::remove_dir_all(&dir)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    fn load(&mut self, path: impl AsRef<Path>, options: LoadOptions<'_>) -> Result<LoadReport> {
        with_checkpoint(path.as_ref(), false, |files, sources, prefix| {
            load(self, files, sources, options.or_strip_prefix(prefix))
        })
    }

    /// The report [`load`](Checkpoint::load) would give, reading headers (and a `.bin`'s
    /// pickle) only: nothing is written, and a meta module can be checked.
    fn check(&self, path: impl AsRef<Path>, options: LoadOptions<'_>) -> Result<LoadReport> {
        with_checkpoint(path.as_ref(), true, |_, sources, prefix| {
            let slots = named_slots(self);
            let options = options.or_strip_prefix(prefix);
            let plan = load_plan::plan(self.type_name(), &slots, sources, &options, true)?;
            let bytes = plan.writes.iter().map(|w| w.bytes).sum();
            Ok(report(plan, bytes))
        })
    }

    /// Loads a `.safetensors` file, a sharded checkpoint's `model.safetensors.index.json`, or
    /// a directory holding either. Strict or not, shape and dtype mismatches are errors.
    fn load_safetensors(&mut self, path: impl AsRef<Path>, options: LoadOptions<'_>) -> Result<LoadReport> {
        let (files, index) = index::open_path(path.as_ref())?;
        let sources = sources::all_tensors(&files, index.as_ref())?;
        load(self, &files, &sources, options)
    }

    /// Loads safetensors bytes held in memory; `label` names them in errors.
    fn load_safetensors_bytes(
        &mut self,
        bytes: &[u8],
        label: &str,
        options: LoadOptions<'_>,
    ) -> Result<LoadReport> {
        let files = [OpenFile::from_bytes(label, bytes)];
        let sources = sources::all_tensors(&files, None)?;
        load(self, &files, &sources, options)
    }

    /// The report a load would give — keys, shapes, dtypes and casts checked — without writing
    /// anything. Reads only headers, so it works on a meta module and takes microseconds for
    /// a 70B model. Unlike a load it cannot compare the bytes of a tie stored twice.
    fn check_safetensors(&self, path: impl AsRef<Path>, options: LoadOptions<'_>) -> Result<LoadReport> {
        let (files, index) = index::open_path(path.as_ref())?;
        let sources = sources::all_tensors(&files, index.as_ref())?;
        let slots = named_slots(self);
        let plan = load_plan::plan(self.type_name(), &slots, &sources, &options, true)?;
        let bytes = plan.writes.iter().map(|w| w.bytes).sum();
        Ok(report(plan, bytes))
    }

    /// Writes every parameter and persistent buffer to one safetensors file, each tied tensor
    /// once under its first name, with `__metadata__` `{"format": "pt"}` (loadable by
    /// `safetensors.torch.load_file`). GPU tensors are copied to the host first.
    fn save_safetensors(&self, path: impl AsRef<Path>) -> Result<()> {
        save::save_file(&named_slots(self), path.as_ref())
    }

    /// Writes Hugging Face's sharded layout into `dir`: `model-00001-of-0000N.safetensors`
    /// files of at most `max_shard_bytes` each and `model.safetensors.index.json`; a model that
    /// fits one shard is written as `model.safetensors` alone. Returns the files written.
    fn save_safetensors_sharded(
        &self,
        dir: impl AsRef<Path>,
        max_shard_bytes: usize,
    ) -> Result<Vec<PathBuf>> {
        save::save_sharded(&named_slots(self), dir.as_ref(), max_shard_bytes)
    }

    /// Writes this rank's part of a sharded module (`Shard::shard`) into `dir` as
    /// `model-rank0000R-of-0000W.safetensors`; rank 0 also writes the replicated tensors and a
    /// `model.safetensors.index.json` from which one process loads the whole model back.
    /// Returns the files this rank wrote.
    fn save_safetensors_rank(
        &self,
        dir: impl AsRef<Path>,
        rank: &crate::shard::Rank,
    ) -> Result<Vec<PathBuf>> {
        save::save_rank(&named_slots(self), dir.as_ref(), rank)
    }

    /// Names of the tensors that hold no written values: allocated by `to_empty`/`skip_init!`
    /// and not written since by a load, their declared init or the user — and every tensor on
    /// meta. Non-persistent buffers included (no checkpoint fills them). Tied tensors are
    /// listed once, under their first name.
    fn uninitialized(&self) -> Vec<String> {
        unwritten(&named_slots(self)).map(|s| s.name.clone()).collect()
    }
}

impl<M: Module + ?Sized> Checkpoint for M {}

/// Opens whatever `path` holds ([`layout::detect`]) and hands its files and tensors to `f`,
/// with the key prefix to strip by default. A dry run does not gather strided `.bin` views.
fn with_checkpoint<R>(
    path: &Path,
    dry_run: bool,
    f: impl FnOnce(&[OpenFile<'_>], &[SourceTensor<'_>], Option<&'static str>) -> Result<R>,
) -> Result<R> {
    let (p, prefix) = match layout::detect(path)? {
        Layout::Safetensors(p) => (p, None),
        Layout::Adapter(p) => (p, Some(layout::PEFT_PREFIX)),
        Layout::Torch(p) => return with_torch(&p, false, dry_run, f),
        Layout::TorchIndex(p) => return with_torch(&p, true, dry_run, f),
    };
    let (files, index) = index::open_path(&p)?;
    let sources = sources::all_tensors(&files, index.as_ref())?;
    f(&files, &sources, prefix)
}

fn with_torch<R>(
    path: &Path,
    is_index: bool,
    dry_run: bool,
    f: impl FnOnce(&[OpenFile<'_>], &[SourceTensor<'_>], Option<&'static str>) -> Result<R>,
) -> Result<R> {
    let opened = torch::open(path, is_index)?;
    let gathered = if dry_run {
        vec![Vec::new(); torch::strided_count(&opened.parsed)]
    } else {
        opened.gather()?
    };
    let torch::TorchFiles { files: real, parsed } = opened;
    let label = path.display().to_string();
    let mut files: Vec<OpenFile<'_>> = real;
    files.extend(gathered.iter().map(|g| OpenFile::from_bytes(&label, g)));
    let sources = torch::sources(&parsed, &files);
    f(&files, &sources, None)
}

fn report(plan: load_plan::Plan<'_>, bytes: u64) -> LoadReport {
    LoadReport {
        tensors: plan.writes.len(),
        bytes,
        skipped: plan.skipped,
        missing: plan.missing,
        unexpected: plan.unexpected,
        ignored: plan.ignored,
    }
}

fn load<M: Module + ?Sized>(
    m: &M,
    files: &[OpenFile<'_>],
    sources: &[SourceTensor<'_>],
    mut options: LoadOptions<'_>,
) -> Result<LoadReport> {
    let slots = named_slots(m);
    let plan = load_plan::plan(m.type_name(), &slots, sources, &options, false)?;
    let bytes = apply::apply(&plan, sources, files, &mut options).map_err(|(cause, written)| {
        if written.is_empty() {
            return cause;
        }
        let name_of = |i: usize| {
            let id = plan.writes[i].slot.slot_id();
            slots
                .iter()
                .find(|s| s.slot.slot_id() == id)
                .map_or_else(String::new, |s| s.name.clone())
        };
        crate::Error::PartialLoad {
            cause: Box::new(cause),
            written: written.into_iter().map(name_of).collect(),
        }
    })?;
    if options.init_missing {
        init_unwritten(&slots)?;
    }
    Ok(report(plan, bytes))
}

/// The slots that hold no written values, each once under its first name, in module order.
fn unwritten<'s, 'm>(slots: &'s [NamedSlot<'m>]) -> impl Iterator<Item = &'s NamedSlot<'m>> {
    let mut seen = std::collections::HashSet::new();
    slots
        .iter()
        .filter(move |s| seen.insert(s.slot.slot_id()) && !s.slot.is_written())
}

/// Runs the declared init of every slot still unwritten.
fn init_unwritten(slots: &[NamedSlot<'_>]) -> Result<()> {
    for s in unwritten(slots) {
        s.slot.reinitialize()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests;
