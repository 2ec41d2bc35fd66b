//! Parameters and buffers: shared, named-by-position tensors that a module owns.
//!
//! Both are handles to one shared tensor slot. Cloning a handle does not copy the tensor: it
//! gives a second handle to the same slot, which is how a parameter is tied (an embedding and
//! an lm_head sharing one weight, as assigning one `nn.Parameter` to two modules does in
//! PyTorch). Replacing the tensor in a slot (`to_empty`, `to`, loading) is seen through every
//! handle, so ties survive every move — also meta → cpu, where PyTorch unties.

#![forbid(unsafe_code)]

use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock, RwLockReadGuard, RwLockWriteGuard};

use crate::{DType, Device, Result, Tensor};

/// How a tensor is (re)initialized: what a derived constructor declares with `init = ...` and
/// what `reset_parameters` runs again. Implemented by [`crate::init::Init`].
pub trait Initializer: fmt::Debug + Send + Sync {
    /// Fills `t` in place. A no-op on meta.
    fn initialize(&self, t: &mut Tensor) -> Result<()>;
}

/// No declared initialization: `reset_parameters` leaves the tensor alone.
#[derive(Debug)]
struct NoInit;

impl Initializer for NoInit {
    fn initialize(&self, _: &mut Tensor) -> Result<()> {
        Ok(())
    }
}

/// The tensor, its flags and its declared init in ONE allocation (the init is the unsized
/// tail): building a 70B-parameter model on meta is hundreds of these, so each one counts.
struct Slot<I: ?Sized + Initializer> {
    tensor: RwLock<Tensor>,
    requires_grad: AtomicBool,
    /// Whether the tensor holds values someone wrote (`false` after `to_empty`).
    written: AtomicBool,
    /// The part of the whole tensor this process holds, once sharded.
    shard: RwLock<Option<Box<crate::shard::ShardInfo>>>,
    declared: bool,
    init: I,
}

/// A handle to a shared tensor slot: the common part of [`Parameter`] and [`Buffer`].
///
/// ```
/// use modules_core::{Device, SharedTensor, Tensor};
/// let a = SharedTensor::new(Tensor::zeros([2], Device::Cpu).unwrap());
/// let b = a.clone(); // the same slot
/// a.replace(Tensor::ones([3], Device::Cpu).unwrap());
/// assert_eq!(b.shape(), vec![3]);
/// assert!(a.same_slot(&b));
/// ```
#[derive(Clone)]
pub struct SharedTensor(Arc<Slot<dyn Initializer>>);

impl SharedTensor {
    /// A new slot holding `tensor`.
    pub fn new(tensor: Tensor) -> Self {
        SharedTensor(Arc::new(Slot {
            tensor: RwLock::new(tensor),
            requires_grad: AtomicBool::new(false),
            written: AtomicBool::new(true),
            shard: RwLock::new(None),
            declared: false,
            init: NoInit,
        }))
    }

