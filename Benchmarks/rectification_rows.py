# Writes ROWS rows of rectification-ledger data (11 columns, CJK, dates, amounts) after a header row to PATH with
# XlsxWriter (constant memory): the data the read benchmarks convert and read. Usage: rectification_rows.py PATH ROWS
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
