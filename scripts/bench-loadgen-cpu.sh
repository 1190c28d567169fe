#!/usr/bin/env bash
# CPU per request of two letgo binaries' open-model load generator (e.g. a
# build of an older commit against the current one), on the same loopback
# server in the same run, runs alternating.
#
#   scripts/bench-loadgen-cpu.sh OLD_LETGO NEW_LETGO [RATE...]   (default: 2000 5000)
#
# Each binary runs `letgo load --rate R` for DURATION (default 10s) after a
# 1 s warm-up, REPS times (default 5) per rate; CPU is user + sys of the
# letgo process (/usr/bin/time), divided by the requests it sent (rate ×
# (warm-up + duration)). Prints per run and the medians; the server's own
# CPU is not counted. Loopback only, bounded.
set -euo pipefail
cd "$(dirname "$0")/.."
old=$1; new=$2; shift 2
rates=("$@"); [ ${#rates[@]} -gt 0 ] || rates=(2000 5000)
reps=${REPS:-5}; dur=${DURATION:-10}
tmp=$(mktemp -d); trap 'kill $srv 2>/dev/null || true; rm -rf "$tmp"' EXIT
CGO_ENABLED=0 go build -o "$tmp/fastserver" ./scripts/fastserver
"$tmp/fastserver" >"$tmp/addr" & srv=$!
for _ in $(seq 50); do [ -s "$tmp/addr" ] && break; sleep 0.1; done
url="http://$(cat "$tmp/addr")"
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); server $url; $reps reps of ${dur}s per cell"
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
printf '%-6s %-4s %10s %10s %12s %10s\n' rate bin cpu_s us/req lag_p99_us p99_ms
for rate in "${rates[@]}"; do
  : >"$tmp/old"; : >"$tmp/new"
  for _ in $(seq "$reps"); do
    for which in old new; do
      bin=$old; [ $which = new ] && bin=$new
      /usr/bin/time -f '%U %S' -o "$tmp/time" "$bin" load --format json --rate "$rate" --duration "${dur}s" --warmup 1s "$url/" >"$tmp/out.json"
      python3 - "$tmp/out.json" "$tmp/time" "$rate" "$dur" >>"$tmp/$which" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))[0]
u, s = map(float, open(sys.argv[2]).read().split()[-2:])
n = float(sys.argv[3]) * (1 + float(sys.argv[4]))
print(u + s, 1e6 * (u + s) / n, r["send_lag_p99_us"], r["latency_ms"]["p99"])
PY
      printf '%-6s %-4s %10.2f %10.1f %12.0f %10.2f\n' "$rate" "$which" $(tail -1 "$tmp/$which")
    done
  done
  for which in old new; do
    printf '%-6s %-4s' "$rate" "$which"
    for col in 1 2 3 4; do printf ' %10.2f' "$(awk -v c=$col '{print $c}' "$tmp/$which" | median)"; done
    echo "  (median)"
  done
  paste "$tmp/new" "$tmp/old" | awk '{print $2/$6}' | median | xargs printf '%-6s new/old CPU per request, median of pairs: %.3f\n' "$rate"
done
