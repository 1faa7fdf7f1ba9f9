#!/usr/bin/env bash
# `taizhang check` on 100,000 (and 10,000) rectification rows, beside python-calamine reading every cell of the
# same LibreOffice-saved workbook, in one run (issue 11). The ledger is the demo's 抚顺 June 整改工作台账 with its
# rows repeated under new 问题编号, exported by Taizhang and re-saved by LibreOffice. Prints seconds and peak
# memory, best of three, and the ratios.
#
# Usage: Benchmarks/check.sh   (the files are cached in $TAIZHANG_BENCH_DIR)
set -euo pipefail
cd "$(dirname "$0")/.."
WORK="${TAIZHANG_BENCH_DIR:-/tmp/taizhang-check-bench}"
mkdir -p "$WORK"
swift build -c release --product taizhang >&2
TZ_BIN="$(swift build -c release --show-bin-path)/taizhang"

if [[ ! -f "$WORK/lo/ledger-100000.xlsx" ]]; then
  rm -rf "$WORK/demo"
  "$TZ_BIN" demo "$WORK/demo" > /dev/null
  "$TZ_BIN" export "$WORK/demo/2-各单位报送/2024-06_抚顺市工业和信息化局_整改工作台账.xlsx" --to csv -o "$WORK/small.csv"
  python3 Benchmarks/repeat_ledger.py "$WORK"
  for n in 10000 100000; do
    "$TZ_BIN" export "$WORK/ledger-$n.csv" --to xlsx -o "$WORK/ledger-$n.xlsx"
    soffice -env:UserInstallation=file://"$WORK"/lo-profile --headless --convert-to xlsx --outdir "$WORK/lo" \
      "$WORK/ledger-$n.xlsx" >&2
  done
fi

source Benchmarks/measure.sh   # (the working folder is the repository)
RESULTS="$WORK/results.txt"
: > "$RESULTS"
measure taizhang-10k 3 "$TZ_BIN" check "$WORK/lo/ledger-10000.xlsx" >> "$RESULTS"
measure taizhang-100k 3 "$TZ_BIN" check "$WORK/lo/ledger-100000.xlsx" >> "$RESULTS"
measure calamine-100k 3 python3 Benchmarks/calamine_read.py "$WORK/lo/ledger-100000.xlsx" >> "$RESULTS"

python3 - "$RESULTS" <<'PY'
import sys
rows = {}
for line in open(sys.argv[1]):
    name, seconds, kib = line.split()
    rows[name] = (float(seconds), int(kib))
print(f"{'command':<14} {'seconds':>8} {'peak MiB':>9}")
for name, (s, k) in rows.items():
    print(f"{name:<14} {s:8.2f} {k / 1024:9.1f}")
t, c, s = rows["taizhang-100k"], rows["calamine-100k"], rows["taizhang-10k"]
print(f"check 100k / calamine: time {t[0] / c[0]:.2f}× (target ≤ 1.0), peak memory {t[1] / c[1]:.2f}× (target ≤ 0.33)")
print(f"peak memory from 10k to 100k rows: +{(t[1] - s[1]) / 1024:.1f} MiB (target < 10)")
PY
