#!/usr/bin/env bash
# `taizhang check` on 100,000 (and 10,000) rectification rows, beside python-calamine reading every cell of the
# same LibreOffice-saved workbook, in one run (issue 11). The ledger is the demo's 抚顺 June 整改工作台账 with its
# rows repeated under new 问题编号, exported by Taizhang and re-saved by LibreOffice. Prints seconds and peak
# memory, best of three, and the ratios.
#
# Usage: Benchmarks/check.sh   (the files are cached in $TAIZHANG_BENCH_DIR)
set -euo pipefail
cd "$(dirname "$0")/.."

source Benchmarks/measure.sh   # (the working folder is the repository)
large_ledgers   # builds taizhang (TZ_BIN) and makes the files in $WORK
RESULTS="$WORK/results.txt"
: > "$RESULTS"
measure taizhang-10k 3 "$TZ_BIN" check "$WORK/lo/ledger-10000.xlsx" >> "$RESULTS"
measure taizhang-100k 3 "$TZ_BIN" check "$WORK/lo/ledger-100000.xlsx" >> "$RESULTS"
measure calamine-100k 3 python3 Benchmarks/calamine_read.py "$WORK/lo/ledger-100000.xlsx" >> "$RESULTS"

python3 Benchmarks/results.py "$RESULTS" \
  'check 100k / calamine: time {t["taizhang-100k"] / t["calamine-100k"]:.2f}× (target ≤ 1.0), peak memory {m["taizhang-100k"] / m["calamine-100k"]:.2f}× (target ≤ 0.33)' \
  'peak memory from 10k to 100k rows: +{m["taizhang-100k"] - m["taizhang-10k"]:.1f} MiB (target < 10)'
