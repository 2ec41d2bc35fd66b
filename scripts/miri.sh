#!/usr/bin/env bash
# Miri over the unsafe paths of the checkpoint loader (unaligned casts, bool checks, the parallel
# copy) and of host storage (typed views of a buffer's bytes): `rustup component add miri
# --toolchain nightly` once, then `scripts/miri.sh`. Tests that load the CUDA driver (dlopen)
# are skipped: Miri cannot call foreign functions; so are the tests named `large` (gigabyte-scale
# loops, hours under Miri). Host buffers take the allocator path under Miri (no anonymous maps).
# Tree Borrows: rayon's crossbeam-epoch trips the stricter, experimental Stacked Borrows model
# inside crossbeam itself. -Zmiri-ignore-leaks: rayon's pool threads outlive the test's main.
# Mapped files (zero-copy views, madvise) are not emulated by Miri and are not run here.
set -euo pipefail
cd "$(dirname "$0")/.."
MIRIFLAGS="-Zmiri-tree-borrows -Zmiri-permissive-provenance -Zmiri-ignore-leaks" \
    cargo +nightly miri test -p modules-core --lib -- checkpoint tensor::storage::host tensor::tests --skip cuda --skip large "$@"
