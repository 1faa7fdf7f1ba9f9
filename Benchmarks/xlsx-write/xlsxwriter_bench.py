"""The xlsx-write benchmark's rows written with Python's XlsxWriter in constant_memory mode.
Usage: python3 xlsxwriter_bench.py ROWS FILE"""
import datetime
import os
import resource
import sys
import time

import xlsxwriter

rows = int(sys.argv[1]) if len(sys.argv) > 1 else 100000
path = sys.argv[2] if len(sys.argv) > 2 else "/tmp/xlsxwriter-bench.xlsx"
measures = ["组织执法人员开展专题培训，规范执法程序", "建立健全行政执法公示制度并公开执法信息",
            "落实执法全过程记录制度，配备执法记录仪", "开展重大执法决定法制审核，完善审核清单",
            "对相关责任人进行约谈提醒并限期整改到位"]
cities = ["沈阳", "大连", "鞍山", "抚顺", "本溪", "丹东", "锦州", "营口", "阜新", "辽阳", "盘锦", "铁岭", "朝阳", "葫芦岛"]
people = ["张伟", "王芳", "李娜", "刘洋", "陈静", "杨磊", "赵敏", "黄强", "周杰", "吴昊"]
statuses = ["已整改", "正在整改", "未整改"]
headers = ["序号", "问题编号", "问题描述", "整改措施", "责任单位", "责任人", "整改时限", "整改状态", "完成时间", "是否追责问责", "备注"]
widths = [6, 14, 60, 40, 24, 8, 12, 10, 12, 8, 14]
deadline = datetime.date(2024, 6, 1)
done = datetime.date(2024, 5, 20)

start = time.monotonic()
book = xlsxwriter.Workbook(path, {"constant_memory": True})
bold = book.add_format({"bold": True, "border": 1, "align": "center"})
date = book.add_format({"num_format": "yyyy-mm-dd"})
sheet = book.add_worksheet("整改工作台账")
for c, w in enumerate(widths):
    sheet.set_column(c, c, w)
sheet.freeze_panes(1, 0)
for c, h in enumerate(headers):
    sheet.write_string(0, c, h, bold)
for i in range(1, rows + 1):
    sheet.write_number(i, 0, i)
    sheet.write_string(i, 1, "SY-2024-%06d" % i)
    sheet.write_string(i, 2, "执法人员在第%d次现场检查中未出示执法证件，存在执法程序不规范问题" % i)
    sheet.write_string(i, 3, measures[i % 5])
    sheet.write_string(i, 4, cities[i % 14] + "市工业和信息化局")
    sheet.write_string(i, 5, people[i % 10])
    sheet.write_datetime(i, 6, deadline + datetime.timedelta(days=i % 120), date)
    sheet.write_string(i, 7, statuses[i % 3])
    sheet.write_datetime(i, 8, done + datetime.timedelta(days=i % 90), date)
    sheet.write_string(i, 9, "是" if i % 7 == 0 else "否")
    sheet.write_string(i, 10, "第%d条备注" % i)
book.close()
seconds = time.monotonic() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print("xlsxwriter.py(constant_memory) rows=%d seconds=%.3f peak_rss_kib=%d bytes=%d" % (rows, seconds, peak, os.path.getsize(path)))
