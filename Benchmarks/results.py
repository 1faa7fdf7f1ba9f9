"""Prints the results `measure` (measure.sh) collected — a line "NAME seconds peakKiB" each — as a table, then each
further argument as a line of its own: a text whose {expressions} are Python, with `t[NAME]` the seconds and `m[NAME]`
the peak memory in MiB of each measured command. Shared by the benchmark scripts.
Usage: python3 Benchmarks/results.py RESULTS ['time {t["a"] / t["b"]:.2f}×' ...]"""
import sys

t, m = {}, {}
for line in open(sys.argv[1]):
    name, seconds, kib = line.split()
    t[name], m[name] = float(seconds), int(kib) / 1024
width = max([len(name) for name in t] + [7])
print(f"{'command':<{width}} {'seconds':>8} {'peak MiB':>9}")
for name in t:
    print(f"{name:<{width}} {t[name]:8.2f} {m[name]:9.1f}")
for template in sys.argv[2:]:
    print(eval("f" + repr(template), {"t": t, "m": m}))
