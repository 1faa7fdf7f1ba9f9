#!/usr/bin/env bash
# `taizhang export` of 10,000 and 100,000 rectification rows, CSV → xlsx, beside a C program on libxlsxwriter
# (constant_memory) that reads the same CSV and writes the same cells (Benchmarks/export/libxlsxwriter_export.c),
# in one run (issue 11). The CSV files are check.sh's (the demo's 抚顺 June 整改工作台账 with its rows repeated;
# made here when missing). Also `taizhang check` of the same CSV, which reads and validates without writing: the
# difference is the writing. Prints seconds and peak memory, best of three, the ratios and the 10k → 100k growth.
#
# Usage: Benchmarks/export.sh   (the files are cached in $TAIZHANG_BENCH_DIR)
set -euo pipefail
cd "$(dirname "$0")/.."

source Benchmarks/measure.sh   # (the working folder is the repository)
large_ledgers csv   # builds taizhang (TZ_BIN) and makes the files in $WORK
cc -O2 -o "$WORK/libxlsxwriter_export" Benchmarks/export/libxlsxwriter_export.c -lxlsxwriter
RESULTS="$WORK/export-results.txt"
: > "$RESULTS"
for n in 10000 100000; do
  k=$((n / 1000))k
  measure "taizhang-$k" 3 "$TZ_BIN" export "$WORK/ledger-$n.csv" --to xlsx -o "$WORK/export-$n.xlsx" >> "$RESULTS"
  measure "libxlsxwriter-$k" 3 "$WORK/libxlsxwriter_export" "$WORK/ledger-$n.csv" "$WORK/export-lxw-$n.xlsx" >> "$RESULTS"
done
measure "check-100k" 3 "$TZ_BIN" check "$WORK/ledger-100000.csv" >> "$RESULTS"

# Both workbooks hold the same rows.
python3 - "$WORK/export-100000.xlsx" "$WORK/export-lxw-100000.xlsx" <<'PY'
import sys, openpyxl
counts = []
for path in sys.argv[1:]:
    ws = openpyxl.load_workbook(path, read_only=True).worksheets[0]
    counts.append(sum(1 for r in ws.iter_rows(values_only=True) if isinstance(r[0], (int, float))))
assert counts[0] == counts[1] == 100000, counts
print("both workbooks hold 100,000 rows (openpyxl)", file=sys.stderr)
PY

python3 Benchmarks/results.py "$RESULTS" \
  'export 100k / libxlsxwriter: time {t["taizhang-100k"] / t["libxlsxwriter-100k"]:.2f}× (target ≤ 1.0), peak {m["taizhang-100k"]:.1f} MiB (target < 64)' \
  'export 10k / libxlsxwriter: time {t["taizhang-10k"] / t["libxlsxwriter-10k"]:.2f}×' \
  'peak memory from 10k to 100k rows: +{m["taizhang-100k"] - m["taizhang-10k"]:.1f} MiB (target < 10)' \
  '100k: reading and validating (check) {t["check-100k"]:.2f} s, writing the rest {t["taizhang-100k"] - t["check-100k"]:.2f} s'
