// Device kernels of modules-cuda. Compiled to PTX by ../ptx/generate.sh (NVRTC, compute_80);
// the PTX is checked in as ../ptx/kernels.generated.ptx so users need no CUDA toolkit, only a driver.
//
// Random fills reproduce the Philox 4x32-10 streams of docs/philox-streams.md: one thread
// computes one Philox block (four u32 words) and writes the elements that block owns, so the
// values never depend on the launch shape. Where the contract forbids fused multiply-add the
// code uses __fmul_rn/__fadd_rn (and the f64 versions), which the compiler never contracts.
// No header is included: NVRTC must compile this without the CUDA toolkit's include files.

typedef unsigned int u32;
typedef unsigned long long u64;
typedef unsigned short u16;

#define PHILOX_M0 0xD2511F53u
#define PHILOX_M1 0xCD9E8D57u
#define PHILOX_W0 0x9E3779B9u
#define PHILOX_W1 0xBB67AE85u

struct Words {
    u32 x[4];
};

// Philox4x32-10 of block `block` under `seed` (counter [lo(block), hi(block), 0, 0]).
__device__ __forceinline__ Words philox_block(u64 seed, u64 block) {
    u32 c0 = (u32)block, c1 = (u32)(block >> 32), c2 = 0u, c3 = 0u;
    u32 k0 = (u32)seed, k1 = (u32)(seed >> 32);
#pragma unroll
    for (int r = 0; r < 10; ++r) {
        u32 hi0 = __umulhi(PHILOX_M0, c0), lo0 = PHILOX_M0 * c0;
        u32 hi1 = __umulhi(PHILOX_M1, c2), lo1 = PHILOX_M1 * c2;
        u32 n0 = hi1 ^ c1 ^ k0, n2 = hi0 ^ c3 ^ k1;
        c0 = n0; c1 = lo1; c2 = n2; c3 = lo0;
        if (r < 9) { k0 += PHILOX_W0; k1 += PHILOX_W1; }
    }
    Words w;
    w.x[0] = c0; w.x[1] = c1; w.x[2] = c2; w.x[3] = c3;
    return w;
}

// u24(x) in [0, 1): exact in f32.
__device__ __forceinline__ float u24(u32 x) { return (float)(x >> 8) * 5.9604644775390625e-8f; }
// u53(hi, lo) in [0, 1): exact in f64.
__device__ __forceinline__ double u53(u32 hi, u32 lo) {
    return (double)((((u64)hi << 32) | (u64)lo) >> 11) * 1.1102230246251565e-16;
}

// Round-to-nearest-even f32 -> bf16 bits (the `half` crate's rule; NaN stays a quiet NaN).
__device__ __forceinline__ u16 to_bf16(float f) {
    u32 b = __float_as_uint(f);
    if ((b & 0x7fffffffu) > 0x7f800000u) return (u16)((b >> 16) | 0x40u);
    b += 0x7fffu + ((b >> 16) & 1u);
    return (u16)(b >> 16);
}

// Round-to-nearest-even f32 -> IEEE f16 bits (hardware conversion).
__device__ __forceinline__ u16 to_f16(float f) {
    u16 h;
    asm("cvt.rn.f16.f32 %0, %1;" : "=h"(h) : "f"(f));
    return h;
}

// Output element types for the f32-math fills: each stores four values of one block.
struct OutF32 {
    typedef float T;
    static __device__ __forceinline__ void put(float* p, u64 i, float v) { p[i] = v; }
    static __device__ __forceinline__ void put4(float* p, u64 i, const float v[4]) {
        *reinterpret_cast<float4*>(p + i) = make_float4(v[0], v[1], v[2], v[3]);
    }
};
// bf16 and f16: two bytes per value, rounded by `round`.
template <u16 (*round)(float)>
struct OutHalf {
    typedef u16 T;
    static __device__ __forceinline__ void put(u16* p, u64 i, float v) { p[i] = round(v); }
    static __device__ __forceinline__ void put4(u16* p, u64 i, const float v[4]) {
        u32 a = (u32)round(v[0]) | ((u32)round(v[1]) << 16);
        u32 b = (u32)round(v[2]) | ((u32)round(v[3]) << 16);
        *reinterpret_cast<uint2*>(p + i) = make_uint2(a, b);
    }
};
typedef OutHalf<to_bf16> OutBF16;
typedef OutHalf<to_f16> OutF16;

