"""PyTorch twin of benches/construct.rs: the same Llama shapes, the same measurements.

Run: python benches/construct_torch.py  (needs torch; set BENCH_INIT=1 to time default init)
Medians; 'warm' = back-to-back in one process, 'fresh' = first call in a new process.
"""
import os
import statistics
import subprocess
import sys
import time

import torch
import torch.nn as nn

torch.set_num_threads(2)

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


def fmt(s):
    return f"{s * 1e3:10.3f} ms"


if len(sys.argv) > 1 and sys.argv[1] == "--fresh":
    t = time.perf_counter()
    torch.nn.utils.skip_init(Llama, CONFIGS["tiny"])
    print(time.perf_counter() - t)
    sys.exit(0)

print("PyTorch", torch.__version__, "(medians; 'warm' = back-to-back in one process)")
fresh = [float(subprocess.check_output([sys.executable, __file__, "--fresh"]).decode()) for _ in range(3)]
print(f"{'skip_init Llama-1.1B f32, CPU, fresh process (first call)':<58} {fmt(statistics.median(fresh))}")
warm = median_time(10, lambda: torch.nn.utils.skip_init(Llama, CONFIGS["tiny"]))
print(f"{'skip_init Llama-1.1B f32, CPU, warm':<58} {fmt(warm)}")
meta = median_time(10, lambda: Llama(CONFIGS["70b"], device="meta", dtype=torch.bfloat16))
print(f"{'construction on meta of Llama-70B shapes, warm':<58} {fmt(meta)}")
m = Llama(CONFIGS["70b"], device="meta")
n = len(m.state_dict())
names = median_time(20, lambda: list(m.named_parameters()))
print(f"{f'named_parameters over {n} tensors (Llama-70B, meta)':<58} {fmt(names)}")
if os.environ.get("BENCH_INIT"):
    init = median_time(3, lambda: Llama(CONFIGS["tiny"]))
    print(f"{'default init of Llama-1.1B f32, CPU (fresh memory)':<58} {fmt(init)}")
