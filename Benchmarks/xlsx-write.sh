#!/bin/sh
# Writes the same 100,000 × 11 rectification-ledger-like rows with Taizhang, libxlsxwriter (C) and
# Python's XlsxWriter, and prints time and peak memory (RSS, from getrusage in each program and
# /usr/bin/time -v around it) with ratios to libxlsxwriter. Then Taizhang at several deflate levels.
# Usage: Benchmarks/xlsx-write.sh [ROWS]
set -eu
ROWS=${1:-100000}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=$(mktemp -d /tmp/taizhang-xlsx-bench.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
cd "$ROOT"

swift build -c release --product xlsx-write-benchmark >/dev/null
BIN=$(swift build -c release --show-bin-path)/xlsx-write-benchmark
cc -O2 -o "$WORK/libxlsxwriter_bench" Benchmarks/xlsx-write/libxlsxwriter_bench.c -lxlsxwriter

measure() { # name command...: runs under /usr/bin/time -v, prints "name seconds peak_kib bytes"
    name=$1; shift
    /usr/bin/time -v "$@" >"$WORK/out" 2>"$WORK/time" || { cat "$WORK/out" "$WORK/time" >&2; exit 1; }
    cat "$WORK/out" >&2
    wall=$(sed -n 's/^.*seconds=\([0-9.]*\).*$/\1/p' "$WORK/out")
    rss=$(sed -n 's/^[[:space:]]*Maximum resident set size (kbytes): //p' "$WORK/time")
    bytes=$(sed -n 's/^.*bytes=\([0-9]*\).*$/\1/p' "$WORK/out")
    echo "$name $wall $rss $bytes"
}

{
    measure "taizhang" "$BIN" --rows "$ROWS" -o "$WORK/taizhang.xlsx"
    measure "libxlsxwriter(constant_memory)" "$WORK/libxlsxwriter_bench" "$ROWS" "$WORK/lxw.xlsx" 1
    measure "libxlsxwriter(default)" "$WORK/libxlsxwriter_bench" "$ROWS" "$WORK/lxw-default.xlsx" 0
    measure "xlsxwriter.py(constant_memory)" python3 Benchmarks/xlsx-write/xlsxwriter_bench.py "$ROWS" "$WORK/py.xlsx"
} >"$WORK/results"

echo
echo "$ROWS rows × 11 columns"
awk 'NR == 2 { bt = $2; bm = $3 } { t[NR] = $2; m[NR] = $3; n[NR] = $1; b[NR] = $4 }
     END {
        printf "%-32s %9s %12s %12s %10s %10s\n", "writer", "seconds", "peak MiB", "file MiB", "time/lxw", "mem/lxw"
        for (i = 1; i <= NR; i++)
            printf "%-32s %9.2f %12.1f %12.1f %10.2f %10.2f\n", n[i], t[i], m[i] / 1024, b[i] / 1048576, t[i] / bt, m[i] / bm
     }' "$WORK/results"

echo
echo "Taizhang by deflate level"
printf "%-8s %9s %12s %12s\n" "level" "seconds" "peak MiB" "file MiB"
for level in 1 3 6 9; do
    line=$(measure "level$level" "$BIN" --rows "$ROWS" --level "$level" -o "$WORK/l$level.xlsx" 2>/dev/null)
    echo "$line" | awk -v l="$level" '{ printf "%-8s %9.2f %12.1f %12.1f\n", l, $2, $3 / 1024, $4 / 1048576 }'
done

# The files must open: check one cell of each with openpyxl (read-only mode).
python3 - "$WORK/taizhang.xlsx" "$WORK/lxw.xlsx" "$WORK/py.xlsx" <<'PY'
import sys, openpyxl
for path in sys.argv[1:]:
    ws = openpyxl.load_workbook(path, read_only=True).worksheets[0]
    rows = ws.iter_rows(min_row=2, max_row=2, values_only=True)
    row = next(rows)
    assert row[1] == "SY-2024-000001" and str(row[6])[:10] == "2024-06-02", (path, row)
print("all three files read back by openpyxl")
PY
