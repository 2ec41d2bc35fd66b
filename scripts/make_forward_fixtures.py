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
    "identity": (torch.nn.Identity(), torch.randn(2, 3)),
    "dropout": (torch.nn.Dropout(0.3).eval(), torch.randn(4, 5)),
    "gelu": (torch.nn.GELU(), torch.randn(3, 7) * 3),
    "gelu_tanh": (torch.nn.GELU(approximate="tanh"), torch.randn(3, 7) * 3),
    "silu": (torch.nn.SiLU(), torch.randn(3, 7) * 3),
    "tanh": (torch.nn.Tanh(), torch.randn(3, 7) * 3),
    "sigmoid": (torch.nn.Sigmoid(), torch.randn(3, 7) * 3),
    "softmax": (torch.nn.Softmax(dim=1), torch.randn(2, 5, 3) * 4),
    "log_softmax": (torch.nn.LogSoftmax(dim=-1), torch.randn(2, 5, 3) * 4),
    "softmax_legacy": (torch.nn.Softmax(), torch.randn(2, 5, 3)),  # dim=None: 0 for 3-d input
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
    tensors.update(x=x.contiguous(), y=y.clone().contiguous())
    save_file(tensors, os.path.join(out, f"{name}.safetensors"))

def save(name, module, inputs, outputs):
    """A module's state dict beside named inputs and outputs (bool masks as uint8)."""
    tensors = {k: v.contiguous() for k, v in module.state_dict().items()}
    for k, v in {**inputs, **outputs}.items():
        tensors[k] = (v.to(torch.uint8) if v.dtype == torch.bool else v).contiguous()
    save_file(tensors, os.path.join(out, f"{name}.safetensors"))


def randomized(m):
    with torch.no_grad():
        for p in m.parameters():
            p.copy_(torch.randn_like(p) * 0.5)
    return m.eval()


with torch.no_grad():
    bil = randomized(torch.nn.Bilinear(3, 4, 5))
    x1, x2 = torch.randn(2, 3, 3), torch.randn(2, 3, 4)
    save("bilinear", bil, {"x1": x1, "x2": x2}, {"y": bil(x1, x2)})

    # Self-attention, sequence first, a boolean causal mask and a boolean padding mask.
    mha = randomized(torch.nn.MultiheadAttention(8, 2))
    x = torch.randn(5, 3, 8)
    causal = torch.triu(torch.ones(5, 5, dtype=torch.bool), 1)
    kpm = torch.tensor([[False] * 5, [False] * 3 + [True] * 2, [False] * 4 + [True]])
    y, w = mha(x, x, x, key_padding_mask=kpm, attn_mask=causal)
    save("mha_self", mha, {"x": x, "attn_mask": causal, "key_padding_mask": kpm}, {"y": y, "w": w})

    # Cross-attention, batch first, kdim/vdim, bias_k/bias_v, a zero key, a float mask,
    # per-head weights, no projection bias.
    mha = randomized(torch.nn.MultiheadAttention(
        8, 2, bias=False, add_bias_kv=True, add_zero_attn=True, kdim=6, vdim=4, batch_first=True))
    q, k, v = torch.randn(3, 5, 8), torch.randn(3, 7, 6), torch.randn(3, 7, 4)
    float_mask = torch.randn(5, 7)
    y, w = mha(q, k, v, attn_mask=float_mask, average_attn_weights=False)
    save("mha_cross", mha, {"q": q, "k": k, "v": v, "attn_mask": float_mask}, {"y": y, "w": w})

    # Unbatched, causal by hint (PyTorch then ignores the given mask's values).
    mha = randomized(torch.nn.MultiheadAttention(8, 4))
    x = torch.randn(6, 8)
    mask = torch.nn.Transformer.generate_square_subsequent_mask(6)
    y, _ = mha(x, x, x, attn_mask=mask, is_causal=True, need_weights=False)
    save("mha_causal", mha, {"x": x, "attn_mask": mask}, {"y": y})

    # Post-norm (the default), batch first, a padding mask.
    tel = randomized(torch.nn.TransformerEncoderLayer(8, 2, 16, batch_first=True))
    x = torch.randn(3, 5, 8)
    kpm = torch.tensor([[False] * 5, [False] * 2 + [True] * 3, [False] * 4 + [True]])
    save("encoder_post", tel, {"x": x, "key_padding_mask": kpm}, {"y": tel(x, src_key_padding_mask=kpm)})

    # Pre-norm, GELU, sequence first, a float causal mask.
    tel = randomized(torch.nn.TransformerEncoderLayer(8, 2, 16, activation="gelu", norm_first=True))
    x = torch.randn(5, 3, 8)
    mask = torch.nn.Transformer.generate_square_subsequent_mask(5)
    save("encoder_pre", tel, {"x": x, "attn_mask": mask}, {"y": tel(x, src_mask=mask)})

print("wrote", sorted(os.listdir(out)))
