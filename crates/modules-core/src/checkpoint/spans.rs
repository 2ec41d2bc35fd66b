//! Where the bytes of a write come from: runs of the checkpoint tensor (all of it, or this
//! rank's part for a sharded module), each found in the file that holds it. A tensor saved in
//! parts by rank is read where each part lies, so a module sharded another way (another world
//! size, another plan) reads only the bytes of its own part, from whichever rank files hold
//! them.

use super::file::{RankPart, SourceTensor};
use super::load_plan::Write;

/// One contiguous copy of a write: checkpoint bytes, where they are in their file, and
/// where they go in the tensor (a byte offset in the tensor's dtype).
pub(crate) struct Span<'s> {
    pub data: &'s [u8],
    pub file: usize,
    pub file_offset: usize,
    pub dst_offset: usize,
}

impl Write<'_> {
    /// The copies that fill the tensor, in destination order.
    pub fn spans<'s>(&self, source: &SourceTensor<'s>) -> Vec<Span<'s>> {
        let (from, to) = (source.dtype.size_in_bytes(), self.to.size_in_bytes());
        let whole = source.shape.iter().product::<usize>() * from;
        let runs: Vec<(usize, usize)> = match &self.shard {
            Some(info) => info.runs(from).collect(),
            None => vec![(0, whole)],
        };
        let mut out = Vec::new();
        let mut dst = 0;
        for (start, len) in runs {
            for (data, file, file_offset) in pieces(source, start, len, from) {
                out.push(Span {
                    data,
                    file,
                    file_offset,
                    dst_offset: dst,
                });
                dst += data.len() / from * to;
            }
        }
        out
    }
}

/// Bytes `start..start + len` of the whole tensor (row-major, `elem` bytes an element): one
/// piece of a tensor stored whole; for one stored in parts along a dimension, a piece per
/// stretch that lies in one part. Within a part, consecutive indices along the split
/// dimension, and the last of one row with the first of the next, are adjacent, so a piece
/// ends only where the range crosses into another part.
fn pieces<'s>(
    source: &SourceTensor<'s>,
    start: usize,
    len: usize,
    elem: usize,
) -> Vec<(&'s [u8], usize, usize)> {
    let Some(first) = source.parts.first() else {
        return vec![(
            &source.data[start..start + len],
            source.file,
            source.offset + start,
        )];
    };
    let (dim, shape) = (first.info.dim, &first.info.global_shape);
    let inner = shape[dim + 1..].iter().product::<usize>() * elem;
    let row = shape[dim] * inner;
    let mut out = Vec::new();
    let (mut x, end) = (start, start + len);
    while x < end {
        let (o, rem) = (x / row, x % row);
        let i = rem / inner;
        let part: &RankPart<'s> = source
            .parts
            .iter()
            .find(|p| (p.info.start..p.info.start + p.info.len).contains(&i))
            .expect("the parts tile the dimension (checked when they were assembled)");
        let at = o * part.info.len * inner + (rem - part.info.start * inner);
        let take = (end - x).min((part.info.start + part.info.len) * inner - rem);
        out.push((&part.data[at..at + take], part.file, part.offset + at));
        x += take;
    }
    out
}
