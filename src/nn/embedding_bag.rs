//! `nn.EmbeddingBag`.

use std::fmt;

use super::base::*;
use super::embedding::{embedding_weight, norm_options_repr, resolve_padding_index};

/// How an [`EmbeddingBag`] reduces a bag (`mode`); printed quoted, like PyTorch (`'mean'`).
///
/// ```
/// use modules::nn::EmbeddingBagMode;
/// assert_eq!(EmbeddingBagMode::default(), EmbeddingBagMode::Mean);
/// assert_eq!(EmbeddingBagMode::Sum.to_string(), "sum");
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum EmbeddingBagMode {
    /// `'sum'`.
    Sum,
    /// `'mean'` (the default).
    #[default]
    Mean,
    /// `'max'`.
    Max,
}

impl fmt::Display for EmbeddingBagMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            EmbeddingBagMode::Sum => "sum",
            EmbeddingBagMode::Mean => "mean",
            EmbeddingBagMode::Max => "max",
        })
    }
}

/// Sums, means or maxes of bags of embeddings (`nn.EmbeddingBag`): weight
/// `[num_embeddings, embedding_dim]` ~ N(0, 1), with the `padding_idx` row zeroed (a negative
/// `padding_idx` counts from the end). Arguments in PyTorch's order, `_weight` included.
///
/// ```
/// use modules::prelude::*;
/// let e = EmbeddingBag::new(10, 3, Cpu)?;
/// assert_eq!(e.to_string(), "EmbeddingBag(10, 3, mode='mean')");
/// let s = modules::new!(EmbeddingBag, 10, 3, mode = EmbeddingBagMode::Sum, padding_idx = Some(2))?;
/// assert_eq!(s.to_string(), "EmbeddingBag(10, 3, mode='sum', padding_idx=2)");
/// assert!(s.weight.tensor().as_slice::<f32>()?[6..9].iter().all(|&x| x == 0.0));
/// # Ok::<(), modules::Error>(())
/// ```
#[derive(Module)]
#[module(
    new(
        num_embeddings: usize,
        embedding_dim: usize,
        max_norm: Option<f64> = None,
        norm_type: f64 = 2.0,
        scale_grad_by_freq: bool = false,
        mode: EmbeddingBagMode = EmbeddingBagMode::Mean,
        sparse: bool = false,
        _weight: Option<Parameter> = None,
        include_last_offset: bool = false,
        padding_idx: Option<i64> = None
    ),
    extra_repr = Self::repr
)]
pub struct EmbeddingBag {
    /// Number of rows.
    #[module(config = num_embeddings)]
    pub num_embeddings: usize,
    /// Size of each row.
    #[module(config = embedding_dim)]
    pub embedding_dim: usize,
    /// Rows with a larger `norm_type`-norm are renormalized to this norm when looked up.
    #[module(config = max_norm)]
    pub max_norm: Option<f64>,
    /// The p of the p-norm for `max_norm`.
    #[module(config = norm_type)]
    pub norm_type: f64,
    /// Scale gradients by the inverse frequency of the words in the mini-batch.
    #[module(config = scale_grad_by_freq)]
    pub scale_grad_by_freq: bool,
    /// How a bag is reduced.
    #[module(config = mode)]
    pub mode: EmbeddingBagMode,
    /// Sparse gradients.
    #[module(config = sparse)]
    pub sparse: bool,
    /// Offsets has one more element, the size of the input.
    #[module(config = include_last_offset)]
    pub include_last_offset: bool,
    /// The row kept at zero, resolved to a non-negative index.
    #[module(config = resolve_padding_idx(padding_idx, num_embeddings)?)]
    pub padding_idx: Option<usize>,
    /// `[num_embeddings, embedding_dim]`: `_weight` when given, else N(0, 1) with the
    /// `padding_idx` row zero.
    #[module(build = |options| embedding_weight(
        _weight.clone(), [num_embeddings, embedding_dim], padding_idx, "EmbeddingBag::new", options))]
    pub weight: Parameter,
}

/// PyTorch's check, with EmbeddingBag's lower-case message.
fn resolve_padding_idx(padding_idx: Option<i64>, num_embeddings: usize) -> Result<Option<usize>, Error> {
    resolve_padding_index(padding_idx, num_embeddings, "EmbeddingBag::new", "padding_idx")
}

impl EmbeddingBag {
    /// `EmbeddingBag.extra_repr`: values as Python's `repr` shows them.
    fn repr(&self) -> String {
        let mut s = format!("{}, {}", self.num_embeddings, self.embedding_dim);
        norm_options_repr(&mut s, self.max_norm, self.norm_type, self.scale_grad_by_freq);
        s += &format!(", mode='{}'", self.mode);
        if let Some(p) = self.padding_idx {
            s += &format!(", padding_idx={p}");
        }
        s
    }
}
