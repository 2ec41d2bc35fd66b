//! `nn.Embedding`.

use crate::prelude::*;

/// A lookup table (`nn.Embedding`): weight `[num_embeddings, embedding_dim]` ~ N(0, 1), with
/// the `padding_idx` row zeroed. A negative `padding_idx` counts from the end, as in PyTorch.
///
/// ```
/// use modules::prelude::*;
/// let e = modules::new!(Embedding, 10, 4, padding_idx = Some(-1))?;
/// assert_eq!(e.padding_idx, Some(9));
/// assert!(e.weight.tensor().as_slice::<f32>()?[36..].iter().all(|&x| x == 0.0));
/// assert_eq!(e.to_string(), "Embedding(10, 4, padding_idx=9)");
/// # Ok::<(), modules::Error>(())
/// ```
#[derive(Module)]
#[module(
    new(num_embeddings: usize, embedding_dim: usize, padding_idx: Option<i64> = None),
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
    /// `[num_embeddings, embedding_dim]`.
    #[module(
        param = [num_embeddings, embedding_dim],
        init = padding_init(resolve_padding_idx(padding_idx, num_embeddings)?)
    )]
    pub weight: Parameter,
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
    fn repr(&self) -> String {
        let mut s = format!("{}, {}", self.num_embeddings, self.embedding_dim);
        if let Some(p) = self.padding_idx {
            s.push_str(&format!(", padding_idx={p}"));
        }
        s
    }
}
