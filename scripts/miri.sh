#!/usr/bin/env bash
# Miri over the checkpoint loader's unsafe paths (unaligned casts, bool checks, the parallel
# copy): `rustup component add miri --toolchain nightly` once, then `scripts/miri.sh`.
# Tree Borrows: rayon's crossbeam-epoch trips the stricter, experimental Stacked Borrows model
# inside crossbeam itself. -Zmiri-ignore-leaks: rayon's pool threads outlive the test's main.
# Mapped files (zero-copy views, madvise) are not emulated by Miri and are not run here.
set -euo pipefail
cd "$(dirname "$0")/.."
MIRIFLAGS="-Zmiri-tree-borrows -Zmiri-permissive-provenance -Zmiri-ignore-leaks" \
    cargo +nightly miri test -p modules-core --lib checkpoint "$@"
