"""PyTorch twin of benches/embed.rs: sentence-transformers, the same batches and threads.

Run: python benches/embed_torch.py MODEL_DIR THREADS
"""
import sys
import time

import torch
from sentence_transformers import SentenceTransformer

model_dir, threads = sys.argv[1], int(sys.argv[2])
torch.set_num_threads(threads)
model = SentenceTransformer(model_dir, device="cpu")
batch = [f"Sentence number {i} says that loaded weights reach compute, {i % 7 + 1} times over." for i in range(32)]
model.encode(batch, batch_size=32)
times = []
for _ in range(21):
    t = time.perf_counter()
    model.encode(batch, batch_size=32)
    times.append(time.perf_counter() - t)
med = sorted(times)[10]
print(f"PyTorch {torch.__version__}, {threads} threads")
print(f"{'embed, batch 32 (sentence-transformers)':<48} {32 / med:>10.1f} sentences/s")
# VmHWM, not getrusage: a child inherits its parent's peak in ru_maxrss.
hwm_kb = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print(f"{'peak RSS (sentence-transformers)':<48} {hwm_kb / 1024:>10.1f} MB")
