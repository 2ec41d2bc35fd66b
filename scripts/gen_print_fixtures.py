#!/usr/bin/env python3
"""Writes crates/modules-core/tests/data/print/cases.json: tensors and PyTorch's repr of them.

Run with the PyTorch venv: /work/torchvenv/bin/python scripts/gen_print_fixtures.py

Values come from explicit lists or fixed formulas (never torch's RNG) and are stored *after*
conversion to the case's dtype, so the Rust test rebuilds bit-identical tensors. Floats are
stored as repr() strings because JSON has no nan/inf and -0.0 would lose its sign.
"""

import json
import math
import os

import torch

OUT = os.path.join(
    os.path.dirname(os.path.abspath(__file__)),
    "..", "crates", "modules-core", "tests", "data", "print", "cases.json",
)

DTYPES = {
    "F32": torch.float32, "F64": torch.float64, "F16": torch.float16, "BF16": torch.bfloat16,
    "I64": torch.int64, "I32": torch.int32, "I16": torch.int16, "I8": torch.int8,
    "U8": torch.uint8, "Bool": torch.bool,
}

cases = []


def add(name, values, shape, dtype="F32", device="cpu", param=None):
    """param: None for a plain tensor, else requires_grad of an nn.Parameter."""
    dt = DTYPES[dtype]
    if device == "meta":
        t = torch.empty(shape, dtype=dt, device="meta")
        stored = []
    else:
        src = torch.tensor(values, dtype=torch.float64 if dt.is_floating_point else None)
        t = src.to(dt).reshape(shape)
        flat = t.reshape(-1)
        if dt.is_floating_point:
            stored = [repr(v) for v in flat.double().tolist()]
        else:
            stored = flat.tolist()
    text = repr(t) if param is None else repr(torch.nn.Parameter(t, requires_grad=param))
    cases.append({
        "name": name, "dtype": dtype, "device": device, "shape": list(shape),
        "values": stored, "parameter": param is not None,
        "requires_grad": bool(param), "repr": text,
    })


nan, inf = math.nan, math.inf

# Fixed point, integer-valued floats and their widths.
add("basic_2x3", [0.7608, 1.8265, 1.7801, 0.3907, -0.3393, -0.6066], (2, 3))
add("small_fractions", [0.1, 0.2, 0.3], (3,))
add("int_valued", [1.0, 2.0, 3.0], (3,))
add("int_valued_negative", [-1.0, 10.0, 100.0], (3,))
add("int_valued_wide", [10000.0, 100.0, -5.0], (3,))
add("fixed_large", [12345678.5, 99999.25], (2,), "F64")
add("rounding_ties", [0.03125, 0.09375, 1.03125], (3,), "F64")
add("rounding_up_width", [9.99995, 0.5], (2,), "F64")
add("zeros", [0.0, 0.0, 0.0], (3,))
add("negative_zero", [-0.0, 1.0], (2,))
add("negative_zero_fraction", [0.0, -0.0, 0.5], (3,))

# Scientific notation and the thresholds that choose it.
add("sci_small", [1e-5, 1.0], (2,))
add("sci_large", [1e9, 2e9], (2,))
add("sci_ratio", [0.001, 2.0], (2,))
add("ratio_f32_1000", [0.001, 1.0], (2,))
add("ratio_f64_1000", [0.001, 1.0], (2,), "F64")
add("min_exactly_1e-4", [1e-4, 0.05], (2,), "F64")
add("max_exactly_1e8", [1e8, 1e6], (2,), "F64")
add("sci_int_valued", [1e10, 3.0, -7.0], (3,), "F64")
add("sci_three_digit_exponent", [1e-300, 1e300, -2.5e-123], (3,), "F64")
add("sci_2d", [1e-6 * (i + 1) * (-1) ** i for i in range(6)], (2, 3))

# Non-finite values.
add("nan_inf", [nan, inf, -inf, 1.5], (4,))
add("nan_int_mode", [nan, 1.0, 2.0], (3,))
add("inf_int_mode", [-inf, 100.0], (2,))
add("all_nan", [nan, nan], (2,))
add("nan_sci", [nan, 1e-7, inf], (3,))

# Line wrapping of 1-D and inner dims.
add("wrap_1d_floats", [i * 0.1 - 1.0 for i in range(30)], (30,))
add("wrap_1d_int_valued", [float(i) for i in range(100)], (100,))
add("wrap_1d_i64", list(range(50)), (50,), "I64")
add("wrap_2d", [math.sin(i) * 10 for i in range(60)], (3, 20))
add("wrap_1d_sci", [1e-5 * (i + 1) for i in range(20)], (20,))

# Nested dims.
add("3d", [i * 0.25 - 3 for i in range(24)], (2, 3, 4))
add("4d", [float(i) for i in range(24)], (2, 2, 2, 3))
add("4d_ones_dims", [0.5, -1.5], (1, 2, 1, 1))

