#!/usr/bin/env bash
# `taizhang ingest` of one large return — 10,000 and 100,000 rectification rows, the LibreOffice-saved workbooks of
# check.sh — into a new workspace each run, beside `taizhang check` of the same file in the same run (issue 11).
# A file this large is checked and recorded row by row in one transaction: ingest is the check plus the store,
# and its memory should not grow with the rows any more than the check's. The workspace holds no 自查台账 for the
# unit, so every row's 问题编号 is reported as unknown: every finding goes into the stored report too.
# Then a CSV of 100,000 rows each with an error. Prints seconds and peak memory, best of three, and the 10k → 100k
# growth.
#
# Usage: Benchmarks/ingest-large.sh   (the files are cached in $TAIZHANG_BENCH_DIR)
set -euo pipefail
cd "$(dirname "$0")/.."

source Benchmarks/measure.sh   # (the working folder is the repository)
large_ledgers   # builds taizhang (TZ_BIN) and makes the files in $WORK
RESULTS="$WORK/ingest-large-results.txt"
: > "$RESULTS"
for n in 10000 100000; do
  k=$((n / 1000))k
  ws="$WORK/ingest-$n.sqlite"
  measure "ingest-$k" 3 bash -c 'rm -f "$1" "$1-wal" "$1-shm"; exec "$2" ingest "$3" --workspace "$1"' _ \
    "$ws" "$TZ_BIN" "$WORK/lo/ledger-$n.xlsx" >> "$RESULTS"
  measure "check-$k" 3 "$TZ_BIN" check "$WORK/lo/ledger-$n.xlsx" >> "$RESULTS"
done
# And a CSV of the same 100,000 rows with a 整改时限 that is no date on every row: 100,000 errors, every one kept in
# the report stored with the file (some 35 MB, written into the store in pieces).
python3 - "$WORK" <<'PY'
import csv, sys
rows = list(csv.reader(open(f"{sys.argv[1]}/ledger-100000.csv", encoding="utf-8-sig")))
at = next(i for i, r in enumerate(rows) if r and r[0] == "序号")
column = rows[at].index("整改时限")
for r in rows[at + 1:]:
    if r and r[0]:
        r[column] = "去年某天"
with open(f"{sys.argv[1]}/faulty-100000.csv", "w", encoding="utf-8-sig", newline="") as f:
    csv.writer(f).writerows(rows)
PY
measure "ingest-faulty-100k" 3 bash -c 'rm -f "$1" "$1-wal" "$1-shm"; exec "$2" ingest "$3" --workspace "$1"' _ \
  "$WORK/ingest-faulty.sqlite" "$TZ_BIN" "$WORK/faulty-100000.csv" >> "$RESULTS"
python3 -c 'import sqlite3, sys; print("stored report of the faulty file:", sqlite3.connect(sys.argv[1]).execute("SELECT length(report) FROM reports").fetchone()[0], "bytes", file=sys.stderr)' "$WORK/ingest-faulty.sqlite"

python3 Benchmarks/results.py "$RESULTS" \
  'ingest 100k / check 100k: time {t["ingest-100k"] / t["check-100k"]:.2f}×, peak memory +{m["ingest-100k"] - m["check-100k"]:.1f} MiB' \
  'ingest peak memory from 10k to 100k rows: +{m["ingest-100k"] - m["ingest-10k"]:.1f} MiB'
