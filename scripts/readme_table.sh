#!/usr/bin/env bash
# Copies the headline rows of docs/benchmarks.md (written by scripts/bench.sh) into README.md,
# between the `benchmarks:start` and `benchmarks:end` markers, so the README's table is never
# typed by hand. scripts/bench.sh runs this after every run; it can also be run on its own.
set -euo pipefail
cd "$(dirname "$0")/.."
MD=docs/benchmarks.md
README=README.md

# value <section> <row label>: the row's first value (what follows the label, up to the next
# run of two spaces), from the fenced table of `## section`.
value() {
    awk -v sec="## $1" -v label="$2" '
        $0 == sec { inside = 1; next }
        /^## / { inside = 0 }
        inside && index($0, label) == 1 {
            rest = substr($0, length(label) + 1)
            sub(/^ +/, "", rest)
            split(rest, parts, /  +/)
            print parts[1]
            exit
        }' "$MD"
}
row() { # row <what> <section> <label> <torch section> <torch label> [ratio label]
    local ours theirs
    ours=$(value "$2" "$3")
    theirs=$( [ -n "$4" ] && value "$4" "$5" || true)
    printf '| %s | %s | %s |\n' "$1" "${ours:-n/a}" "${theirs:-n/a}"
}
ratio() { # ratio <section> <label>: the text after "= " on a ratio line
    awk -v sec="## $1" -v label="$2" '
        $0 == sec { inside = 1; next }
        /^## / { inside = 0 }
        inside && index($0, label) == 1 { sub(/.*= /, ""); print; exit }' "$MD"
}

header=$(sed -n '3,4p' "$MD" | tr '\n' ' ' | sed -e 's/ *$//' -e 's/^Written by `scripts\/bench.sh` on /Medians measured on /')
table=$(
    echo "$header Every row, and which memory regime it ran in: [docs/benchmarks.md](docs/benchmarks.md)."
    echo
    echo "| work | modules | PyTorch 2.15 |"
    echo "|---|---|---|"
    row "skip_init Llama-1.1B f32 on the CPU, first call in a fresh process" construct "skip_init Llama-1.1B f32, CPU, fresh process (first call)" construct_torch "skip_init Llama-1.1B f32, CPU, fresh process (first call)"
    row "construction of Llama-70B shapes on meta (warm)" construct "construction on meta of Llama-70B shapes, warm" construct_torch "construction on meta of Llama-70B shapes, warm"
    row "named_parameters over 723 tensors (Llama-70B, meta)" construct "named_parameters over 723 tensors (Llama-70B, meta)" construct_torch "named_parameters over 723 tensors (Llama-70B, meta)"
    row "default init of Llama-1.1B f32 into fresh memory" construct "default init of Llama-1.1B f32, CPU (fresh memory)" construct_torch "default init of Llama-1.1B f32, CPU (fresh memory)"
    row "default init of Llama-1.1B f32 on resident memory (reset_parameters)" construct "  of which: default init on resident memory (reset)" construct_torch "  of which: default init on resident memory (reset)"
    row "uniform_ of 1 GiB f32 (GB/s)" init "uniform_(-0.1, 0.1)" init_torch "uniform_(-0.1, 0.1)"
    row "kaiming_uniform_ of 1 GiB f32 (GB/s)" init "kaiming_uniform_(a=√5, fan_in)" init_torch "kaiming_uniform_(a=√5, fan_in)"
    row "normal_ of 1 GiB f32 (GB/s)" init "normal_(0, 1)" init_torch "normal_(0, 1)"
    row "trunc_normal_ of 1 GiB f32 (GB/s)" init "trunc_normal_(0, 1, -2, 2)" init_torch "trunc_normal_(0, 1, -2, 2)"
    row "copy load of 4.4 GB into a skip_init model (fresh memory)" load "copy load into a skip_init model (fresh)" load "load_state_dict(load_file) into skip_init model"
    row "zero-copy load (file views)" load "zero-copy load (meta model, file views)" load "torch.load(mmap=True) + load_state_dict(assign=True)"
    row "dry run of a Llama-70B bf16 header on meta (quiet machine)" dry_run "dry run on meta, Llama-70B bf16 header" "" ""
    row "shard Llama-70B on meta for world size 8" shard "shard Llama-70B on meta, world 8 (median of 21)" "" ""
    row "sentence embeddings, all-MiniLM-L6-v2, batch 32 (sentences/s)" embed "embed, batch 32 (modules + candle)" embed "embed, batch 32 (sentence-transformers)"
    row "peak RSS of that process (MB)" embed "peak RSS (modules + candle)" embed "peak RSS (sentence-transformers)"
    row "process start to 8 sentence embeddings printed (s)" embed_cold "modules + candle (examples/embed)" embed_cold "sentence-transformers (python)"
    echo
    echo "Copy load, PyTorch / modules: $(ratio load "ratio, copy load (fresh)") fresh, $(ratio load "ratio, copy load (resident)") resident."
)
python3 - "$README" "$table" <<'PY'
import sys
path, table = sys.argv[1], sys.argv[2]
text = open(path).read()
start, end = "<!-- benchmarks:start -->", "<!-- benchmarks:end -->"
if start not in text or end not in text:
    sys.exit(f"{path}: the {start} / {end} markers are missing")
head, rest = text.split(start, 1)
_, tail = rest.split(end, 1)
open(path, "w").write(head + start + "\n" + table + "\n" + end + tail)
PY
echo "updated the benchmark table in $README"
