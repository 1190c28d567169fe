#!/usr/bin/env bash
# Open-model rate and send lag of letgo's load generator against vegeta, on
# the same loopback server in the same run, at each rate of a ladder.
#
#   scripts/bench-loadgen.sh [RATE...]        (default: 2000 5000 10000)
#
# Needs vegeta on PATH (go install github.com/tsenart/vegeta/v12@latest) or
# VEGETA=/path/to/vegeta. Each cell runs REPS times (default 3), letgo and
# vegeta alternating; the medians are printed. Loopback only, bounded.
set -euo pipefail
cd "$(dirname "$0")/.."
rates=("$@"); [ ${#rates[@]} -gt 0 ] || rates=(2000 5000 10000)
reps=${REPS:-3}; dur=${DURATION:-10s}
vegeta=${VEGETA:-$(command -v vegeta || true)}
[ -x "$vegeta" ] || { echo "vegeta not found: set VEGETA or put it on PATH" >&2; exit 2; }
tmp=$(mktemp -d); trap 'kill $srv 2>/dev/null || true; rm -rf "$tmp"' EXIT
CGO_ENABLED=0 go build -o "$tmp/letgo" ./cmd/letgo
CGO_ENABLED=0 go build -o "$tmp/fastserver" ./scripts/fastserver
"$tmp/fastserver" >"$tmp/addr" & srv=$!
for _ in $(seq 50); do [ -s "$tmp/addr" ] && break; sleep 0.1; done
url="http://$(cat "$tmp/addr")"
echo "machine: $(nproc) cores, $(uname -sr), $(go version | cut -d' ' -f3); server $url; $reps reps of $dur per cell"
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
printf '%-7s %-8s %12s %12s %12s %12s %12s\n' rate tool sent/s ok/s lag_p99_us late/fail p99_ms
for rate in "${rates[@]}"; do
  : >"$tmp/l"; : >"$tmp/v"
  for _ in $(seq "$reps"); do
    "$tmp/letgo" load --format json --rate "$rate" --duration "$dur" --warmup 1s "$url/" >"$tmp/l.json"
    python3 - "$tmp/l.json" "$dur" >>"$tmp/l" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))[0]; d = float(sys.argv[2].rstrip('s'))
print(r["sent"] / d, r["throughput"], r["send_lag_p99_us"], r["late"] + r["dropped"], r["latency_ms"]["p99"])
PY
    echo "GET $url/" | "$vegeta" attack -rate "$rate" -duration "$dur" -max-workers 256 >"$tmp/v.bin"
    "$vegeta" report -type json <"$tmp/v.bin" >"$tmp/v.json"
    python3 - "$tmp/v.json" >>"$tmp/v" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
print(r["rate"], r["throughput"], "-", r["requests"] - round(r["success"] * r["requests"]), r["latencies"]["99th"] / 1e6)
PY
  done
  for tool in letgo vegeta; do
    f="$tmp/${tool:0:1}"
    printf '%-7s %-8s' "$rate" "$tool"
    for col in 1 2 3 4 5; do
      v=$(awk -v c=$col '{print $c}' "$f")
      if [ "$(echo "$v" | head -1)" = "-" ]; then printf '%12s' -; else printf '%12.1f' "$(echo "$v" | median)"; fi
    done
    echo
  done
done
