//! The generator state (a seed and a block offset) and the process-wide default generator.

use std::cell::RefCell;
use std::sync::{Mutex, MutexGuard};

/// PyTorch's default seed of the CPU generator (`torch.initial_seed()` in a fresh process).
pub const DEFAULT_SEED: u64 = 67280421310721;

/// A counter-based generator: a seed (the Philox key) and an offset counted in blocks.
///
/// Drawing never computes values here: a fill [`reserve`](Generator::reserve)s the blocks it will
/// use and computes them from its own counters, so fills are deterministic whatever the number of
/// threads, and the same reservation can be handed to a GPU kernel. This is PyTorch's
/// `torch.Generator`, passed to the `init` functions as their `generator` argument.
///
/// ```
/// use modules_core::rng::Generator;
/// let mut g = Generator::new(42);
/// assert_eq!(g.reserve(10), 0);
/// assert_eq!(g.reserve(5), 10);
/// assert_eq!((g.seed(), g.offset()), (42, 15));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Generator {
    seed: u64,
    offset: u64,
}

impl Generator {
    /// A generator at the start of the stream of `seed`.
    pub fn new(seed: u64) -> Generator {
        Generator { seed, offset: 0 }
    }

    /// The seed (the Philox key).
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The next block to hand out.
    pub fn offset(&self) -> u64 {
        self.offset
    }

    /// Restarts the stream of `seed` (`torch.Generator.manual_seed`).
    ///
    /// ```
    /// use modules_core::rng::Generator;
    /// let mut g = Generator::new(1);
    /// g.reserve(3);
    /// g.manual_seed(7);
    /// assert_eq!(g, Generator::new(7));
    /// ```
    pub fn manual_seed(&mut self, seed: u64) {
        *self = Generator::new(seed);
    }

    /// Reserves `blocks` blocks and returns the first; later reservations start after them.
    ///
    /// # Panics
    /// If the offset would pass `u64::MAX` blocks (2^66 values: it cannot happen in practice,
    /// and wrapping around would silently repeat values).
    ///
    /// ```
    /// use modules_core::rng::Generator;
    /// let mut g = Generator::new(0);
    /// let a = g.reserve(4);
    /// let b = g.reserve(1);
    /// assert!(a + 4 <= b);
    /// ```
    pub fn reserve(&mut self, blocks: u64) -> u64 {
        let start = self.offset;
        self.offset = start
            .checked_add(blocks)
            .expect("the Philox stream of this seed is exhausted (2^64 blocks)");
        start
    }
}

impl Default for Generator {
    /// A generator seeded with PyTorch's default seed, [`DEFAULT_SEED`].
    fn default() -> Generator {
        Generator::new(DEFAULT_SEED)
    }
}

static DEFAULT: Mutex<Generator> = Mutex::new(Generator {
    seed: DEFAULT_SEED,
    offset: 0,
});

/// The process-wide generator that the `init` functions use when given no generator
/// (`torch.default_generator`). Hold the guard briefly: fills only lock it to reserve blocks.
///
/// ```
/// use modules_core::rng::{default_generator, manual_seed};
/// manual_seed(3);
/// let g = default_generator();
/// assert_eq!(g.seed(), 3);
/// ```
pub fn default_generator() -> MutexGuard<'static, Generator> {
    // A panic while holding the lock cannot leave a half-written Generator (two plain integers
    // assigned together), so a poisoned lock is safe to reuse.
    DEFAULT.lock().unwrap_or_else(|e| e.into_inner())
}

thread_local! {
    /// This thread's stand-in for the default generator, while a [`GeneratorScope`] lives.
    static SCOPED: RefCell<Option<Generator>> = const { RefCell::new(None) };
}

/// Reseeds the default generator (`torch.manual_seed`): the same seed gives the same values.
/// Inside a [`GeneratorScope`] it reseeds the scope's generator instead.
///
/// ```
/// use modules_core::rng::{default_generator, manual_seed};
/// manual_seed(11);
/// assert_eq!(default_generator().offset(), 0);
/// ```
pub fn manual_seed(seed: u64) {
    let scoped = SCOPED.with(|s| s.borrow_mut().as_mut().map(|g| g.manual_seed(seed)).is_some());
    if !scoped {
        default_generator().manual_seed(seed);
    }
}

/// While it lives, this thread draws from its own generator wherever the default generator
/// would be used: the declared inits of constructors (`new!`, `X::new`), `reset_parameters`,
/// and every `init` function given no generator. Other threads are not affected, so code and
/// tests that construct modules on several threads get reproducible values without a lock.
/// Scopes nest; dropping one restores the one before.
///
/// ```
/// use modules_core::rng::{scoped_generator, Generator};
/// use modules_core::{init, Device, Tensor};
/// let draw = || {
///     let _rng = scoped_generator(Generator::new(5));
///     let mut t = Tensor::empty([4], Device::Cpu).unwrap();
///     init::normal_(&mut t, 0.0, 1.0, None).unwrap();
///     t.to_vec::<f32>().unwrap()
/// };
/// let other = std::thread::spawn(draw);
/// assert_eq!(draw(), other.join().unwrap());
/// ```
pub fn scoped_generator(generator: Generator) -> GeneratorScope {
    GeneratorScope {
        previous: SCOPED.with(|s| s.replace(Some(generator))),
    }
}

/// Runs `f` with `generator` as this thread's default generator (see [`scoped_generator`]),
/// leaving `generator` where `f`'s draws left it: `new!(..., generator = &mut g)`.
///
/// ```
/// use modules_core::rng::{with_generator, Generator};
/// use modules_core::{init, Device, Tensor};
/// let mut g = Generator::new(1);
/// let mut t = Tensor::empty([8], Device::Cpu).unwrap();
/// with_generator(&mut g, || init::uniform_(&mut t, 0.0, 1.0, None)).unwrap();
/// assert!(g.offset() > 0);
/// ```
pub fn with_generator<R>(generator: &mut Generator, f: impl FnOnce() -> R) -> R {
    let scope = scoped_generator(generator.clone());
    let out = f();
    if let Some(g) = scope.current() {
        *generator = g;
    }
    out
}

/// The guard of [`scoped_generator`].
#[must_use = "the scope ends when the guard is dropped"]
pub struct GeneratorScope {
    previous: Option<Generator>,
}

impl GeneratorScope {
    /// The scope's generator as it is now.
    pub fn current(&self) -> Option<Generator> {
        SCOPED.with(|s| s.borrow().clone())
    }
}

impl Drop for GeneratorScope {
    fn drop(&mut self) {
        SCOPED.with(|s| *s.borrow_mut() = self.previous.take());
    }
}

/// Reserves `blocks` blocks of `generator`, or of the default generator (this thread's scoped
/// one, if any) when it is `None`, and returns the seed and the first block.
pub(crate) fn reserve_in(generator: Option<&mut Generator>, blocks: u64) -> (u64, u64) {
    match generator {
        Some(g) => (g.seed(), g.reserve(blocks)),
        None => {
            let scoped = SCOPED.with(|s| s.borrow_mut().as_mut().map(|g| (g.seed(), g.reserve(blocks))));
            scoped.unwrap_or_else(|| {
                let mut g = default_generator();
                (g.seed(), g.reserve(blocks))
            })
        }
    }
}
