#!/usr/bin/env bash
# Regenerates kernels.generated.ptx (beside this script) from ../src/kernels.cu with NVRTC
# 13.0.88 from PyPI
# (no CUDA toolkit, no GPU needed), then checks it with ptxas for sm_80 and sm_90.
# Wheels are cached in $NVRTC_DIR (default /work/nvrtc-wheels; outside the repository).
set -euo pipefail
cd "$(dirname "$0")/../../.."
VER=13.0.88
DIR="${NVRTC_DIR:-/work/nvrtc-wheels}"
mkdir -p "$DIR"
for pkg in nvidia_cuda_nvrtc nvidia_cuda_nvcc; do
    if ! ls "$DIR"/${pkg}-${VER}-*.whl >/dev/null 2>&1; then
        pip download --no-deps "${pkg//_/-}==${VER}" -d "$DIR"
    fi
    if [ ! -d "$DIR/$pkg" ]; then
        mkdir -p "$DIR/$pkg"
        python3 -m zipfile -e "$DIR"/${pkg}-${VER}-*.whl "$DIR/$pkg"
    fi
done
LIB="$DIR/nvidia_cuda_nvrtc/nvidia/cu13/lib"
PTXAS="$DIR/nvidia_cuda_nvcc/nvidia/cu13/bin/ptxas"
chmod +x "$PTXAS"
SRC=crates/modules-cuda/src/kernels.cu
OUT=crates/modules-cuda/ptx/kernels.generated.ptx
LD_LIBRARY_PATH="$LIB${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" python3 crates/modules-cuda/ptx/generate.py "$LIB/libnvrtc.so.13" "$SRC" "$OUT" 8.0
for arch in sm_80 sm_90; do
    "$PTXAS" -arch=$arch "$OUT" -o /dev/null
    echo "ptxas -arch=$arch: ok"
done
