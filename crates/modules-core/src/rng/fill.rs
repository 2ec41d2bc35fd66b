//! Random fills of host slices: split into chunks on block boundaries, run in parallel with rayon,
//! each chunk computed by a loop compiled three times (portable, AVX2, AVX-512) and chosen at run
//! time. The three copies are the same Rust code with no FMA, so they give the same bits.

use half::{bf16, f16, slice::HalfFloatSliceExt};
use rayon::prelude::*;

use super::kernel::{batch32, batch64, Params32, Params64, BATCH32, BATCH64};
use modules_philox::key_of;

use super::philox::{philox_lanes, LANES};
use modules_philox::{RandomFill, StreamPosition};

/// Elements per parallel task: large enough that rayon's overhead vanishes (256 KiB of f32),
/// small enough to balance two to hundreds of threads; a multiple of both batch sizes, so every
/// chunk starts on a block boundary and values do not depend on the split.
const CHUNK: usize = 1 << 16;

mod private {
    use super::*;

    /// How an element type is filled; sealed so only the four float types implement it.
    pub trait Sealed: Copy + Send + Sync + Sized {
        /// Fills `out`, whose element 0 is drawn from block `block`.
        fn fill_chunk(out: &mut [Self], fill: &RandomFill, key: [u32; 2], block: u64);
        /// Elements per block.
        const PER_BLOCK: usize;
    }
}

/// A float type with a random fill: `f32`, `f64`, [`half::f16`], [`half::bf16`] (the half types are
/// computed in f32 and rounded to nearest even).
pub(crate) trait RandomElement: private::Sealed {}

impl RandomElement for f32 {}
impl RandomElement for f64 {}
impl RandomElement for f16 {}
impl RandomElement for bf16 {}

/// Fills `out` with the stream of `fill` starting at `pos`, in parallel; the values are the same
/// for any number of threads. The caller reserves the blocks (see
/// [`Generator::reserve`](super::Generator::reserve) and [`blocks_needed`](super::blocks_needed)).
pub(crate) fn fill_slice<T: RandomElement>(out: &mut [T], fill: &RandomFill, pos: StreamPosition) {
    let key = key_of(pos.seed);
    let blocks_per_chunk = (CHUNK / T::PER_BLOCK) as u64;
    if out.len() <= CHUNK {
        T::fill_chunk(out, fill, key, pos.block);
        return;
    }
    out.par_chunks_mut(CHUNK).enumerate().for_each(|(k, chunk)| {
        let block = pos.block.wrapping_add(k as u64 * blocks_per_chunk);
        T::fill_chunk(chunk, fill, key, block);
    });
}

/// Converts a batch of f32 values into the output type.
pub(crate) trait FromF32: Copy {
    fn store(src: &[f32], dst: &mut [Self]);

    /// One full batch into `dst` (`BATCH32` elements), through `buf`.
    #[inline(always)]
    fn batch(p: &Params32, x: &[[u32; LANES]; 4], buf: &mut [f32; BATCH32], dst: &mut [Self]) {
        batch32(p, x, buf);
        Self::store(buf, dst);
    }
}

impl FromF32 for f32 {
    #[inline(always)]
    fn store(src: &[f32], dst: &mut [f32]) {
        dst.copy_from_slice(src);
    }

    /// Straight into the output: no copy through the buffer.
    #[inline(always)]
    fn batch(p: &Params32, x: &[[u32; LANES]; 4], _buf: &mut [f32; BATCH32], dst: &mut [f32]) {
        let dst: &mut [f32; BATCH32] = dst.try_into().expect("a full batch");
        batch32(p, x, dst);
    }
}

impl FromF32 for f16 {
    #[inline(always)]
    fn store(src: &[f32], dst: &mut [f16]) {
        dst.convert_from_f32_slice(src);
    }
}

impl FromF32 for bf16 {
    #[inline(always)]
    fn store(src: &[f32], dst: &mut [bf16]) {
        dst.convert_from_f32_slice(src);
    }
}