// Distributions in f32 math: four values from one block's words.
struct Uniform32 {
    float low, span;  // span = high - low, taken in f64 and rounded to f32 on the host
    __device__ __forceinline__ void values(const Words& w, float v[4]) const {
#pragma unroll
        for (int j = 0; j < 4; ++j) v[j] = __fadd_rn(low, __fmul_rn(u24(w.x[j]), span));
    }
};
struct Normal32 {
    float mean, std;
    __device__ __forceinline__ void values(const Words& w, float v[4]) const {
#pragma unroll
        for (int p = 0; p < 2; ++p) {
            float u1 = (float)((w.x[2 * p] >> 8) + 1u) * 5.9604644775390625e-8f;
            float u2 = u24(w.x[2 * p + 1]);
            float r = sqrtf(__fmul_rn(-2.0f, logf(u1)));
            // sin/cos of exactly 2*pi*u2: sincospi takes 2*u2 (exact), no rounded angle.
            float s, c;
            sincospif(__fmul_rn(2.0f, u2), &s, &c);
            v[2 * p] = __fadd_rn(mean, __fmul_rn(__fmul_rn(std, r), c));
            v[2 * p + 1] = __fadd_rn(mean, __fmul_rn(__fmul_rn(std, r), s));
        }
    }
};
struct TruncNormal32 {
    // scale = std * sqrt(2) and hml = h - l, both taken in f64 and rounded on the host.
    float mean, scale, l, hml, a, b;
    __device__ __forceinline__ void values(const Words& w, float v[4]) const {
#pragma unroll
        for (int j = 0; j < 4; ++j) {
            float t = __fadd_rn(l, __fmul_rn(u24(w.x[j]), hml));
            float x = __fadd_rn(mean, __fmul_rn(scale, erfinvf(t)));
            v[j] = fminf(fmaxf(x, a), b);
        }
    }
};

// One thread per block of four elements; grid-stride so any launch covers any length.
template <class Out, class Dist>
__device__ __forceinline__ void fill4(typename Out::T* out, u64 n, u64 seed, u64 block0, Dist d) {
    u64 nblocks = (n + 3) / 4;
    u64 stride = (u64)gridDim.x * blockDim.x;
    for (u64 t = (u64)blockIdx.x * blockDim.x + threadIdx.x; t < nblocks; t += stride) {
        Words w = philox_block(seed, block0 + t);
        float v[4];
        d.values(w, v);
        u64 i = 4 * t;
        if (i + 4 <= n) {
            Out::put4(out, i, v);
        } else {
            for (int j = 0; i + j < n; ++j) Out::put(out, i + j, v[j]);
        }
    }
}

#define FILL32(NAME, OUT, DIST, PARAMS, INIT)                                                   \
    extern "C" __global__ void NAME(OUT::T* out, u64 n, u64 seed, u64 block0, PARAMS) {         \
        DIST d = INIT;                                                                           \
        fill4<OUT, DIST>(out, n, seed, block0, d);                                               \
    }

#define UNIFORM_PARAMS float low, float span
#define NORMAL_PARAMS float mean, float std
#define TRUNC_PARAMS float mean, float scale, float l, float hml, float a, float b
FILL32(philox_uniform_f32, OutF32, Uniform32, UNIFORM_PARAMS, (Uniform32{low, span}))
FILL32(philox_uniform_f16, OutF16, Uniform32, UNIFORM_PARAMS, (Uniform32{low, span}))
FILL32(philox_uniform_bf16, OutBF16, Uniform32, UNIFORM_PARAMS, (Uniform32{low, span}))
FILL32(philox_normal_f32, OutF32, Normal32, NORMAL_PARAMS, (Normal32{mean, std}))
FILL32(philox_normal_f16, OutF16, Normal32, NORMAL_PARAMS, (Normal32{mean, std}))
FILL32(philox_normal_bf16, OutBF16, Normal32, NORMAL_PARAMS, (Normal32{mean, std}))
FILL32(philox_trunc_normal_f32, OutF32, TruncNormal32, TRUNC_PARAMS, (TruncNormal32{mean, scale, l, hml, a, b}))
FILL32(philox_trunc_normal_f16, OutF16, TruncNormal32, TRUNC_PARAMS, (TruncNormal32{mean, scale, l, hml, a, b}))
FILL32(philox_trunc_normal_bf16, OutBF16, TruncNormal32, TRUNC_PARAMS, (TruncNormal32{mean, scale, l, hml, a, b}))

