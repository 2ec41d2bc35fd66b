#!/usr/bin/env python3
"""Writes tests/fixtures/forward/: for each module, its state dict, an input `x` and PyTorch's
output `y` (f32, CPU), the reference for tests/candle_forward.rs.

Run with PyTorch 2.15: python scripts/make_forward_fixtures.py
"""
import os

import torch
from safetensors.torch import save_file

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fixtures", "forward")
os.makedirs(out, exist_ok=True)
torch.manual_seed(0)
cases = {
    "linear": (torch.nn.Linear(5, 3), torch.randn(2, 4, 5)),
    "linear_nobias": (torch.nn.Linear(6, 2, bias=False), torch.randn(3, 6)),
    "embedding": (torch.nn.Embedding(10, 4, padding_idx=0), torch.tensor([[0, 3, 9], [1, 1, 2]])),
    "layernorm": (torch.nn.LayerNorm(8, eps=1e-5), torch.randn(2, 3, 8) * 3 + 1),
    "rmsnorm": (torch.nn.RMSNorm(8, eps=1e-6), torch.randn(2, 3, 8) * 3),
    "relu": (torch.nn.ReLU(), torch.randn(4, 5)),
    "conv1d": (torch.nn.Conv1d(4, 6, 3, stride=2, padding=1), torch.randn(2, 4, 11)),
    "conv2d": (torch.nn.Conv2d(4, 6, 3, padding="same", dilation=2, groups=2), torch.randn(2, 4, 9, 7)),
    "batchnorm2d": (torch.nn.BatchNorm2d(5).eval(), torch.randn(2, 5, 3, 4) * 2 + 1),
    "groupnorm": (torch.nn.GroupNorm(2, 6), torch.randn(3, 6, 5)),
}
for name, (m, x) in cases.items():
    with torch.no_grad():
        for p in m.parameters():  # not the default init: values that tell weights apart
            p.copy_(torch.randn_like(p))
        if isinstance(m, torch.nn.BatchNorm2d):
            m.running_mean.copy_(torch.randn_like(m.running_mean))
            m.running_var.copy_(torch.rand_like(m.running_var) + 0.5)
        y = m(x)
    tensors = {k: v.contiguous() for k, v in m.state_dict().items()}
    tensors.update(x=x.contiguous(), y=y.contiguous())
    save_file(tensors, os.path.join(out, f"{name}.safetensors"))
print("wrote", sorted(os.listdir(out)))