    /// A new slot holding `tensor` that remembers how it is initialized.
    pub fn with_init<I: Initializer + 'static>(tensor: Tensor, init: I) -> Self {
        SharedTensor(Arc::new(Slot {
            tensor: RwLock::new(tensor),
            requires_grad: AtomicBool::new(false),
            written: AtomicBool::new(true),
            shard: RwLock::new(None),
            declared: true,
            init,
        }))
    }

    /// Reads the tensor.
    pub fn tensor(&self) -> RwLockReadGuard<'_, Tensor> {
        self.0.tensor.read().unwrap_or_else(|e| e.into_inner())
    }

    /// Writes the tensor (in place: every handle sees the change). Counts as a write for
    /// [`SharedTensor::is_written`].
    pub fn tensor_mut(&self) -> RwLockWriteGuard<'_, Tensor> {
        self.set_written(true);
        self.lock_mut()
    }

    /// The write lock, without counting as a write (moves and loads decide that themselves).
    pub(crate) fn lock_mut(&self) -> RwLockWriteGuard<'_, Tensor> {
        self.0.tensor.write().unwrap_or_else(|e| e.into_inner())
    }

    /// Puts another tensor in the slot, returning the old one. Counts as a write.
    pub fn replace(&self, tensor: Tensor) -> Tensor {
        std::mem::replace(&mut *self.tensor_mut(), tensor)
    }

    /// Puts another tensor in the slot and records whether it holds written values.
    pub(crate) fn swap_in(&self, tensor: Tensor, written: bool) -> Tensor {
        let old = std::mem::replace(&mut *self.lock_mut(), tensor);
        self.set_written(written);
        old
    }

    /// Whether the tensor holds values: written by its declared init, a load, the user
    /// (`tensor_mut`, `replace`), or given at construction. `false` from `to_empty` (and so
    /// `skip_init`) until one of those happens, and always `false` on meta, which has no values.
    ///
    /// ```
    /// use modules_core::{Device, SharedTensor, Tensor};
    /// let s = SharedTensor::new(Tensor::zeros([2], Device::Cpu).unwrap());
    /// assert!(s.is_written());
    /// ```
    pub fn is_written(&self) -> bool {
        self.0.written.load(Ordering::Relaxed) && self.device() != Device::Meta
    }

    /// The part of the whole tensor this process holds, if the module was sharded
    /// (`Shard::shard`); `None` for a whole (or replicated) tensor.
    pub fn shard_info(&self) -> Option<crate::shard::ShardInfo> {
        self.0
            .shard
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .as_deref()
            .cloned()
    }

    /// The whole tensor's shape: the local shape unless the tensor is sharded.
    pub fn global_shape(&self) -> Vec<usize> {
        self.shard_info().map_or_else(|| self.shape(), |s| s.global_shape)
    }

    pub(crate) fn set_shard(&self, info: Option<crate::shard::ShardInfo>) {
        *self.0.shard.write().unwrap_or_else(|e| e.into_inner()) = info.map(Box::new);
    }

    pub(crate) fn set_written(&self, written: bool) {
        self.0.written.store(written, Ordering::Relaxed)
    }

    /// The shape.
    pub fn shape(&self) -> Vec<usize> {
        self.tensor().shape().to_vec()
    }

    /// The dtype.
    pub fn dtype(&self) -> DType {
        self.tensor().dtype()
    }

    /// The device.
    pub fn device(&self) -> Device {
        self.tensor().device()
    }

    /// Number of elements.
    pub fn numel(&self) -> usize {
        self.tensor().numel()
    }

    /// Whether two handles share one slot (are tied).
    pub fn same_slot(&self, other: &SharedTensor) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }

    /// An identity for the slot, stable while it lives (used to list tied tensors once).
    pub fn slot_id(&self) -> usize {
        Arc::as_ptr(&self.0) as *const () as usize
    }

    /// The declared initialization, if any.
    pub fn init(&self) -> Option<&dyn Initializer> {
        self.0.declared.then_some(&self.0.init)
    }

    /// Runs the declared initialization, if any. Returns whether there was one.
    pub fn reinitialize(&self) -> Result<bool> {
        match self.init() {
            Some(init) => init.initialize(&mut self.tensor_mut()).map(|_| true),
            None => Ok(false),
        }
    }
}

/// A trainable tensor of a module (`nn.Parameter`). `requires_grad` defaults to `true`.
///
/// `Clone` gives a second handle to the same parameter (a tie), not a copy.
///
/// ```
/// use modules_core::{Device, Parameter, Tensor};
/// let w = Parameter::new(Tensor::zeros([2, 3], Device::Cpu).unwrap());
/// assert!(w.requires_grad());
/// let tied = w.clone();
/// assert!(tied.is_tied_to(&w));
/// ```
#[derive(Clone)]
pub struct Parameter(SharedTensor);

