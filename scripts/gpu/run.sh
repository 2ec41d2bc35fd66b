#!/usr/bin/env bash
# The GPU check, prebuilt by scripts/gpu-bundle.sh: runs on a device machine that has a driver
# but no Rust toolchain and no network, and on a machine without a GPU (everything skips, exit 0).
#   bash target/gpu-bundle/run.sh          # from anywhere; $OUT, when set, gets the log and figures.json
# Prints the machine, then one line per group (did it run on the GPU), one table of figures, and
# `N passed, N failed, N skipped`. Exit status: non-zero on any failure.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
LOGS=${OUT:-$HERE/logs}
mkdir -p "$LOGS"
if [ -z "${GPU_CHECK_LOGGED:-}" ]; then # run once more, into the log as well as the terminal
    GPU_CHECK_LOGGED=1 bash "$0" "$@" 2>&1 | tee "$LOGS/gpu-check.log"
    exit "${PIPESTATUS[0]}"
fi
BUDGET=${GPU_CHECK_BUDGET:-450} # seconds for everything; the issue allows 8 minutes
SECONDS=0
ROWS="$LOGS/rows.tsv"
GROUPS_FILE="$LOGS/groups.txt"
: >"$ROWS"
: >"$GROUPS_FILE"
passed=0 failed=0 skipped=0

# --- libraries: found, not assumed ---------------------------------------------------------
# libcuda: cudarc dlopens libcuda.so / libcuda.so.1; device images keep the driver here.
for d in /usr/local/nvidia/lib64 /usr/local/nvidia/lib /usr/local/cuda/compat; do
    [ -e "$d/libcuda.so.1" ] && LD_LIBRARY_PATH="$d${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
