# Sourced by the read benchmarks (needs $WORK): measure NAME RUNS COMMAND… runs the command RUNS times under
# /usr/bin/time -v (the machine may be shared: the fastest run counts) and prints "NAME seconds peakKiB"; the
# command's own output goes to stderr. A status over 1 stops the benchmark.
measure() {
  local name="$1" runs="$2"; shift 2
  local log="$WORK/time-$name.txt" best=""
  for ((i = 0; i < runs; i++)); do
    # (Status 1 is a command that ran and found problems: a file returned for correction.)
    local status=0
    /usr/bin/time -v "$@" > "$WORK/out-$name.txt" 2> "$log" || status=$?
    if (( status > 1 )); then cat "$log" >&2; return "$status"; fi
    cat "$WORK/out-$name.txt" >&2
    local wall rss line
    wall=$(grep "Elapsed (wall clock)" "$log" | awk '{print $NF}')
    rss=$(grep "Maximum resident set size" "$log" | awk '{print $NF}')
    line=$(python3 -c "import sys; p=sys.argv[1].split(':'); s=sum(float(x)*60**i for i,x in enumerate(reversed(p))); print(sys.argv[2], f'{s:.3f}', sys.argv[3])" "$wall" "$name" "$rss")
    echo "  run $((i + 1)): $line" >&2
    if [[ -z "$best" ]] || python3 -c "import sys; sys.exit(0 if float(sys.argv[1]) < float(sys.argv[2]) else 1)" "$(echo "$line" | cut -d' ' -f2)" "$(echo "$best" | cut -d' ' -f2)"; then
      best="$line"
    fi
  done
  echo "$best"
}


# Sets up the check, export and ingest benchmarks: WORK ($TAIZHANG_BENCH_DIR, /tmp/taizhang-check-bench by
# default), TZ_BIN (the release build of taizhang, built here), and makes (once; cached in $WORK) their large
# ledgers: the demo's 抚顺 June 整改工作台账 with its rows repeated under new 问题编号 to 10,000 and 100,000 rows, as
# CSV (ledger-N.csv) and, unless called as `large_ledgers csv`, as Taizhang writes it (ledger-N.xlsx) and re-saved
# by LibreOffice (lo/ledger-N.xlsx).
large_ledgers() {
  WORK="${TAIZHANG_BENCH_DIR:-/tmp/taizhang-check-bench}"
  mkdir -p "$WORK"
  swift build -c release --product taizhang >&2
  TZ_BIN="$(swift build -c release --show-bin-path)/taizhang"
  if [[ ! -f "$WORK/ledger-100000.csv" ]]; then
    rm -rf "$WORK/demo"
    "$TZ_BIN" demo "$WORK/demo" > /dev/null
    "$TZ_BIN" export "$WORK/demo/2-各单位报送/2024-06_抚顺市工业和信息化局_整改工作台账.xlsx" --to csv -o "$WORK/small.csv" >&2
    python3 Benchmarks/repeat_ledger.py "$WORK"
  fi
  [[ "${1:-}" == csv || -f "$WORK/lo/ledger-100000.xlsx" ]] && return
  for n in 10000 100000; do
    "$TZ_BIN" export "$WORK/ledger-$n.csv" --to xlsx -o "$WORK/ledger-$n.xlsx" >&2
    soffice -env:UserInstallation=file://"$WORK"/lo-profile --headless --convert-to xlsx --outdir "$WORK/lo" \
      "$WORK/ledger-$n.xlsx" >&2
  done
}
