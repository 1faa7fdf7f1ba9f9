#!/usr/bin/env bash
# Web workbench load benchmark (a benchmark, not a timed test), on loopback only:
#   1. wrk for 30 s against the board (/) and /api/status with the demo's workspace, the board as of 2024-09-30
#      (15 units × 5 periods): p50/p99 latency and requests/s;
#   2. 4 concurrent uploads of 50 distinct files each (POST /api/submissions): every file recorded exactly once.
# Usage: Benchmarks/web.sh [SECONDS]   (needs wrk and curl: scripts/install-deps.sh installs wrk)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-30}"
command -v wrk >/dev/null || { echo "没有 wrk：请运行 scripts/install-deps.sh（apt-get install wrk）" >&2; exit 2; }
swift build -c release --product taizhang
bin="$PWD/.build/release/taizhang"

work="$(mktemp -d -t taizhang-web-bench-XXXXXX)"
server=""
cleanup() { if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi; rm -rf "$work"; }
trap cleanup EXIT

"$bin" demo "$work/demo" >/dev/null
for p in 2024-05 2024-06 2024-07 2024-08 2024-09; do "$bin" templates --period "$p" -o "$work/uploads/$p" >/dev/null; done

port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
"$bin" serve --workspace "$work/demo/taizhang.sqlite" --host 127.0.0.1 --port "$port" --as-of 2024-09-30 2>"$work/serve.log" &
server=$!
for _ in $(seq 100); do curl -sf -o /dev/null "http://127.0.0.1:$port/static/style.css" && break; sleep 0.1; done
base="http://127.0.0.1:$port"
obligations="$(curl -s "$base/" | grep -o '<td class="s-[a-z-]*" title=' | wc -l)"
echo "== 报送总览截至 2024-09-30：$obligations 份应报送的台账（15 个单位 × 5 个报送期）"
# The board is computed once per change of the workspace (and per day asked for); the first request pays for it.
for day in 2024-09-27 2024-09-28 2024-09-29; do
  curl -s -o /dev/null -w "首次计算（as_of=$day）：%{time_total} 秒\n" "$base/?as_of=$day"
done

for path in "/" "/api/status?period=2024-06"; do
  echo "== wrk -t2 -c16 -d${seconds}s $path"
  wrk -t2 -c16 -d"${seconds}s" --latency "$base$path" | tee "$work/wrk.txt" | grep -E "Requests/sec|^ +50%|^ +99%|Non-2xx|Socket errors" || true
done

echo "== 4 个并发上传，每个 50 个文件（POST /api/submissions）"
before="$(python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT COUNT(*) FROM submissions").fetchone()[0])' "$work/demo/taizhang.sqlite")"
mapfile -t files < <(find "$work/uploads" -name '*.xlsx' | sort | head -200)
start=$(date +%s.%N)
pids=()
for batch in 0 1 2 3; do
  args=()
  for f in "${files[@]:$((batch * 50)):50}"; do args+=(-F "files=@$f"); done
  curl -s -o "$work/upload-$batch.json" -w "上传 $batch：HTTP %{http_code}，%{time_total} 秒\n" "${args[@]}" "$base/api/submissions" &
  pids+=($!)
done
wait "${pids[@]}"
end=$(date +%s.%N)
python3 - "$work" "$before" "$start" "$end" <<'PY'
import json, sqlite3, sys
work, before, start, end = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
outcomes = []
for batch in range(4):
    outcomes += [f["outcome"] for f in json.load(open(f"{work}/upload-{batch}.json"))["files"] if "outcome" in f]
db = sqlite3.connect(f"{work}/demo/taizhang.sqlite")
after = db.execute("SELECT COUNT(*) FROM submissions").fetchone()[0]
names = db.execute("SELECT COUNT(*), COUNT(DISTINCT file_name) FROM submissions WHERE id > (SELECT MAX(id) FROM submissions) - 200").fetchone()
ids = {o["submission"] for o in outcomes}
states = {}
for o in outcomes: states[o["state"]] = states.get(o["state"], 0) + 1
print(f"200 个文件用时 {end - start:.1f} 秒；结果 {len(outcomes)} 个，{len(ids)} 个不同的报送编号，结论：{states}")
print(f"工作区新增 {after - before} 份报送（应为 200），其中不同的文件名 {names[1]} 个")
ok = len(outcomes) == 200 and len(ids) == 200 and after - before == 200 and names[1] == 200 and "known" not in states
print("并发上传：" + ("无丢失、无重复" if ok else "有丢失或重复！"))
sys.exit(0 if ok else 1)
PY
