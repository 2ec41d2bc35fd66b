#!/usr/bin/env bash
# The CUDA device check: ONE script for a GPU machine (written for an H200, < 5 minutes).
#   scripts/gpu-check.sh            # from the repository root or anywhere
# Builds in release, runs every test (the GPU tests print their numbers), the backend and
# tensor benchmarks, and a PyTorch side-by-side; prints one table at the end.
# Logs go to $OUT (if set, e.g. by the device runner) or target/gpu-check/.
set -uo pipefail
cd "$(dirname "$0")/.."
LOG="${OUT:-target/gpu-check}"
mkdir -p "$LOG"
ROWS="$LOG/rows.tsv"
: >"$ROWS"
status=0
BUDGET=280
SECONDS=0
step() { # step <name> <timeout-seconds> <command...>: runs it, logs it, records pass/fail
    local name=$1 t=$2
    shift 2
    # A hard budget for the whole script: no step may run past 280 s after the start.
    local left=$((BUDGET - SECONDS))
    [ "$t" -gt "$left" ] && t=$left
    if [ "$t" -le 5 ]; then
        printf '%s	SKIPPED (out of the 5-minute budget)		
' "step: $name" >>"$ROWS"
        status=1
        return
    fi
    local start=$SECONDS
    if timeout "$t" "$@" >"$LOG/$name.log" 2>&1; then
        printf '%s\tok (%ss)\t\t\n' "step: $name" $((SECONDS - start)) >>"$ROWS"
    else
        printf '%s\tFAILED rc=%s (%ss), see %s\t\t\n' "step: $name" "$?" $((SECONDS - start)) "$LOG/$name.log" >>"$ROWS"
        status=1
    fi
}

if ! command -v cargo >/dev/null; then
    echo "cargo not found: install a Rust toolchain (rustup) to run the Rust half of this check"
    HAVE_CARGO=0
else
    HAVE_CARGO=1
fi
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader | sed 's/^/# GPU: /'

if [ $HAVE_CARGO = 1 ]; then
    export CARGO_TERM_COLOR=never
    step build 240 cargo build --workspace --release --all-targets
    # The GPU tests (numbers printed with --nocapture) first, then everything.
    step gpu-tests 120 cargo test --release -p modules-cuda --test gpu -- --nocapture --test-threads=1
    grep -E "skipped|alloc of|OOM" "$LOG/gpu-tests.log" | sed 's/^/# /'
    # The device's random fills against the CPU streams (uniform bit for bit, normal in ulps).
    step core-cuda-tests 120 cargo test --release -p modules-core --lib cuda:: -- --nocapture
    grep -E "skipped|ulps" "$LOG/core-cuda-tests.log" | sed 's/^/# /'
    # Module-level: skip_init on cuda:0 for the standard modules and Llama-7B, reset on the
    # device vs the CPU, round trips, ties, OOM (numbers printed).
    step module-cuda-tests 120 cargo test --release --test cuda -- --nocapture --test-threads=1
    grep -E "skipped|skip_init|largest|out of memory|load tiny|sharded load" "$LOG/module-cuda-tests.log" | sed "s/^/# /"
    step workspace-tests 240 cargo test --workspace --release
    step bench-device 120 cargo bench -p modules-cuda --bench device
    step bench-gpu 120 cargo bench --bench gpu
    grep -hP '\t' "$LOG/bench-device.log" "$LOG/bench-gpu.log" | grep -v '^#' | sed 's/^/rust: /' >>"$ROWS"
    grep -h "skipped" "$LOG/bench-device.log" "$LOG/bench-gpu.log" | sed 's/^/# /'
fi

# PyTorch side by side: the same shapes and fills.
cat >"$LOG/torch_side.py" <<'PY'
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
PY
if command -v python3 >/dev/null; then
    left=$((BUDGET + 15 - SECONDS)); [ $left -gt 120 ] && left=120; [ $left -lt 10 ] && left=10
    timeout $left python3 "$LOG/torch_side.py" >"$LOG/torch.log" 2>&1 || echo "# torch side-by-side failed: see $LOG/torch.log"
    grep -v '^#' "$LOG/torch.log" | grep -P '\t' >>"$ROWS"
    grep '^#' "$LOG/torch.log"
else
    echo "# torch: skipped: python3 not found"
fi

echo
printf '%-62s %14s  %-6s %s\n' "measure" "value" "unit" "target"
printf '%-62s %14s  %-6s %s\n' "-------" "-----" "----" "------"
while IFS=$'\t' read -r name value unit target; do
    printf '%-62s %14s  %-6s %s\n' "$name" "$value" "$unit" "$target"
done <"$ROWS"
exit $status
