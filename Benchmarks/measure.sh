# Sourced by the read benchmarks (needs $WORK): measure NAME RUNS COMMAND… runs the command RUNS times under
# /usr/bin/time -v (the machine may be shared: the fastest run counts) and prints "NAME seconds peakKiB"; the
# command's own output goes to stderr.
measure() {
  local name="$1" runs="$2"; shift 2
  local log="$WORK/time-$name.txt" best=""
  for ((i = 0; i < runs; i++)); do
    /usr/bin/time -v "$@" > "$WORK/out-$name.txt" 2> "$log"
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

