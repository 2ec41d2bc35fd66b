//! BERT's self-attention on the CPU as one pass over the packed projections: candle runs it as
//! 2·batch·heads small matmuls (each dispatched to its thread pool) plus a permuted copy of
//! q/k/v and of the context, which cost more than the arithmetic at these sizes. candle has no
//! fused CPU attention, so this one is written here.

use candle_core::{CpuStorage, CustomOp2, Layout, Result, Shape, Tensor};
use rayon::prelude::*;

/// `softmax(q·kᵀ + mask)·v` per head, for `qkv [batch, len, 3·hidden]` (query, key, value
/// packed as the fused projection writes them, the query already scaled) and the additive
/// `mask [batch, len]`; the context comes out as `[batch, len, hidden]`, heads side by side.
pub fn self_attention(qkv: &Tensor, mask: &Tensor, heads: usize) -> Result<Tensor> {
    qkv.contiguous()?
        .apply_op2_no_bwd(&mask.contiguous()?, &SelfAttention { heads })
}

struct SelfAttention {
    heads: usize,
}

/// A dot product with 8 independent sums, so that LLVM vectorizes it (a single running sum
/// fixes the order of additions and stays scalar).
#[inline(always)]
fn dot(a: &[f32], b: &[f32]) -> f32 {
    let mut lanes = [0f32; 8];
    let (ac, bc) = (a.chunks_exact(8), b.chunks_exact(8));
    let tail: f32 = ac
        .remainder()
        .iter()
        .zip(bc.remainder())
        .map(|(x, y)| x * y)
        .sum();
    for (x, y) in ac.zip(bc) {
        for k in 0..8 {
            lanes[k] += x[k] * y[k];
        }
    }
    lanes.iter().sum::<f32>() + tail
}

impl CustomOp2 for SelfAttention {
    fn name(&self) -> &'static str {
        "bert-self-attention"
    }

    fn cpu_fwd(
        &self,
        s1: &CpuStorage,
        l1: &Layout,
        s2: &CpuStorage,
        l2: &Layout,
    ) -> Result<(CpuStorage, Shape)> {
        let (CpuStorage::F32(qkv), CpuStorage::F32(mask)) = (s1, s2) else {
            candle_core::bail!("bert-self-attention takes f32")
        };
        let (b, len, three_h) = l1.shape().dims3()?;
        let (hidden, h) = (three_h / 3, self.heads);
        let hd = hidden / h;
        let qkv = &qkv[l1.start_offset()..l1.start_offset() + b * len * three_h];
        let mask = &mask[l2.start_offset()..l2.start_offset() + b * len];
        let mut out = vec![0f32; b * len * hidden];
        out.par_chunks_mut(len * hidden)
            .enumerate()
            .for_each(|(bi, out)| {
                let rows = &qkv[bi * len * three_h..(bi + 1) * len * three_h];
                let mask = &mask[bi * len..(bi + 1) * len];
                let mut p = vec![0f32; len];
                for head in 0..h {
                    let part = |t: usize, which: usize| {
                        let at = t * three_h + which * hidden + head * hd;
                        &rows[at..at + hd]
                    };
                    for i in 0..len {
                        let q = part(i, 0);
                        let mut max = f32::NEG_INFINITY;
                        for (j, pj) in p.iter_mut().enumerate() {
                            *pj = dot(q, part(j, 1)) + mask[j];
                            max = max.max(*pj);
                        }
                        let mut sum = 0f32;
                        for pj in p.iter_mut() {
                            *pj = (*pj - max).exp();
                            sum += *pj;
                        }
                        let o = &mut out[i * hidden + head * hd..i * hidden + (head + 1) * hd];
                        for (j, pj) in p.iter().enumerate() {
                            let w = pj / sum;
                            for (o, v) in o.iter_mut().zip(part(j, 2)) {
                                *o += w * v;
                            }
                        }
                    }
                }
            });
        Ok((CpuStorage::F32(out), Shape::from((b, len, hidden))))
    }
}
