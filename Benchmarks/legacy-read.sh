#!/usr/bin/env bash
# Reading benchmark for the legacy formats (issue 20): a 65,000-row .xls (BIFF8 holds 65,536 rows a sheet) and a
# 100,000-row .ods, both written by LibreOffice from the same 11-column data as Benchmarks/xlsx-read.sh, read by
# Taizhang (release build) and python-calamine in the same run. Prints wall time and peak RSS (/usr/bin/time -v)
# and Taizhang's ratios; each reader runs three times and its fastest run counts (the machine may be shared).
#
# Usage: Benchmarks/legacy-read.sh   (the workbooks are cached in $TAIZHANG_BENCH_DIR)
set -euo pipefail
cd "$(dirname "$0")/.."
WORK="${TAIZHANG_BENCH_DIR:-/tmp/taizhang-legacy-read-bench}"
mkdir -p "$WORK"

# make ROWS EXT: the data written by XlsxWriter, converted by LibreOffice to EXT.
make() {
  local rows="$1" ext="$2" source="$WORK/source-$1.xlsx" book="$WORK/libreoffice-$1.$2"
  if [[ ! -f "$book" ]]; then
    if [[ ! -f "$source" ]]; then
      echo "Making a $rows × 11 workbook with XlsxWriter…" >&2
      python3 Benchmarks/rectification_rows.py "$source" "$((rows - 1))"   # the header row and rows − 1 of data
    fi
    echo "Converting to .$ext with LibreOffice…" >&2
    soffice -env:UserInstallation=file://"$WORK"/lo-profile --headless --convert-to "$ext" --outdir "$WORK/lo" "$source" >&2
    mv "$WORK/lo/$(basename "$source" .xlsx).$ext" "$book"
  fi
  echo "$book"
}
XLS="$(make 65000 xls)"
ODS="$(make 100000 ods)"
echo "Workbooks: $XLS ($(du -h "$XLS" | cut -f1)), $ODS ($(du -h "$ODS" | cut -f1))" >&2

swift build -c release --product xlsx-read-benchmark >&2
BIN="$(swift build -c release --show-bin-path)/xlsx-read-benchmark"

source Benchmarks/measure.sh   # (the working folder is the repository)
RESULTS="$WORK/results.txt"
: > "$RESULTS"
measure taizhang-xls 3 "$BIN" "$XLS" >> "$RESULTS"
measure calamine-xls 3 python3 Benchmarks/calamine_read.py "$XLS" >> "$RESULTS"
measure taizhang-ods 3 "$BIN" "$ODS" >> "$RESULTS"
measure calamine-ods 3 python3 Benchmarks/calamine_read.py "$ODS" >> "$RESULTS"

python3 Benchmarks/results.py "$RESULTS" \
  '.xls: taizhang / calamine: time {t["taizhang-xls"] / t["calamine-xls"]:.2f}×, peak memory {m["taizhang-xls"] / m["calamine-xls"]:.2f}×' \
  '.ods: taizhang / calamine: time {t["taizhang-ods"] / t["calamine-ods"]:.2f}×, peak memory {m["taizhang-ods"] / m["calamine-ods"]:.2f}×'
