import json, sys, datetime
def ref(r, c):
    s = ""; c += 1
    while c: c, m = divmod(c - 1, 26); s = chr(65 + m) + s
    return f"{s}{r + 1}"
def iso(v):
    if isinstance(v, datetime.datetime): return v.strftime("%Y-%m-%dT%H:%M:%S")
    if isinstance(v, datetime.date): return v.strftime("%Y-%m-%dT00:00:00")
    if isinstance(v, datetime.time): return "1899-12-31T" + v.strftime("%H:%M:%S")
    return str(v)
def with_xlrd(path):
    import xlrd
    book = xlrd.open_workbook(path)
    out = {}
    for sheet in book.sheets():
        cells = {}
        for r in range(sheet.nrows):
            for c in range(sheet.ncols):
                cell = sheet.cell(r, c)
                t, v = cell.ctype, cell.value
                if t == 1 and v != "": cells[ref(r, c)] = ["text", v]
                elif t == 2: cells[ref(r, c)] = ["number", v]
                elif t == 3:
                    y, mo, d, h, mi, s = xlrd.xldate_as_tuple(v, book.datemode)
                    if (y, mo, d) == (0, 0, 0): y, mo, d = 1899, 12, 31
                    cells[ref(r, c)] = ["date", f"{y:04d}-{mo:02d}-{d:02d}T{h:02d}:{mi:02d}:{s:02d}"]
                elif t == 4: cells[ref(r, c)] = ["boolean", bool(v)]
                elif t == 5: cells[ref(r, c)] = ["error", xlrd.error_text_from_code[v]]
        out[sheet.name] = {"hidden": sheet.visibility != 0, "cells": cells}
    return out
def with_calamine(path):
    from python_calamine import CalamineWorkbook
    book = CalamineWorkbook.from_path(path)
    out = {}
    for name in book.sheet_names:
        sheet = book.get_sheet_by_name(name)
        cells = {}
        rows = sheet.to_python(skip_empty_area=False)
        for r, row in enumerate(rows):
            for c, v in enumerate(row):
                if v == "" or v is None: continue
                if isinstance(v, bool): cells[ref(r, c)] = ["boolean", v]
                elif isinstance(v, (int, float)): cells[ref(r, c)] = ["number", float(v)]
                elif isinstance(v, (datetime.date, datetime.time)): cells[ref(r, c)] = ["date", iso(v)]
                else: cells[ref(r, c)] = ["text", str(v)]
        out[name] = {"cells": cells}
    return out
which, paths = sys.argv[1], sys.argv[2:]
print(json.dumps({p: (with_xlrd if which == "xlrd" else with_calamine)(p) for p in paths}, ensure_ascii=False))