# Summarization above 1000 elements.
add("summarize_1d", [math.cos(i * 0.37) for i in range(2000)], (2000,))
add("summarize_40x40", [(i % 97) * 0.01 for i in range(1600)], (40, 40))
add("summarize_5x300", [float(i) for i in range(1500)], (5, 300))
add("summarize_3d", [i * 1e-3 for i in range(2000)], (10, 10, 20))
add("summarize_i64", list(range(1001)), (1001,), "I64")
add("summarize_bool", [i % 3 == 0 for i in range(1001)], (1001,), "Bool")
add("summarize_wide_rows", [float(i) for i in range(1010)], (2, 505))

# Empty tensors.
add("empty_f32", [], (0,))
add("empty_0x3", [], (0, 3))
add("empty_i64", [], (0,), "I64")
add("empty_bool_2x0", [], (2, 0), "Bool")
add("empty_f16", [], (0,), "F16")
add("empty_3x0x2_f64", [], (3, 0, 2), "F64")

# Scalars.
add("scalar_f32", [3.14159], ())
add("scalar_i64", [2], (), "I64")
add("scalar_bool", [True], (), "Bool")
add("scalar_tiny", [1e-8], ())
add("scalar_nan", [nan], ())
add("scalar_neg_zero", [-0.0], ())
add("scalar_f16", [1.5], (), "F16")
add("scalar_int_valued", [5.0], ())

# Every dtype.
add("f64", [1 / 3, 2 / 3, -1.0], (3,), "F64")
add("f16", [0.1, 65504.0, -2.0], (3,), "F16")
add("f16_sci", [1e-5, 60000.0], (2,), "F16")
add("bf16", [0.1, 1 / 3, 100.0], (3,), "BF16")
add("bf16_huge", [3e38, -1.0], (2,), "BF16")
add("bf16_2d", [i / 7 for i in range(6)], (2, 3), "BF16")
add("i32", [1, -2, 300], (3,), "I32")
add("i16", [[-32768, 7], [32767, 0]], (2, 2), "I16")
add("i8", [-128, 127, 0], (3,), "I8")
add("u8", [0, 255, 9], (3,), "U8")
add("bool_2d", [[True, False], [False, True]], (2, 2), "Bool")
add("i64_large", [2**62, -5], (2,), "I64")

# Suffixes that wrap past the line width.
add("dtype_suffix_wraps", [i * 1.125 - 3.5 for i in range(9)], (9,), "F64")
add("dtype_suffix_fits", [i * 1.125 - 3.5 for i in range(7)], (7,), "F64")
add("dtype_suffix_2d_wraps", [i * 11.5 for i in range(16)], (2, 8), "F16")

# Odd corners.
add("f16_subnormal", [6e-8, 1.0], (2,), "F16")
add("deep_indent_wrap", [i * 0.5 for i in range(30)], (1,) * 8 + (30,))
add("int_mode_wide", [99999999.0, 1e6, -3.0e5], (3,), "F64")
add("neg_zero_sci", [-0.0, 1e-5, 2.0e-5], (3,))
add("scalar_sci", [1e10], ())
add("scalar_bool_false", [False], (), "Bool")
add("summarize_i8", [(i % 256) - 128 for i in range(1001)], (1001,), "I8")
add("summarize_2x600_f16", [i * 0.125 for i in range(1200)], (2, 600), "F16")

# Meta tensors.
add("meta_f32", [], (4, 3), device="meta")
add("meta_f16", [], (4, 3), "F16", device="meta")
add("meta_i64", [], (2,), "I64", device="meta")
add("meta_scalar", [], (), device="meta")
add("meta_empty", [], (0,), device="meta")
add("meta_bool", [], (2, 2), "Bool", device="meta")

# Parameters.
add("param_grad", [1.0, 2.5, -3.0, 4.0], (2, 2), param=True)
add("param_no_grad", [1.0, 2.5, -3.0, 4.0], (2, 2), param=False)
add("param_f64_grad", [0.5, 0.25], (2,), "F64", param=True)
add("param_i64_no_grad", [1, 2, 3], (3,), "I64", param=False)
add("param_meta_f16", [], (4, 3), "F16", device="meta", param=True)
add("param_meta_f32_no_grad", [], (4, 3), device="meta", param=False)
add("param_summarized", [i * 0.5 for i in range(1200)], (30, 40), param=True)
add("param_empty", [], (0, 3), param=True)
add("param_wraps_suffix", [i * 1.125 - 3.5 for i in range(9)], (9,), "F64", param=True)

with open(OUT, "w") as f:
    json.dump({"torch_version": torch.__version__, "cases": cases}, f, indent=1)
    f.write("\n")
print(f"{len(cases)} cases -> {os.path.relpath(OUT)}")
