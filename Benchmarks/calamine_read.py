# The peer the read benchmarks time Taizhang against: python-calamine reading every cell of every sheet of FILE
# (.xlsx, .xls or .ods). Usage: calamine_read.py FILE
import sys
from python_calamine import CalamineWorkbook

wb = CalamineWorkbook.from_path(sys.argv[1])
rows = cells = 0
for name in wb.sheet_names:
    for row in wb.get_sheet_by_name(name).to_python(skip_empty_area=False):
        rows += 1
        cells += sum(1 for v in row if v != "" and v is not None)
print(f"calamine rows={rows} cells={cells}")