/// The chunk loop for the types computed in f32.
#[inline(always)]
fn chunk32<T: FromF32>(out: &mut [T], p: &Params32, key: [u32; 2], mut block: u64) {
    let mut buf = [0f32; BATCH32];
    let mut batches = out.chunks_exact_mut(BATCH32);
    for dst in &mut batches {
        T::batch(p, &philox_lanes(block, key), &mut buf, dst);
        block = block.wrapping_add(LANES as u64);
    }
    let rest = batches.into_remainder();
    if !rest.is_empty() {
        batch32(p, &philox_lanes(block, key), &mut buf);
        T::store(&buf[..rest.len()], rest);
    }
}

/// The chunk loop for f64.
#[inline(always)]
fn chunk64(out: &mut [f64], p: &Params64, key: [u32; 2], mut block: u64) {
    let mut buf = [0f64; BATCH64];
    let mut batches = out.chunks_exact_mut(BATCH64);
    for dst in &mut batches {
        batch64(p, &philox_lanes(block, key), &mut buf);
        dst.copy_from_slice(&buf);
        block = block.wrapping_add(LANES as u64);
    }
    let rest = batches.into_remainder();
    if !rest.is_empty() {
        batch64(p, &philox_lanes(block, key), &mut buf);
        rest.copy_from_slice(&buf[..rest.len()]);
    }
}

/// The instruction sets a chunk loop can be compiled for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Isa {
    Portable,
    #[cfg(target_arch = "x86_64")]
    Avx2,
    #[cfg(target_arch = "x86_64")]
    Avx512,
}

/// The best instruction set of this CPU (the detection macro caches its answer).
pub(crate) fn best_isa() -> Isa {
    #[cfg(target_arch = "x86_64")]
    {
        if is_x86_feature_detected!("avx512f")
            && is_x86_feature_detected!("avx512bw")
            && is_x86_feature_detected!("avx512dq")
            && is_x86_feature_detected!("avx512vl")
        {
            return Isa::Avx512;
        }
        if is_x86_feature_detected!("avx2") {
            return Isa::Avx2;
        }
    }
    Isa::Portable
}

/// Defines `$name` running `$body` compiled for the portable target, AVX2 and AVX-512.
macro_rules! multiversion {
    ($name:ident <$($g:ident: $b:path),*> ($($arg:ident: $ty:ty),*) $body:block) => {
        #[inline(always)]
        fn portable<$($g: $b),*>($($arg: $ty),*) $body

        #[cfg(target_arch = "x86_64")]
        #[target_feature(enable = "avx2")]
        fn avx2<$($g: $b),*>($($arg: $ty),*) { portable($($arg),*) }

        #[cfg(target_arch = "x86_64")]
        #[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl,avx2")]
        fn avx512<$($g: $b),*>($($arg: $ty),*) { portable($($arg),*) }

        pub(crate) fn $name<$($g: $b),*>(isa: Isa, $($arg: $ty),*) {
            match isa {
                Isa::Portable => portable($($arg),*),
                // SAFETY: `Isa::Avx2` and `Isa::Avx512` come from `best_isa`, which checked that
                // the CPU has these features (or from a test that checked the same).
                #[cfg(target_arch = "x86_64")]
                Isa::Avx2 => unsafe { avx2($($arg),*) },
                #[cfg(target_arch = "x86_64")]
                Isa::Avx512 => unsafe { avx512($($arg),*) },
            }
        }
    };
}

mod f32_family {
    use super::*;
    multiversion!(run<T: FromF32>(out: &mut [T], p: &Params32, key: [u32; 2], block: u64) {
        chunk32(out, p, key, block)
    });
}

mod f64_only {
    use super::*;
    multiversion!(run<>(out: &mut [f64], p: &Params64, key: [u32; 2], block: u64) {
        chunk64(out, p, key, block)
    });
}

pub(crate) use f32_family::run as run32;
pub(crate) use f64_only::run as run64;

macro_rules! f32_family_element {
    ($t:ty) => {
        impl private::Sealed for $t {
            const PER_BLOCK: usize = 4;
            fn fill_chunk(out: &mut [$t], fill: &RandomFill, key: [u32; 2], block: u64) {
                run32(best_isa(), out, &Params32::new(fill), key, block);
            }
        }
    };
}

f32_family_element!(f32);
f32_family_element!(f16);
f32_family_element!(bf16);

impl private::Sealed for f64 {
    const PER_BLOCK: usize = 2;
    fn fill_chunk(out: &mut [f64], fill: &RandomFill, key: [u32; 2], block: u64) {
        run64(best_isa(), out, &Params64::new(fill), key, block);
    }
}
