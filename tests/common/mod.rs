//! A small 3-level model shared by the integration tests.
#![allow(dead_code)]

use modules::prelude::*;

#[derive(Module)]
#[module(new(dim: usize))]
pub struct Attention {
    #[module(new(dim, dim))]
    pub q: Linear,
    #[module(new(dim, dim, bias = false))]
    pub k: Linear,
    #[module(buffer = [dim], init = init::zeros(), persistent = false)]
    pub cache: Buffer,
}

#[derive(Module)]
#[module(new(dim: usize))]
pub struct Block {
    #[module(new(dim))]
    pub attn: Attention,
    #[module(new(vec![dim]))]
    pub norm: LayerNorm,
    #[module(buffer = [], init = init::zeros(), dtype = I64)]
    pub steps: Buffer,
}

#[derive(Module)]
#[module(new(vocab: usize, dim: usize, n_layers: usize = 2))]
pub struct Model {
    #[module(new(vocab, dim))]
    pub embed: Embedding,
    #[module(new(dim), repeat = n_layers)]
    pub layers: Vec<Block>,
    #[module(param = [dim], init = init::ones())]
    pub scale: Parameter,
    #[module(new(dim, vocab, bias = false))]
    pub head: Linear,
}

pub fn names<T>(v: Vec<(String, T)>) -> Vec<String> {
    v.into_iter().map(|(n, _)| n).collect()
}
