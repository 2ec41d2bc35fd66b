"""PyTorch twin of benches/load.rs: the same checkpoint file, the same machine.

Run: python benches/load_torch.py target/bench-load/tinyllama-f32.safetensors
(benches/load.rs runs it itself when MODULES_PYTHON is set). Medians, page cache warm.
- copy load: a model made with skip_init's recipe (meta, then to_empty) and
  load_state_dict(safetensors.torch.load_file(path)).
- zero-copy: torch.load(mmap=True) of the same tensors saved once as a .pt file, then
  load_state_dict(assign=True) into a meta model.
"""
import os
import sys

import torch
from safetensors.torch import load_file

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torch_common import CONFIGS, Llama, median_time  # noqa: E402

torch.set_num_threads(2)
path = sys.argv[1]
pt = os.path.splitext(path)[0] + ".pt"
if not os.path.exists(pt):
    torch.save(load_file(path), pt)



def copy_load():
    with torch.device("meta"):
        m = Llama(CONFIGS["tiny"])
    m.to_empty(device="cpu")
    m.load_state_dict(load_file(path))


def mmap_load():
    with torch.device("meta"):
        m = Llama(CONFIGS["tiny"])
    m.load_state_dict(torch.load(pt, mmap=True, weights_only=True), assign=True)


copy_load()
print("PyTorch", torch.__version__, f"{torch.get_num_threads()} threads; medians, page cache warm")
c = median_time(5, copy_load)
print(f"{'load_state_dict(load_file) into skip_init model':<56} {c * 1e3:10.3f} ms")
with torch.device("meta"):
    loaded = Llama(CONFIGS["tiny"])
loaded.to_empty(device="cpu")
loaded.load_state_dict(load_file(path))
r = median_time(5, lambda: loaded.load_state_dict(load_file(path)))
print(f"{'load_state_dict(load_file) into a loaded model':<56} {r * 1e3:10.3f} ms")
del loaded
mmap_load()
z = median_time(11, mmap_load)
print(f"{'torch.load(mmap=True) + load_state_dict(assign=True)':<56} {z * 1e3:10.3f} ms")
