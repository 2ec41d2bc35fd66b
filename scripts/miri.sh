#!/usr/bin/env bash
# Miri over the unsafe paths of the checkpoint loader (unaligned casts, bool checks, the parallel
# copy) and of host storage (typed views of a buffer's bytes): `rustup component add miri
# --toolchain nightly` once, then `scripts/miri.sh`. Tests that load the CUDA driver (dlopen)
# are not listed: Miri cannot call foreign functions; nor are the megabyte-scale fills (hours
# under Miri). Host buffers take the allocator path under Miri (no anonymous maps).
# Tree Borrows: rayon's crossbeam-epoch trips the stricter, experimental Stacked Borrows model
# inside crossbeam itself. -Zmiri-ignore-leaks: rayon's pool threads outlive the test's main.
# Mapped files (zero-copy views, madvise) are not emulated by Miri and are not run here.
set -euo pipefail
cd "$(dirname "$0")/.."
MIRIFLAGS="-Zmiri-tree-borrows -Zmiri-permissive-provenance -Zmiri-ignore-leaks" \
    cargo +nightly miri test -p modules-core --lib -- checkpoint \
        host::tests::carved tensor::tests::typed_access tensor::tests::constructors \
        tensor::tests::from_slice tensor::tests::to_and_to_empty tensor::tests::empty_many \
        tensor::tests::cpu_memory "$@"