done
# libnccl: from PyTorch's `nvidia.nccl` package. It ships libnccl.so.2, a name cudarc does not
# try (it tries libnccl.so and libnccl.so.<cuda major>), so link it under a name cudarc does.
PY=$(command -v python3 || true)
NCCL_VERSION="not found"
if [ -n "$PY" ]; then
    nccl_lib=$("$PY" -c 'import nvidia.nccl, os; print(os.path.join(list(nvidia.nccl.__path__)[0], "lib"))' 2>/dev/null || true)
    if [ -n "$nccl_lib" ] && [ -e "$nccl_lib/libnccl.so.2" ]; then
        mkdir -p "$LOGS/lib"
        ln -sf "$nccl_lib/libnccl.so.2" "$LOGS/lib/libnccl.so"
        LD_LIBRARY_PATH="$LOGS/lib:$nccl_lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
        NCCL_VERSION=$("$PY" -c 'import importlib.metadata as m
for d in m.distributions():
    n = d.metadata["Name"] or ""
    if n.startswith("nvidia-nccl"): print(n, d.version); break' 2>/dev/null)
    fi
fi
export LD_LIBRARY_PATH="${LD_LIBRARY_PATH:-}"

# --- the machine ---------------------------------------------------------------------------
if command -v nvidia-smi >/dev/null && nvidia-smi -L >/dev/null 2>&1; then
    HAVE_GPU=1
    echo "GPU:    $(nvidia-smi --query-gpu=name,memory.total --format=csv,noheader | head -1)"
    echo "driver: $(nvidia-smi --query-gpu=driver_version --format=csv,noheader | head -1)"
    echo "CUDA:   $(nvidia-smi | sed -n 's/.*CUDA Version: *\([0-9.]*\).*/\1/p' | head -1) (the newest the driver supports)"
else
    HAVE_GPU=0
    echo "GPU:    none (nvidia-smi missing or finds no device)"
fi
echo "NCCL:   ${NCCL_VERSION:-not found}"
echo "commit: $(cat "$HERE/COMMIT")"
echo "PTX:    $(sed -n 's/^\.version /ISA /p' "$HERE/kernels.generated.ptx") $(sed -n 's/^\.target //p' "$HERE/kernels.generated.ptx"), $(sed -n 's|^// source sha256: ||p' "$HERE/kernels.generated.ptx" | cut -c1-12)"
echo

# Seconds left for a step that asks for $1, or 0 when the budget is spent.
allow() {
    local left=$((BUDGET - SECONDS))
    [ "$1" -lt "$left" ] && left=$1
    [ "$left" -lt 5 ] && left=0
    echo "$left"
}

# A skip line: report_skip's `skipped: <test>: <why>`, at a line's start or after libtest's
# `test <name> ... `; the examples' own words for a missing GPU.
SKIP_RE='(^|\.\.\. )skipped: |no GPU here|: skipped \('

# group_line <name> <passed> <failed> <skipped> <log>: one line saying where the group ran.
group_line() {
    local name=$1 p=$2 f=$3 s=$4 log=$5 where
    local why
    why=$(grep -m1 -oE "($SKIP_RE).*" "$log" |
        sed -E 's/^(\.\.\. )?skipped: ([^ ]+: )?//; s/^(no GPU here|: skipped) \((.*)\)$/\2/')
    if [ "$p" -eq 0 ] && [ "$f" -eq 0 ] && [ "$s" -gt 0 ]; then
        where="skipped ($why)"
    elif [ "$HAVE_GPU" = 1 ]; then
        where="ran on the GPU"
        [ "$s" -gt 0 ] && where="$where, $s skipped ($why)"
    else
        where="ran without a GPU"
        [ "$s" -gt 0 ] && where="$where, $s skipped ($why)"
    fi
    printf '%-28s %-48s %d passed, %d failed, %d skipped\n' "$name" "$where" "$p" "$f" "$s" >>"$GROUPS_FILE"
    passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
}

# tests <name> <binary> [filter]: a libtest binary; `skipped:` lines come out of its passed count.
tests() {
    local name=$1 bin=$2 filter=${3:-} log="$LOGS/$1.log" t
    t=$(allow 150)
    if [ "$t" = 0 ]; then group_line "$name" 0 1 0 /dev/null; echo "$name: out of time" >>"$GROUPS_FILE"; return; fi
    echo "== $name"
    timeout "$t" "$HERE/bin/$bin" $filter --test-threads=1 --nocapture >"$log" 2>&1
    local rc=$? p f s
    p=$(sed -n 's/^test result: .* \([0-9]*\) passed.*/\1/p' "$log" | tail -1)
    f=$(sed -n 's/^test result: .* \([0-9]*\) failed.*/\1/p' "$log" | tail -1)
    s=$(grep -cE "$SKIP_RE" "$log")
    p=${p:-0} f=${f:-0}
    # A crash or a timeout leaves no result line: count it as one failure.
    [ "$rc" -ne 0 ] && [ "$f" -eq 0 ] && f=1
    [ "$s" -gt "$p" ] && s=$p
    grep -E '^(test .* FAILED|---- |thread .* panicked)' "$log" | head -20
    # The figures the tests print (allocation times, ulp distances, loads).
    grep -E 'alloc of|skip_init .* on cuda|ulps|largest|out of memory|load tiny|sharded load|NCCL' "$log" | grep -v '^test ' | sed 's/^/   /'
    group_line "$name" $((p - s)) "$f" "$s" "$log"
}

# program <name> <binary> [args...]: a benchmark or example; tab-separated lines are figures.
program() {
    local name=$1 bin=$2 log="$LOGS/$1.log" t
    shift 2
    t=$(allow 150)
    if [ "$t" = 0 ]; then group_line "$name" 0 1 0 /dev/null; return; fi
    echo "== $name"
    timeout "$t" "$HERE/bin/$bin" "$@" >"$log" 2>&1
    local rc=$?
    grep -P '^[^#\t][^\t]*\t' "$log" | sed 's/^/rust: /' >>"$ROWS"
    grep -E '^#' "$log" | sed 's/^/   /'
    if [ "$rc" -ne 0 ]; then
        tail -5 "$log"
        group_line "$name" 0 1 0 "$log"
    elif grep -qE "$SKIP_RE" "$log"; then
        [ "$HAVE_GPU" = 1 ] && { echo "   a GPU is here, but $name skipped it"; group_line "$name" 0 1 0 "$log"; return; }
        group_line "$name" 0 0 1 "$log"
    else
        group_line "$name" 1 0 0 "$log"
    fi
}

# disk_short <MB> <dir>: why a step that writes <MB> under <dir> cannot run here, or nothing.
disk_short() {
    local free
    mkdir -p "$2" 2>/dev/null
    free=$(df -Pm "$2" 2>/dev/null | awk 'NR == 2 { print $4 }')
    [ -n "$free" ] && [ "$free" -lt "$1" ] && echo "not enough disk: $1 MB needed under $2, $free MB free"
}

export GPU_LOAD_FILE="${GPU_LOAD_FILE:-${TMPDIR:-/tmp}/modules-gpu-load/llama7b-bf16.safetensors}"
tests "modules-cuda unit + PTX" modules-cuda-lib
tests "backend on the device" modules-cuda-gpu
tests "device fills vs CPU streams" modules-core-lib cuda
tests "modules on cuda:0" modules-cuda-modules
program "bench: device" bench-device
program "bench: tensors + 7B load" bench-gpu
program "example: quickstart" quickstart
# The example writes Llama-125M twice (1 GB) into a temporary folder, and removes it.
short=$(disk_short 1200 "${TMPDIR:-/tmp}")
if [ -n "$short" ]; then
    echo "skipped: load: $short" | tee "$LOGS/example: load.log"
    group_line "example: load" 0 0 1 "$LOGS/example: load.log"
else
    program "example: load" load
fi

echo "== torch side by side"
if [ -z "$PY" ]; then
    echo "torch: skipped: python3 not found" | tee "$LOGS/torch.log"
    group_line "torch side by side" 0 0 1 "$LOGS/torch.log"
elif [ "$(allow 120)" = 0 ]; then
    group_line "torch side by side" 0 1 0 /dev/null
else
    timeout "$(allow 120)" "$PY" "$HERE/torch_side.py" >"$LOGS/torch.log" 2>&1
    rc=$?
    grep -P '^torch: .*\t' "$LOGS/torch.log" >>"$ROWS"
    grep '^#' "$LOGS/torch.log" | sed 's/^/   /'
    if [ $rc -ne 0 ]; then tail -5 "$LOGS/torch.log"; group_line "torch side by side" 0 1 0 "$LOGS/torch.log"
    elif grep -q 'skipped' "$LOGS/torch.log"; then
        sed -i 's/^# torch: skipped: /skipped: /' "$LOGS/torch.log"
        group_line "torch side by side" 0 0 1 "$LOGS/torch.log"
    else group_line "torch side by side" 1 0 0 "$LOGS/torch.log"; fi
fi

echo
cat "$GROUPS_FILE"
echo
printf '%-66s %12s  %-6s %s\n' "figure" "value" "unit" "target"
printf '%-66s %12s  %-6s %s\n' "------" "-----" "----" "------"
while IFS=$'\t' read -r name value unit target; do
    printf '%-66s %12s  %-6s %s\n' "$name" "$value" "$unit" "$target"
done <"$ROWS"
[ -s "$ROWS" ] || echo "(no figures: nothing ran on a GPU)"
awk -F'\t' 'function q(s) { gsub(/\\/, "\\\\", s); gsub(/"/, "\\\"", s); return "\"" s "\"" }
    BEGIN { printf "[" }
    { printf "%s\n  {\"name\": %s, \"value\": %s, \"unit\": %s, \"target\": %s}", (NR > 1 ? "," : ""), q($1), ($2 ~ /^-?[0-9.]+$/ ? $2 : q($2)), q($3), q($4) }
    END { print "\n]" }' "$ROWS" >"$LOGS/figures.json"
echo
echo "elapsed: ${SECONDS}s of a ${BUDGET}s budget"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
