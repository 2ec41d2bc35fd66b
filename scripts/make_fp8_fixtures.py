#!/usr/bin/env python3
"""Writes tests/fixtures/fp8/: FP8 checkpoints with their scales, and what PyTorch makes of them.

Run with PyTorch 2.15 (any venv that has torch and safetensors):
    python scripts/make_fp8_fixtures.py
- scaled.safetensors: the DeepSeek-V3 / Qwen3-FP8 layout, `w.weight` float8_e4m3fn [136, 260]
  and `w.weight_scale_inv` float32 [2, 3] (one scale per 128x128 block, edge blocks partial);
  compressed-tensors / FBGEMM per-channel, `c.weight` [16, 32] and `c.weight_scale` [16, 1];
  per-tensor, `t.weight` [8, 16] and `t.weight_scale` [1];
- expected.safetensors: PyTorch's `w.float() * scale` (scale expanded per block) in float32,
  and the same rounded to bfloat16;
- dtypes.safetensors: one small tensor of every dtype torch and safetensors write, and
  dtypes.json with each one's values as floats.
"""
import json
import os

import torch
from safetensors.torch import save_file

out = os.path.join(os.path.dirname(__file__), "..", "tests", "fixtures", "fp8")
os.makedirs(out, exist_ok=True)
g = torch.Generator().manual_seed(0)


def fp8(shape, dtype=torch.float8_e4m3fn):
    return (torch.randn(shape, generator=g) * 100).to(dtype)


def block_dequant(w, s, block=128):
    rows = s.repeat_interleave(block, 0)[: w.shape[0]]
    full = rows.repeat_interleave(block, 1)[:, : w.shape[1]]
    return w.float() * full


w = fp8((136, 260))
s = torch.rand((2, 3), generator=g) * 0.01 + 0.001
c, cs = fp8((16, 32)), torch.rand((16, 1), generator=g) * 0.01
t, ts = fp8((8, 16), torch.float8_e4m3fn), torch.tensor([0.0123])
save_file({"w.weight": w, "w.weight_scale_inv": s, "c.weight": c, "c.weight_scale": cs,
           "t.weight": t, "t.weight_scale": ts}, os.path.join(out, "scaled.safetensors"))
expected = {"w.weight": block_dequant(w, s), "c.weight": c.float() * cs, "t.weight": t.float() * ts}
expected.update({k + ".bf16": v.to(torch.bfloat16) for k, v in list(expected.items())})
save_file({k: v.contiguous() for k, v in expected.items()}, os.path.join(out, "expected.safetensors"))

values = torch.tensor([0.0, 1.0, -2.5, 3.0, 100.0, -0.015625])
dtypes = {}
for name, dt in [("f8_e4m3", torch.float8_e4m3fn), ("f8_e5m2", torch.float8_e5m2),
                 ("u16", torch.uint16), ("u32", torch.uint32), ("u64", torch.uint64),
                 ("f8_e8m0", getattr(torch, "float8_e8m0fnu", None))]:
    if dt is None:
        continue
    v = values.abs() if name.startswith("u") or name == "f8_e8m0" else values
    try:
        dtypes[name] = v.to(dt)
    except Exception as e:  # a dtype this torch cannot convert to
        print(f"skipping {name}: {e}")
dtypes["f32"] = values
save_file(dtypes, os.path.join(out, "dtypes.safetensors"))
json.dump({k: v.to(torch.float64).tolist() if not k.startswith("u") else v.to(torch.int64).tolist()
           for k, v in dtypes.items()}, open(os.path.join(out, "dtypes.json"), "w"), indent=1)
# Every E4M3 and E5M2 bit pattern decoded by PyTorch, to check the Rust decoding bit for bit.
codes = torch.arange(256, dtype=torch.uint8)
save_file({"e4m3": codes.view(torch.float8_e4m3fn).float(), "e5m2": codes.view(torch.float8_e5m2).float()},
          os.path.join(out, "all_codes.safetensors"))
print("wrote", sorted(os.listdir(out)))