impl Parameter {
    /// A parameter with `requires_grad = true`.
    pub fn new(tensor: Tensor) -> Self {
        let s = SharedTensor::new(tensor);
        s.0.requires_grad.store(true, Ordering::Relaxed);
        Parameter(s)
    }

    /// A parameter that remembers how it was initialized, for `reset_parameters`.
    pub fn with_init<I: Initializer + 'static>(tensor: Tensor, init: I) -> Self {
        let s = SharedTensor::with_init(tensor, init);
        s.0.requires_grad.store(true, Ordering::Relaxed);
        Parameter(s)
    }

    /// Whether gradients are tracked for it (kept by `to_empty`, `to` and loading).
    pub fn requires_grad(&self) -> bool {
        self.0 .0.requires_grad.load(Ordering::Relaxed)
    }

    /// Sets `requires_grad` (for every tied handle).
    pub fn set_requires_grad(&self, requires_grad: bool) {
        self.0 .0.requires_grad.store(requires_grad, Ordering::Relaxed)
    }

    /// Whether both handles are one parameter.
    pub fn is_tied_to(&self, other: &Parameter) -> bool {
        self.0.same_slot(&other.0)
    }

    /// The shared slot.
    pub fn shared(&self) -> &SharedTensor {
        &self.0
    }
}

impl std::ops::Deref for Parameter {
    type Target = SharedTensor;
    fn deref(&self) -> &SharedTensor {
        &self.0
    }
}

/// A tensor a module keeps that is not trained (`register_buffer`): running statistics,
/// counters, rotary tables. Persistent buffers (the default) are in state dicts;
/// non-persistent ones move with the module but are left out of them.
///
/// ```
/// use modules_core::{Buffer, Device, Tensor};
/// let b = Buffer::non_persistent(Tensor::zeros([4], Device::Cpu).unwrap());
/// assert!(!b.persistent());
/// ```
#[derive(Clone)]
pub struct Buffer {
    shared: SharedTensor,
    persistent: bool,
}

impl Buffer {
    /// A persistent buffer.
    pub fn new(tensor: Tensor) -> Self {
        Buffer {
            shared: SharedTensor::new(tensor),
            persistent: true,
        }
    }

    /// A buffer left out of state dicts.
    pub fn non_persistent(tensor: Tensor) -> Self {
        Buffer {
            shared: SharedTensor::new(tensor),
            persistent: false,
        }
    }

    /// A buffer that remembers how it was initialized, for `reset_parameters`.
    pub fn with_init<I: Initializer + 'static>(tensor: Tensor, init: I, persistent: bool) -> Self {
        Buffer {
            shared: SharedTensor::with_init(tensor, init),
            persistent,
        }
    }

    /// Whether it belongs in state dicts.
    pub fn persistent(&self) -> bool {
        self.persistent
    }

    /// The shared slot.
    pub fn shared(&self) -> &SharedTensor {
        &self.shared
    }
}

impl std::ops::Deref for Buffer {
    type Target = SharedTensor;
    fn deref(&self) -> &SharedTensor {
        &self.shared
    }
}

impl fmt::Debug for SharedTensor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.tensor(), f)
    }
}

impl fmt::Debug for Parameter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Parameter").field(&*self.tensor()).finish()
    }
}

impl fmt::Debug for Buffer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Buffer")
            .field("tensor", &*self.tensor())
            .field("persistent", &self.persistent)
            .finish()
    }
}

/// PyTorch's `repr(param)`: `Parameter containing:\ntensor([...], requires_grad=True)`.
impl fmt::Display for Parameter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&crate::tensor::print::format_parameter(
            &self.tensor(),
            self.requires_grad(),
        ))
    }
}

/// The tensor, as PyTorch prints a buffer.
impl fmt::Display for Buffer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&*self.tensor(), f)
    }
}

/// The tensor in the slot.
impl fmt::Display for SharedTensor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&*self.tensor(), f)
    }
}
