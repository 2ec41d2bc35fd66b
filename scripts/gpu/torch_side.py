"""PyTorch's side of the GPU check: the same shapes, fills, copies and load as the Rust rows.

Run by the GPU bundle's run.sh; prints `torch: name<TAB>value<TAB>unit<TAB>-` rows and `#` notes.
The load row reads $GPU_LOAD_FILE, written by the Rust `gpu` benchmark.
"""
import time, sys
try:
    import torch
except Exception as e:
    print(f"# torch: skipped: {e}"); sys.exit(0)
if not torch.cuda.is_available():
    print("# torch: skipped: no CUDA device visible to torch"); sys.exit(0)
dev = "cuda"
def sync(): torch.cuda.synchronize()
def med(f, k=5):
    ts = []
    for _ in range(k):
        sync(); t = time.perf_counter(); f(); sync(); ts.append(time.perf_counter() - t)
    return sorted(ts)[len(ts) // 2]
d, ff, vocab = 4096, 11008, 32000
class Block(torch.nn.Module):
    def __init__(s, **kw):
        super().__init__()
        s.q, s.k, s.v, s.o = (torch.nn.Linear(d, d, bias=False, **kw) for _ in range(4))
        s.gate, s.up = (torch.nn.Linear(d, ff, bias=False, **kw) for _ in range(2))
        s.down = torch.nn.Linear(ff, d, bias=False, **kw)
        s.n1, s.n2 = (torch.nn.RMSNorm(d, **kw) for _ in range(2))
class Llama(torch.nn.Module):
    def __init__(s, **kw):
        super().__init__()
        s.embed = torch.nn.Embedding(vocab, d, **kw)
        s.layers = torch.nn.ModuleList(Block(**kw) for _ in range(32))
        s.norm = torch.nn.RMSNorm(d, **kw)
        s.lm_head = torch.nn.Linear(d, vocab, bias=False, **kw)
torch.empty(1, device=dev)  # context
row = lambda n, v, u: print(f"torch: {n}\t{v:.3f}\t{u}\t-")
def skip():
    m = torch.nn.utils.skip_init(Llama, device="meta", dtype=torch.bfloat16)
    m.to_empty(device=dev)
    return m
skip(); torch.cuda.empty_cache()
ts = []
for _ in range(3):
    sync(); t = time.perf_counter(); m = skip(); sync(); ts.append(time.perf_counter() - t); del m
row("skip_init(meta) + to_empty(cuda) Llama-7B bf16", sorted(ts)[1] * 1e3, "ms")
shapes = [(vocab, d)] + [(d, d)] * 4 * 32 + [(ff, d)] * 2 * 32 + [(d, ff)] * 32 + [(d,)] * 65 + [(vocab, d)]
def alloc():
    global keep
    keep = [torch.empty(s, dtype=torch.bfloat16, device=dev) for s in shapes]
alloc()
row("torch.empty x %d Llama-7B bf16 (caching allocator warm)" % len(shapes), med(alloc) * 1e3, "ms")
del keep
n = 1 << 30
for name, dt, f in [("uniform_ bf16", torch.bfloat16, lambda x: torch.nn.init.uniform_(x, -0.1, 0.1)),
                    ("uniform_ f32", torch.float32, lambda x: torch.nn.init.uniform_(x, -0.1, 0.1)),
                    ("normal_ bf16", torch.bfloat16, lambda x: torch.nn.init.normal_(x, 0, 0.02)),
                    ("normal_ f32", torch.float32, lambda x: torch.nn.init.normal_(x, 0, 0.02)),
                    ("trunc_normal_ f32", torch.float32, lambda x: torch.nn.init.trunc_normal_(x, 0, 0.02, -0.04, 0.04))]:
    x = torch.empty(n // torch.empty(0, dtype=dt).element_size(), dtype=dt, device=dev)
    f(x)
    row(f"init {name}, 1 GiB", n / med(lambda: f(x)) / 1e9, "GB/s")
    del x
dst = torch.empty(n, dtype=torch.uint8, device=dev)
pin = torch.ones(n, dtype=torch.uint8).pin_memory()
page = torch.ones(n, dtype=torch.uint8)
peak = n / med(lambda: dst.copy_(pin, non_blocking=True)) / 1e9
row("H2D from pinned (1 GiB)", peak, "GB/s")
pg = n / med(lambda: dst.copy_(page)) / 1e9
row("H2D from pageable (1 GiB)", pg, "GB/s")
row("H2D pageable / pinned", 100 * pg / peak, "%")
import os
load_file_path = os.environ.get("GPU_LOAD_FILE", "target/gpu-load/llama7b-bf16.safetensors")
if os.path.exists(load_file_path):
    from safetensors.torch import load_file
    del dst, pin, page
    load_file(load_file_path, device=dev); torch.cuda.empty_cache()
    t = med(lambda: load_file(load_file_path, device=dev), k=3)
    row("safetensors load_file(device=cuda) Llama-7B bf16", os.path.getsize(load_file_path) / t / 1e9, "GB/s")
else:
    print(f"# torch: load row skipped: {load_file_path} not written by the Rust bench")
