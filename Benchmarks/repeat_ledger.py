"""Writes ledger-10000.csv and ledger-100000.csv in WORK from small.csv (the demo's 抚顺 June 整改工作台账 exported as
CSV): its header fields and column labels, then its rows repeated under new 序号 and 问题编号. Shared by the check and
export benchmarks. Usage: python3 Benchmarks/repeat_ledger.py WORK"""
import csv, sys

work = sys.argv[1]
rows = list(csv.reader(open(f"{work}/small.csv", encoding="utf-8-sig")))
at = next(i for i, r in enumerate(rows) if r and r[0] == "序号")
head, data = rows[:at + 1], [r for r in rows[at + 1:] if r and r[0]]
for n in (10000, 100000):
    with open(f"{work}/ledger-{n}.csv", "w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerows(head)
        for k in range(n):
            r = list(data[k % len(data)])
            r[0], r[1], r[2] = str(k + 1), f"FS-2024-{k + 1:06d}", f"{r[2]}（第{k + 1}号）"
            w.writerow(r)
