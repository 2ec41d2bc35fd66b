//! Where each parameter lives across ranks: DTensor's placements, chosen by name.

/// How one parameter is laid out across the ranks (`torch.distributed.tensor` placements).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Placement {
    /// Split along this dimension: rank `r` holds chunk `r` of `ceil(n / world_size)` elements,
    /// the last ranks what remains (`torch.chunk`, as DTensor and FSDP2 split).
    Shard(usize),
    /// Every rank holds all of it.
    Replicate,
}

/// Megatron's column parallelism for a `Linear` (`torch.distributed.tensor.parallel.ColwiseParallel`):
/// the weight `[out, in]` and the bias split along `out`.
#[derive(Clone, Copy, Debug)]
pub struct ColwiseParallel;

/// Megatron's row parallelism for a `Linear` (`RowwiseParallel`): the weight split along `in`,
/// the bias replicated. For an `Embedding`, use [`Placement::Shard`]`(0)` (the vocabulary).
#[derive(Clone, Copy, Debug)]
pub struct RowwiseParallel;

/// A parallel style for a whole module: the placement of each of its parameters.
pub trait ParallelStyle {
    /// The placement of the module's parameter `param` (`weight`, `bias`).
    fn placement(&self, param: &str) -> Placement;
}

impl ParallelStyle for ColwiseParallel {
    fn placement(&self, _: &str) -> Placement {
        Placement::Shard(0)
    }
}

impl ParallelStyle for RowwiseParallel {
    fn placement(&self, param: &str) -> Placement {
        if param == "weight" {
            Placement::Shard(1)
        } else {
            Placement::Replicate
        }
    }
}

#[derive(Clone, Debug)]
enum Pattern {
    Exact(String),
    /// `*` matches one or more characters other than `.` (one path component, or part of one).
    Glob(String),
    Prefix(String),
}

fn glob_match(pattern: &str, name: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == name,
        Some((head, rest)) => {
            let Some(tail) = name.strip_prefix(head) else {
                return false;
            };
            // `*` takes at least one character and never a `.`.
            (1..=tail.len())
                .take_while(|&i| !tail[..i].contains('.'))
                .any(|i| glob_match(rest, &tail[i..]))
        }
    }
}

impl Pattern {
    fn matches(&self, name: &str) -> bool {
        match self {
            Pattern::Exact(p) => p == name,
            Pattern::Glob(p) => glob_match(p, name),
            Pattern::Prefix(p) => name.starts_with(p.as_str()),
        }
    }
}

/// Placements by parameter name: the first rule that matches a name decides; a name no rule
/// matches is [`Placement::Replicate`] (or the [`ShardPlan::otherwise`] placement).
///
/// ```
/// use modules_core::shard::{ColwiseParallel, Placement::*, RowwiseParallel, ShardPlan};
/// let plan = ShardPlan::new()
///     .module("layers.*.q_proj", ColwiseParallel)
///     .module("layers.*.o_proj", RowwiseParallel)
///     .exact("embed.weight", Shard(0));
/// assert_eq!(plan.placement("layers.3.q_proj.weight"), Shard(0));
/// assert_eq!(plan.placement("layers.3.o_proj.weight"), Shard(1));
/// assert_eq!(plan.placement("layers.3.o_proj.bias"), Replicate);
/// assert_eq!(plan.placement("norm.weight"), Replicate);
/// assert_eq!(ShardPlan::fsdp().placement("norm.weight"), Shard(0));
/// ```
#[derive(Clone, Debug)]
pub struct ShardPlan {
    rules: Vec<(Pattern, Placement)>,
    otherwise: Placement,
}

impl Default for ShardPlan {
    fn default() -> Self {
        ShardPlan::new()
    }
}

impl ShardPlan {
    /// No rules: everything replicated.
    pub fn new() -> Self {
        ShardPlan {
            rules: Vec::new(),
            otherwise: Placement::Replicate,
        }
    }

    /// FSDP2's `fully_shard`: every parameter split along dim 0.
    pub fn fsdp() -> Self {
        ShardPlan::new().otherwise(Placement::Shard(0))
    }

    /// The parameter named exactly `name`.
    pub fn exact(mut self, name: impl Into<String>, placement: Placement) -> Self {
        self.rules.push((Pattern::Exact(name.into()), placement));
        self
    }

