//! `nn.Embedding`.

use super::base::*;

/// A lookup table (`nn.Embedding`): weight `[num_embeddings, embedding_dim]` ~ N(0, 1), with
/// the `padding_idx` row zeroed. A negative `padding_idx` counts from the end, as in PyTorch.
///
/// ```
/// use modules::prelude::*;
/// let e = modules::new!(Embedding, 10, 4, padding_idx = Some(-1))?;
/// assert_eq!(e.padding_idx, Some(9));
/// assert!(e.weight.tensor().as_slice::<f32>()?[36..].iter().all(|&x| x == 0.0));
/// assert_eq!(e.to_string(), "Embedding(10, 4, padding_idx=9)");
/// let f = modules::new!(Embedding, 10, 3, padding_idx = Some(0), max_norm = Some(1.0), sparse = true)?;
/// assert_eq!(f.to_string(), "Embedding(10, 3, padding_idx=0, max_norm=1.0, sparse=True)");
/// let g = modules::new!(Embedding, 10, 3, norm_type = 1.0, scale_grad_by_freq = true)?;
/// assert_eq!(g.to_string(), "Embedding(10, 3, norm_type=1.0, scale_grad_by_freq=True)");
/// // PyTorch's `_weight` / `_freeze` (what `Embedding.from_pretrained` passes):
/// let pretrained = Parameter::new(Tensor::ones([10, 3], Cpu)?);
/// let h = modules::new!(Embedding, 10, 3, _weight = Some(pretrained.clone()), _freeze = true)?;
/// assert!(h.weight.is_tied_to(&pretrained) && !h.weight.requires_grad());
/// assert!(modules::new!(Embedding, 10, 4, _weight = Some(pretrained)).is_err());
/// # Ok::<(), modules::Error>(())
/// ```
#[derive(Module)]
#[module(
    new(
        num_embeddings: usize,
        embedding_dim: usize,
        padding_idx: Option<i64> = None,
        max_norm: Option<f64> = None,
        norm_type: f64 = 2.0,
        scale_grad_by_freq: bool = false,
        sparse: bool = false,
        _weight: Option<Parameter> = None,
        _freeze: bool = false
    ),
    extra_repr = Self::repr
)]
pub struct Embedding {
    /// Number of rows.
    #[module(config = num_embeddings)]
    pub num_embeddings: usize,
    /// Size of each row.
    #[module(config = embedding_dim)]
    pub embedding_dim: usize,
    /// The row kept at zero, resolved to a non-negative index.
    #[module(config = resolve_padding_idx(padding_idx, num_embeddings)?)]
    pub padding_idx: Option<usize>,
    /// Rows looked up are renormalized to at most this norm (a forward-pass option, kept for
    /// the repr and for users' lookups).
    #[module(config = max_norm)]
    pub max_norm: Option<f64>,
    /// The p of the p-norm for `max_norm`.
    #[module(config = norm_type)]
    pub norm_type: f64,
    /// Scale gradients by the inverse frequency of the words in the mini-batch.
    #[module(config = scale_grad_by_freq)]
    pub scale_grad_by_freq: bool,
    /// Sparse gradients for the weight.
    #[module(config = sparse)]
    pub sparse: bool,
    /// `[num_embeddings, embedding_dim]`: `_weight` when given, else N(0, 1) with the padding
    /// row zero; `requires_grad` is `!_freeze`.
    #[module(build = |options| {
        let w = embedding_weight(_weight.clone(), [num_embeddings, embedding_dim], padding_idx, "Embedding::new", options)?;
        w.set_requires_grad(!_freeze);
        Ok(w)
    })]
    pub weight: Parameter,
}

/// The weight of an Embedding or EmbeddingBag. PyTorch's `_weight`, when given, is the
/// parameter itself (`Parameter(_weight)` shares its storage; here the module shares its
/// slot, as a tie does), after the shape check; it keeps its device and values, and no init
/// runs on it. Otherwise a new parameter with the declared init (none on meta).
pub(super) fn embedding_weight(
    given: Option<Parameter>,
    shape: [usize; 2],
    padding_idx: Option<usize>,
    function: &'static str,
    options: &TensorOptions,
) -> Result<Parameter, Error> {
    match given {
        None => Parameter::declared(shape, padding_init(padding_idx), options),
        Some(w) if w.shape() == shape => Ok(w),
        Some(w) => Err(Error::InvalidArgument {
            function,
            message: format!(
                "Shape of weight does not match num_embeddings and embedding_dim: expected {:?}, found {:?}",
                shape,
                w.shape()
            ),
        }),
    }
}

