"""What the PyTorch twins of the benchmarks share: the Llama shapes of examples/models/llama.rs
in torch, with Hugging Face's names, and the timing helper."""
import statistics
import time

import torch.nn as nn

CONFIGS = {
    "tiny": dict(vocab=32000, dim=2048, layers=22, heads=32, kv=4, ffn=5632),
    "70b": dict(vocab=32000, dim=8192, layers=80, heads=64, kv=8, ffn=28672),
}


class Attn(nn.Module):
    def __init__(self, c, device=None, dtype=None):
        super().__init__()
        hd = c["dim"] // c["heads"]
        kw = dict(bias=False, device=device, dtype=dtype)
        self.q_proj = nn.Linear(c["dim"], c["heads"] * hd, **kw)
        self.k_proj = nn.Linear(c["dim"], c["kv"] * hd, **kw)
        self.v_proj = nn.Linear(c["dim"], c["kv"] * hd, **kw)
        self.o_proj = nn.Linear(c["heads"] * hd, c["dim"], **kw)


class Mlp(nn.Module):
    def __init__(self, c, device=None, dtype=None):
        super().__init__()
        kw = dict(bias=False, device=device, dtype=dtype)
        self.gate_proj = nn.Linear(c["dim"], c["ffn"], **kw)
        self.up_proj = nn.Linear(c["dim"], c["ffn"], **kw)
        self.down_proj = nn.Linear(c["ffn"], c["dim"], **kw)


class Layer(nn.Module):
    def __init__(self, c, device=None, dtype=None):
        super().__init__()
        self.self_attn = Attn(c, device, dtype)
        self.mlp = Mlp(c, device, dtype)
        self.input_layernorm = nn.RMSNorm(c["dim"], eps=1e-5, device=device, dtype=dtype)
        self.post_attention_layernorm = nn.RMSNorm(c["dim"], eps=1e-5, device=device, dtype=dtype)


class Inner(nn.Module):
    def __init__(self, c, device=None, dtype=None):
        super().__init__()
        self.embed_tokens = nn.Embedding(c["vocab"], c["dim"], device=device, dtype=dtype)
        self.layers = nn.ModuleList([Layer(c, device, dtype) for _ in range(c["layers"])])
        self.norm = nn.RMSNorm(c["dim"], eps=1e-5, device=device, dtype=dtype)


class Llama(nn.Module):
    def __init__(self, c, device=None, dtype=None):
        super().__init__()
        self.model = Inner(c, device, dtype)
        self.lm_head = nn.Linear(c["dim"], c["vocab"], bias=False, device=device, dtype=dtype)


def median_time(runs, f):
    ts = []
    for _ in range(runs):
        t = time.perf_counter()
        f()
        ts.append(time.perf_counter() - t)
    return statistics.median(ts)
