#!/usr/bin/env bash
# The main job on a fresh machine: install, build, and run Taizhang end to end on built-in sample data.
# Output goes to ./taizhang-demo (or the folder given as the first argument).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh build   # the build's own libraries only, no test clients
swift build -c release --product taizhang
out="${1:-taizhang-demo}"
.build/release/taizhang demo "$out"
# Shell completion for bash (taizhang --generate-completion-script bash|zsh|fish prints the script).
if [ -d /etc/bash_completion.d ] || mkdir -p /etc/bash_completion.d 2>/dev/null; then
  .build/release/taizhang --generate-completion-script bash > /etc/bash_completion.d/taizhang 2>/dev/null || true
fi
# The manual page (taizhang manual writes it; man taizhang reads it).
if mkdir -p /usr/local/share/man/man1 2>/dev/null; then
  .build/release/taizhang manual > /usr/local/share/man/man1/taizhang.1 2>/dev/null || true
fi