    /// Parameters whose names match `pattern`, where `*` stands for one or more characters
    /// other than `.` (`layers.*.mlp.up_proj.weight`).
    pub fn glob(mut self, pattern: impl Into<String>, placement: Placement) -> Self {
        self.rules.push((Pattern::Glob(pattern.into()), placement));
        self
    }

    /// Parameters whose names start with `prefix`.
    pub fn prefix(mut self, prefix: impl Into<String>, placement: Placement) -> Self {
        self.rules.push((Pattern::Prefix(prefix.into()), placement));
        self
    }

    /// The parameters of the modules matching `pattern` (a glob, as in [`ShardPlan::glob`]),
    /// placed by a parallel style: `.module("layers.*.self_attn.q_proj", ColwiseParallel)`.
    pub fn module(mut self, pattern: &str, style: impl ParallelStyle) -> Self {
        for param in ["weight", "bias"] {
            let placement = style.placement(param);
            self.rules
                .push((Pattern::Glob(format!("{pattern}.{param}")), placement));
        }
        self
    }

    /// The placement of names no rule matches (default: [`Placement::Replicate`]).
    pub fn otherwise(mut self, placement: Placement) -> Self {
        self.otherwise = placement;
        self
    }

    /// Where the parameter `name` goes.
    pub fn placement(&self, name: &str) -> Placement {
        self.rules
            .iter()
            .find(|(p, _)| p.matches(name))
            .map_or(self.otherwise, |(_, placement)| *placement)
    }
}

/// The part of a tensor one rank holds: `len` indices from `start` along `dim` of
/// `global_shape` (a replicated tensor has no `ShardInfo`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShardInfo {
    /// The whole tensor's shape.
    pub global_shape: Vec<usize>,
    /// The split dimension.
    pub dim: usize,
    /// The first index along `dim` held here.
    pub start: usize,
    /// How many indices along `dim` are held here (0 for a rank past the end).
    pub len: usize,
}

impl ShardInfo {
    /// Rank `rank`'s chunk of `n` indices among `world_size` (`torch.chunk`).
    pub fn chunk(global_shape: &[usize], dim: usize, rank: usize, world_size: usize) -> ShardInfo {
        let n = global_shape[dim];
        let size = n.div_ceil(world_size.max(1));
        let start = (rank * size).min(n);
        let len = size.min(n - start);
        ShardInfo {
            global_shape: global_shape.to_vec(),
            dim,
            start,
            len,
        }
    }

    /// The local shape: the global one with `len` along `dim`.
    pub fn local_shape(&self) -> Vec<usize> {
        let mut s = self.global_shape.clone();
        s[self.dim] = self.len;
        s
    }

    /// The contiguous byte runs of the local part inside the whole tensor's row-major bytes:
    /// `(offset, length)` pairs, one per index of the dimensions before `dim` (a single run
    /// for `dim == 0`).
    pub fn runs(&self, element_size: usize) -> impl Iterator<Item = (usize, usize)> + '_ {
        let outer: usize = self.global_shape[..self.dim].iter().product();
        let inner: usize = self.global_shape[self.dim + 1..].iter().product::<usize>() * element_size;
        let (n, start, len) = (self.global_shape[self.dim], self.start, self.len);
        (0..outer).map(move |i| ((i * n + start) * inner, len * inner))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_are_torch_chunk() {
        let lens: Vec<usize> = (0..3).map(|r| ShardInfo::chunk(&[10, 2], 0, r, 3).len).collect();
        assert_eq!(lens, [4, 4, 2]);
        let lens: Vec<usize> = (0..4).map(|r| ShardInfo::chunk(&[5], 0, r, 4).len).collect();
        assert_eq!(lens, [2, 2, 1, 0]);
        let s = ShardInfo::chunk(&[3, 10], 1, 1, 3);
        assert_eq!(s.local_shape(), [3, 4]);
        let runs: Vec<_> = s.runs(4).collect();
        assert_eq!(runs, [(16, 16), (56, 16), (96, 16)]);
    }

    #[test]
    fn globs_match_one_component() {
        assert!(glob_match("layers.*.w", "layers.12.w"));
        assert!(!glob_match("layers.*.w", "layers.1.2.w"));
        assert!(!glob_match("layers.*.w", "layers..w"));
        assert!(glob_match("*_proj.weight", "q_proj.weight"));
    }
}
