#!/usr/bin/env bash
# Reading benchmark: a 100,000 × 11 workbook with shared strings, as LibreOffice writes it, read by
# Taizhang (release build), python-calamine and openpyxl (read_only). Prints wall time and peak RSS
# (from /usr/bin/time -v) and Taizhang's ratios to the others. Taizhang and calamine run three times
# each and the fastest run counts (the machine may be shared); openpyxl, being slow, runs once.
#
# Usage: Benchmarks/xlsx-read.sh [ROWS]   (default 100000; the workbook is cached in $WORK)
set -euo pipefail
cd "$(dirname "$0")/.."

ROWS="${1:-100000}"
WORK="${TAIZHANG_BENCH_DIR:-/tmp/taizhang-xlsx-read-bench}"
mkdir -p "$WORK"
SOURCE="$WORK/source-$ROWS.xlsx"
BOOK="$WORK/libreoffice-$ROWS.xlsx"

if [[ ! -f "$BOOK" ]]; then
  echo "Making a $ROWS × 11 workbook with XlsxWriter, then re-saving it with LibreOffice…" >&2
  python3 Benchmarks/rectification_rows.py "$SOURCE" "$ROWS"
  soffice -env:UserInstallation=file://"$WORK"/lo-profile --headless --convert-to xlsx --outdir "$WORK/lo" "$SOURCE" >&2
  mv "$WORK/lo/$(basename "$SOURCE")" "$BOOK"
fi
echo "Workbook: $BOOK ($(du -h "$BOOK" | cut -f1))" >&2

swift build -c release --product xlsx-read-benchmark >&2
BIN="$(swift build -c release --show-bin-path)/xlsx-read-benchmark"

source Benchmarks/measure.sh   # (the working folder is the repository)

RESULTS="$WORK/results.txt"
: > "$RESULTS"
measure taizhang 3 "$BIN" "$BOOK" >> "$RESULTS"
measure calamine 3 python3 Benchmarks/calamine_read.py "$BOOK" >> "$RESULTS"
measure openpyxl 1 python3 -c '
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1], read_only=True)
rows = cells = 0
for ws in wb.worksheets:
    for row in ws.iter_rows(values_only=True):
        rows += 1
        cells += sum(1 for v in row if v is not None and v != "")
print(f"openpyxl rows={rows} cells={cells}")
' "$BOOK" >> "$RESULTS"

python3 Benchmarks/results.py "$RESULTS" \
  'taizhang / calamine: time {t["taizhang"] / t["calamine"]:.2f}×, peak memory {m["taizhang"] / m["calamine"]:.2f}×' \
  'taizhang / openpyxl: time {t["taizhang"] / t["openpyxl"]:.2f}×, peak memory {m["taizhang"] / m["openpyxl"]:.2f}×'
