#!/usr/bin/env bash
# Cold start to the first embedding: process start -> vectors printed for 8 sentences, the
# example (release) against a Python process doing the same with sentence-transformers.
# Medians of 5 runs each, page cache warm. MODULES_PYTHON: a Python with sentence-transformers.
set -euo pipefail
cd "$(dirname "$0")/.."
MODEL=$(scripts/get-minilm.sh)
cargo build --release --features candle --example embed >&2
PY=${MODULES_PYTHON:-python3}
S=("one" "two words" "a third sentence" "the fourth" "fifth!" "sixth, with commas" "seventh" "the eighth and last")
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
run() { local s; s=$(date +%s.%N); "$@" >/dev/null 2>&1; echo "$(date +%s.%N) - $s" | bc; }
ours=$(for _ in 1 2 3 4 5; do run target/release/examples/embed --model "$MODEL" "${S[@]}"; done | median)
theirs=$(for _ in 1 2 3 4 5; do run env HF_HUB_OFFLINE=1 "$PY" -c "
import sys; from sentence_transformers import SentenceTransformer
print(SentenceTransformer(sys.argv[1], device='cpu').encode(sys.argv[2:]).tolist())" "$MODEL" "${S[@]}"; done | median)
echo "cold start to 8 embeddings, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
printf '%-40s %8.3f s\n' "modules + candle (examples/embed)" "$ours" "sentence-transformers (python)" "$theirs"
echo "ratio: $(echo "$theirs / $ours" | bc -l | cut -c1-5)x"