// f64 fills: one block gives two elements.
struct Uniform64 {
    double low, span;
    __device__ __forceinline__ void values(const Words& w, double v[2]) const {
        v[0] = __dadd_rn(low, __dmul_rn(u53(w.x[0], w.x[1]), span));
        v[1] = __dadd_rn(low, __dmul_rn(u53(w.x[2], w.x[3]), span));
    }
};
struct Normal64 {
    double mean, std;
    __device__ __forceinline__ void values(const Words& w, double v[2]) const {
        double u1 = (double)(((((u64)w.x[0] << 32) | (u64)w.x[1]) >> 11) + 1ull) * 1.1102230246251565e-16;
        double u2 = u53(w.x[2], w.x[3]);
        double r = sqrt(__dmul_rn(-2.0, log(u1)));
        double theta = __dmul_rn(6.283185307179586, u2);
        double s, c;
        sincos(theta, &s, &c);
        v[0] = __dadd_rn(mean, __dmul_rn(__dmul_rn(std, r), c));
        v[1] = __dadd_rn(mean, __dmul_rn(__dmul_rn(std, r), s));
    }
};
struct TruncNormal64 {
    double mean, scale, l, hml, a, b;
    __device__ __forceinline__ void values(const Words& w, double v[2]) const {
#pragma unroll
        for (int j = 0; j < 2; ++j) {
            double t = __dadd_rn(l, __dmul_rn(u53(w.x[2 * j], w.x[2 * j + 1]), hml));
            double x = __dadd_rn(mean, __dmul_rn(scale, erfinv(t)));
            v[j] = fmin(fmax(x, a), b);
        }
    }
};

template <class Dist>
__device__ __forceinline__ void fill2(double* out, u64 n, u64 seed, u64 block0, Dist d) {
    u64 nblocks = (n + 1) / 2;
    u64 stride = (u64)gridDim.x * blockDim.x;
    for (u64 t = (u64)blockIdx.x * blockDim.x + threadIdx.x; t < nblocks; t += stride) {
        Words w = philox_block(seed, block0 + t);
        double v[2];
        d.values(w, v);
        u64 i = 2 * t;
        if (i + 2 <= n) {
            *reinterpret_cast<double2*>(out + i) = make_double2(v[0], v[1]);
        } else {
            out[i] = v[0];
        }
    }
}

extern "C" __global__ void philox_uniform_f64(double* out, u64 n, u64 seed, u64 block0, double low, double span) {
    fill2<Uniform64>(out, n, seed, block0, Uniform64{low, span});
}
extern "C" __global__ void philox_normal_f64(double* out, u64 n, u64 seed, u64 block0, double mean, double std) {
    fill2<Normal64>(out, n, seed, block0, Normal64{mean, std});
}
extern "C" __global__ void philox_trunc_normal_f64(double* out, u64 n, u64 seed, u64 block0, double mean,
                                                   double scale, double l, double hml, double a, double b) {
    fill2<TruncNormal64>(out, n, seed, block0, TruncNormal64{mean, scale, l, hml, a, b});
}

// Pattern fills. `pattern16` is a pattern whose length divides 16, repeated to 16 bytes
// (lo = bytes 0..8, hi = bytes 8..16, little-endian); the buffer start is 256-byte aligned.
extern "C" __global__ void fill_pattern16(unsigned char* dst, u64 nbytes, u64 lo, u64 hi) {
    u64 units = nbytes / 16;
    u64 stride = (u64)gridDim.x * blockDim.x;
    u64 t0 = (u64)blockIdx.x * blockDim.x + threadIdx.x;
    for (u64 t = t0; t < units; t += stride) {
        *reinterpret_cast<ulonglong2*>(dst + 16 * t) = make_ulonglong2(lo, hi);
    }
    // The tail (< 16 bytes) byte by byte, by the first threads.
    u64 tail = nbytes - 16 * units;
    if (t0 < tail) {
        u64 k = 16 * units + t0;
        u64 word = (t0 < 8) ? lo : hi;
        dst[k] = (unsigned char)(word >> (8 * (t0 % 8)));
    }
}

// Any pattern length: `pattern` is `plen` bytes in device memory.
extern "C" __global__ void fill_pattern_any(unsigned char* dst, u64 nbytes, const unsigned char* pattern, u64 plen) {
    u64 stride = (u64)gridDim.x * blockDim.x;
    for (u64 i = (u64)blockIdx.x * blockDim.x + threadIdx.x; i < nbytes; i += stride) {
        dst[i] = pattern[i % plen];
    }
}
