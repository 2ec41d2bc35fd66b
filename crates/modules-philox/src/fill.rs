//! What a fill draws and where in the stream it starts.

/// What a random fill draws. Every backend maps element `i` to the same block and words of the
/// stream (docs/philox-streams.md), so uniform values are bit-identical everywhere.
///
/// ```
/// use modules_philox::RandomFill;
/// let f = RandomFill::Uniform { low: -0.5, high: 0.5 };
/// assert_ne!(f, RandomFill::Normal { mean: 0.0, std: 1.0 });
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum RandomFill {
    /// U(low, high): `low + u · (high - low)`.
    Uniform {
        /// Lower bound.
        low: f64,
        /// Upper bound.
        high: f64,
    },
    /// N(mean, std²) by Box–Muller, two values per pair of words.
    Normal {
        /// Mean.
        mean: f64,
        /// Standard deviation.
        std: f64,
    },
    /// N(mean, std²) truncated to the absolute interval [a, b], by the inverse CDF.
    TruncNormal {
        /// Mean of the untruncated normal.
        mean: f64,
        /// Standard deviation of the untruncated normal.
        std: f64,
        /// Lower bound (absolute, not in units of std).
        a: f64,
        /// Upper bound (absolute).
        b: f64,
    },
}

impl RandomFill {
    /// The name of the `torch.nn.init` function that draws this distribution, for messages.
    ///
    /// ```
    /// assert_eq!(modules_philox::RandomFill::Normal { mean: 0.0, std: 1.0 }.function(), "normal_");
    /// ```
    pub fn function(&self) -> &'static str {
        match self {
            RandomFill::Uniform { .. } => "uniform_",
            RandomFill::Normal { .. } => "normal_",
            RandomFill::TruncNormal { .. } => "trunc_normal_",
        }
    }
}

/// Where a fill starts: the generator's seed (the Philox key) and its first block.
///
/// ```
/// use modules_philox::StreamPosition;
/// let p = StreamPosition { seed: 42, block: 0 };
/// assert_eq!(p.seed, 42);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct StreamPosition {
    /// The seed; the key is `[seed as u32, (seed >> 32) as u32]`.
    pub seed: u64,
    /// The block of element 0.
    pub block: u64,
}
