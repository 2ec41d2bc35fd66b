#!/usr/bin/env bash
# Builds the GPU check as a bundle that runs where there is no Rust toolchain and no network
# (the device machine): target/gpu-bundle/ holds stripped release binaries of every test,
# benchmark and example that touches CUDA or NCCL, the PTX, the PyTorch side and run.sh.
#   scripts/gpu-bundle.sh && bash target/gpu-bundle/run.sh
# Fails here when the bundle exceeds 64 MiB (what the device tool carries) or when a binary needs
# a glibc newer than 2.35 (Ubuntu 22.04), naming the symbol.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=target/gpu-bundle
MAX_BYTES=$((64 << 20))
GLIBC_MAX=2.35
rm -rf "$OUT"
mkdir -p "$OUT/bin"
export CARGO_TERM_COLOR=never

# build <bundle name> <cargo args...>: builds one target and copies its executable.
build() {
    local name=$1
    shift
    local exe
    exe=$(cargo "$@" --message-format=json-render-diagnostics |
        python3 -c 'import json, sys
exes = [m["executable"] for m in map(json.loads, sys.stdin) if m.get("reason") == "compiler-artifact" and m.get("executable")]
print(exes[-1] if exes else "")')
    [ -n "$exe" ] || { echo "gpu-bundle: cargo $* produced no executable" >&2; exit 1; }
    cp "$exe" "$OUT/bin/$name"
}
build modules-cuda-lib test --release --no-run -p modules-cuda --lib
build modules-cuda-gpu test --release --no-run -p modules-cuda --test gpu
build modules-core-lib test --release --no-run -p modules-core --lib
build modules-cuda-modules test --release --no-run -p modules --test cuda
build bench-device bench --no-run -p modules-cuda --bench device
build bench-gpu bench --no-run -p modules --bench gpu
build quickstart build --release -p modules --example quickstart
build load build --release -p modules --example load
strip "$OUT"/bin/*

cp scripts/gpu/run.sh scripts/gpu/torch_side.py crates/modules-cuda/ptx/kernels.generated.ptx "$OUT/"
git rev-parse HEAD >"$OUT/COMMIT" 2>/dev/null || echo unknown >"$OUT/COMMIT"
git diff --quiet HEAD 2>/dev/null || sed -i 's/$/ (plus uncommitted changes)/' "$OUT/COMMIT"

# glibc: every versioned symbol at most GLIBC_MAX.
too_new=$(for f in "$OUT"/bin/*; do
    objdump -T "$f" | awk -v file="${f##*/}" -v max="$GLIBC_MAX" '
        match($0, /GLIBC_[0-9]+(\.[0-9]+)+/) {
            v = substr($0, RSTART + 6, RLENGTH - 6); split(v, a, "."); split(max, b, ".")
            if (a[1] > b[1] || (a[1] == b[1] && a[2] + 0 > b[2] + 0)) print file ": " $NF " needs GLIBC_" v
        }'
done)
if [ -n "$too_new" ]; then
    echo "gpu-bundle: symbols newer than GLIBC_$GLIBC_MAX (the bundle must run on Ubuntu 22.04):" >&2
    echo "$too_new" >&2
    exit 1
fi
newest=$(for f in "$OUT"/bin/*; do objdump -T "$f"; done | grep -o 'GLIBC_[0-9.]*' | sort -uV | tail -1)

bytes=$(du -sb "$OUT" | cut -f1)
if [ "$bytes" -gt "$MAX_BYTES" ]; then
    echo "gpu-bundle: $OUT is $bytes bytes, over the 64 MiB the device tool carries" >&2
    du -b "$OUT"/bin/* >&2
    exit 1
fi
echo "gpu-bundle: $OUT, $((bytes >> 20)) MiB in $(ls "$OUT/bin" | wc -l) binaries, newest glibc symbol $newest (<= GLIBC_$GLIBC_MAX)"
