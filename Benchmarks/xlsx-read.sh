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
  python3 - "$SOURCE" "$ROWS" <<'PY'
import datetime, random, sys, xlsxwriter
path, rows = sys.argv[1], int(sys.argv[2])
random.seed(7)
units = [f"{city}{office}" for city in ["沈阳市", "大连市", "鞍山市", "抚顺市", "本溪市", "丹东市", "锦州市", "营口市",
         "阜新市", "辽阳市", "盘锦市", "铁岭市", "朝阳市", "葫芦岛市"] for office in ["公安局", "交通运输局", "市场监督管理局", "生态环境局"]]
kinds = ["乱罚款", "乱检查", "乱查封", "逐利执法", "执法不规范", "其他"]
states = ["已整改", "整改中", "未整改"]
wb = xlsxwriter.Workbook(path, {"constant_memory": True, "strings_to_numbers": False})
ws = wb.add_worksheet("整改台账")
date = wb.add_format({"num_format": 'yyyy"年"m"月"d"日"'})
ws.write_row(0, 0, ["序号", "单位", "问题类型", "问题描述", "发现时间", "整改时限", "整改状态", "涉及金额", "责任人", "备注", "编号"])
start = datetime.date(2024, 1, 1)
for r in range(1, rows + 1):
    ws.write_number(r, 0, r)
    ws.write_string(r, 1, random.choice(units))
    ws.write_string(r, 2, random.choice(kinds))
    ws.write_string(r, 3, f"第{r}号问题：{random.choice(kinds)}，涉及{random.randint(1, 99)}户")
    ws.write_datetime(r, 4, start + datetime.timedelta(days=random.randint(0, 180)), date)
    ws.write_datetime(r, 5, start + datetime.timedelta(days=random.randint(181, 365)), date)
    ws.write_string(r, 6, random.choice(states))
    ws.write_number(r, 7, round(random.uniform(0, 100000), 2))
    ws.write_string(r, 8, f"责任人{random.randint(1, 500)}")
    ws.write_string(r, 9, "" if r % 3 else "已复核")
    ws.write_string(r, 10, f"LN-2024-{r:06d}")
wb.close()
PY
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
measure calamine 3 python3 -c '
import sys
from python_calamine import CalamineWorkbook
wb = CalamineWorkbook.from_path(sys.argv[1])
rows = cells = 0
for name in wb.sheet_names:
    for row in wb.get_sheet_by_name(name).to_python(skip_empty_area=False):
        rows += 1
        cells += sum(1 for v in row if v != "" and v is not None)
print(f"calamine rows={rows} cells={cells}")
' "$BOOK" >> "$RESULTS"
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

python3 - "$RESULTS" <<'PY'
import sys
rows = {}
for line in open(sys.argv[1]):
    name, seconds, kib = line.split()
    rows[name] = (float(seconds), int(kib))
t = rows["taizhang"]
print(f"{'reader':<10} {'seconds':>8} {'peak MiB':>9}")
for name, (s, k) in rows.items():
    print(f"{name:<10} {s:8.2f} {k / 1024:9.1f}")
for other in ("calamine", "openpyxl"):
    s, k = rows[other]
    print(f"taizhang / {other}: time {t[0] / s:.2f}×, peak memory {t[1] / k:.2f}×")
PY
