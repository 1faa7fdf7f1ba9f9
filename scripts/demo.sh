#!/usr/bin/env bash
# The main job on a fresh machine: install, build, and run Taizhang end to end on built-in sample data.
# Output goes to ./taizhang-demo (or the folder given as the first argument).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
swift build -c release --product taizhang
out="${1:-taizhang-demo}"
.build/release/taizhang demo "$out"
