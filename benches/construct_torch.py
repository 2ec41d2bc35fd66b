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

torch.set_num_threads(2)

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torch_common import CONFIGS, Llama, median_time  # noqa: E402



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
    model = Llama(CONFIGS["tiny"])

    def reset():
        for mod in model.modules():
            if hasattr(mod, "reset_parameters"):
                mod.reset_parameters()

    resident = median_time(3, reset)
    print(f"{'  of which: default init on resident memory (reset)':<58} {fmt(resident)}")
