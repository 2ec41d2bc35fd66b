"""The table of benches/init.rs for PyTorch: GB/s of the random inits over 1 GiB of resident f32.

Run: /work/torchvenv/bin/python benches/init_torch.py  (2 threads, as on the Rust side)
"""
import math
import statistics
import time

import torch

BYTES = 1 << 30
RUNS = 5


def median_gbps(f, t):
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        f(t)
        times.append(time.perf_counter() - start)
    return BYTES / statistics.median(times) / 1e9


def fill_one_thread(t):
    torch.set_num_threads(1)
    t.fill_(0.5)
    torch.set_num_threads(2)


def main():
    torch.set_num_threads(2)
    t = torch.empty(16384, BYTES // 4 // 16384, dtype=torch.float32)
    t.fill_(1.0)  # resident before timing
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads")
    print(f"{'1 GiB f32, median of 5':<36} {'GB/s':>8}")
    rows = [
        ("fill(0.5) (bandwidth reference)", lambda t: t.fill_(0.5)),
        ("slice fill(0.5), 1 thread", fill_one_thread),
        ("uniform_(-0.1, 0.1)", lambda t: torch.nn.init.uniform_(t, -0.1, 0.1)),
        ("kaiming_uniform_(a=√5, fan_in)", lambda t: torch.nn.init.kaiming_uniform_(t, a=math.sqrt(5))),
        ("normal_(0, 1)", lambda t: torch.nn.init.normal_(t, 0.0, 1.0)),
        ("trunc_normal_(0, 1, -2, 2)", lambda t: torch.nn.init.trunc_normal_(t, 0.0, 1.0, -2.0, 2.0)),
    ]
    for name, f in rows:
        print(f"{name:<36} {median_gbps(f, t):>8.2f}")


if __name__ == "__main__":
    main()
