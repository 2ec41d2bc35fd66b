#!/usr/bin/env bash
# The GPU check on a machine that has both cargo and a GPU: builds the bundle, then runs it.
# A device machine without Rust runs the prebuilt bundle instead (scripts/gpu-bundle.sh here,
# `bash target/gpu-bundle/run.sh` there); both print the same groups, figures and counts.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/gpu-bundle.sh
exec bash target/gpu-bundle/run.sh