/// N(0, 1) with the padding row zeroed (Embedding and EmbeddingBag).
pub(super) fn padding_init(padding_idx: Option<usize>) -> init::Init {
    match padding_idx {
        Some(p) => init::normal(0.0, 1.0).then(init::zero_index(p)),
        None => init::normal(0.0, 1.0),
    }
}

fn resolve_padding_idx(padding_idx: Option<i64>, num_embeddings: usize) -> Result<Option<usize>, Error> {
    resolve_padding_index(padding_idx, num_embeddings, "Embedding::new", "Padding_idx")
}

/// PyTorch's check (`-n <= padding_idx < n`, negative counts from the end); `spelled` is how
/// the module's message capitalizes it (`Padding_idx` for Embedding, `padding_idx` for EmbeddingBag).
pub(super) fn resolve_padding_index(
    padding_idx: Option<i64>,
    num_embeddings: usize,
    function: &'static str,
    spelled: &str,
) -> Result<Option<usize>, Error> {
    let Some(p) = padding_idx else { return Ok(None) };
    let n = num_embeddings as i64;
    let resolved = if p < 0 { p + n } else { p };
    if !(0..n).contains(&resolved) {
        return Err(Error::InvalidArgument {
            function,
            message: format!(
                "{spelled} must be within num_embeddings: expected -{n} <= padding_idx < {n}, found {p}"
            ),
        });
    }
    Ok(Some(resolved as usize))
}

impl Embedding {
    /// `nn.Embedding.from_pretrained(embeddings, freeze, padding_idx)`: the module around a
    /// given `[num_embeddings, embedding_dim]` weight, which it shares (on the weight's own
    /// device and dtype; nothing is initialized). For the other options, pass `_weight` and
    /// `_freeze` to `new!`.
    ///
    /// ```
    /// use modules::prelude::*;
    /// let w = Parameter::new(Tensor::ones([4, 2], Cpu)?);
    /// let e = Embedding::from_pretrained(w.clone(), true, Some(0))?;
    /// assert_eq!(e.to_string(), "Embedding(4, 2, padding_idx=0)");
    /// assert!(e.weight.is_tied_to(&w) && !e.weight.requires_grad());
    /// assert!(Embedding::from_pretrained(Parameter::new(Tensor::ones([4], Cpu)?), true, None).is_err());
    /// # Ok::<(), modules::Error>(())
    /// ```
    pub fn from_pretrained(
        embeddings: Parameter,
        freeze: bool,
        padding_idx: Option<i64>,
    ) -> Result<Self, Error> {
        let shape = embeddings.shape();
        let [num_embeddings, embedding_dim] = shape[..] else {
            return Err(Error::InvalidArgument {
                function: "Embedding::from_pretrained",
                message: format!(
                    "Embeddings parameter is expected to be 2-dimensional, found shape {shape:?}"
                ),
            });
        };
        let options = TensorOptions::from((embeddings.device(), embeddings.dtype()));
        let args = Embedding::args()
            .num_embeddings(num_embeddings)
            .embedding_dim(embedding_dim)
            .padding_idx(padding_idx)
            ._weight(Some(embeddings))
            ._freeze(freeze)
            .finish();
        <Embedding as SupportsDevice>::construct(args, &options)
    }

    fn repr(&self) -> String {
        let mut s = format!("{}, {}", self.num_embeddings, self.embedding_dim);
        if let Some(p) = self.padding_idx {
            s.push_str(&format!(", padding_idx={p}"));
        }
        norm_options_repr(&mut s, self.max_norm, self.norm_type, self.scale_grad_by_freq);
        if self.sparse {
            s.push_str(", sparse=True");
        }
        s
    }
}

/// `, max_norm=.., norm_type=.., scale_grad_by_freq=True` where they differ from the defaults,
/// as Embedding's and EmbeddingBag's `extra_repr` write them.
pub(super) fn norm_options_repr(
    s: &mut String,
    max_norm: Option<f64>,
    norm_type: f64,
    scale_grad_by_freq: bool,
) {
    if let Some(m) = max_norm {
        s.push_str(&format!(", max_norm={}", super::repr::py_float(m)));
    }
    if norm_type != 2.0 {
        s.push_str(&format!(", norm_type={}", super::repr::py_float(norm_type)));
    }
    if scale_grad_by_freq {
        s.push_str(", scale_grad_by_freq=True");
    }
}
