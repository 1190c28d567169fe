#!/usr/bin/env bash
# CPU per request, send lag and latency of letgo's open-model load generator
# against vegeta's, on the same loopback server, same rate and duration,
# runs interleaved (the order flips every round).
#
#   scripts/bench-loadgen-vegeta.sh [RATE...]          (default: 2000 5000)
#
# LETGO=/path/to/letgo (default: built from this tree), VEGETA=/path/to/vegeta
# (default: on PATH; `GOFLAGS= go install github.com/tsenart/vegeta/v12@v12.13.0`,
# a benchmark tool, not a dependency). REPS rounds (default 5) of DURATION
# seconds (default 10) per rate. Both tools send rate × DURATION requests, no
# warm-up (letgo --warmup 0s), in-flight window 256 (letgo's default,
# vegeta -max-workers 256). CPU = user + sys of the generator process
# (/usr/bin/time), divided by the requests it sent; for vegeta that is
# `vegeta attack` alone (it encodes every result to a file, which `vegeta
# report` reads afterwards, not counted). Send lag: letgo measures each
# send against its scheduled time; vegeta reports no such figure, and its
# latencies count from the actual send (letgo's "service" column), while
# letgo's latency counts from the intended time. The server's CPU is not
# counted. Loopback only, bounded. The ratio column is letgo/vegeta CPU
# per request within one round; the median of those ratios is printed.
set -euo pipefail
cd "$(dirname "$0")/.."
rates=("$@"); [ ${#rates[@]} -gt 0 ] || rates=(2000 5000)
reps=${REPS:-5}; dur=${DURATION:-10}
vegeta=${VEGETA:-$(command -v vegeta || echo "$HOME/go/bin/vegeta")}
[ -x "$vegeta" ] || { echo "vegeta not found: set VEGETA or put it on PATH" >&2; exit 2; }
tmp=$(mktemp -d); trap 'kill $srv 2>/dev/null || true; rm -rf "$tmp"' EXIT
letgo=${LETGO:-}
if [ -z "$letgo" ]; then CGO_ENABLED=0 go build -o "$tmp/letgo" ./cmd/letgo; letgo=$tmp/letgo; fi
CGO_ENABLED=0 go build -o "$tmp/fastserver" ./scripts/fastserver
"$tmp/fastserver" >"$tmp/addr" & srv=$!
for _ in $(seq 50); do [ -s "$tmp/addr" ] && break; sleep 0.1; done
url="http://$(cat "$tmp/addr")"
echo "machine: $(nproc) cores, $(uname -sr); letgo $letgo; vegeta $(go version -m "$vegeta" 2>/dev/null | awk '$1 == "mod" {print $3}')"
echo "server $url; $reps rounds of ${dur}s per rate; load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
run_letgo() {
  /usr/bin/time -f '%U %S' -o "$tmp/time" "$letgo" load --format json --rate "$1" --duration "${dur}s" --warmup 0s "$url/" >"$tmp/l.json"
  python3 - "$tmp/l.json" "$tmp/time" >>"$tmp/l" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))[0]
u, s = map(float, open(sys.argv[2]).read().split()[-2:])
n = r["sent"]
print(u + s, 1e6 * (u + s) / n, r["send_lag_p99_us"], r["latency_ms"]["p99"], r["service_ms"]["p99"], n - r["completed"])
PY
}
run_vegeta() {
  echo "GET $url/" | /usr/bin/time -f '%U %S' -o "$tmp/time" "$vegeta" attack -rate "$1/s" -duration "${dur}s" -max-workers 256 >"$tmp/v.bin"
  "$vegeta" report -type json <"$tmp/v.bin" >"$tmp/v.json"
  python3 - "$tmp/v.json" "$tmp/time" >>"$tmp/v" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
u, s = map(float, open(sys.argv[2]).read().split()[-2:])
n = r["requests"]
print(u + s, 1e6 * (u + s) / n, "-", "-", r["latencies"]["99th"] / 1e6, n - round(r["success"] * n))
PY
}
printf '%-6s %-3s %-7s %8s %8s %10s %10s %10s %6s %7s %s\n' rate rnd tool cpu_s us/req lag_p99_us lat_p99_ms svc_p99_ms fail l/v load
for rate in "${rates[@]}"; do
  : >"$tmp/l"; : >"$tmp/v"; : >"$tmp/ratio"
  for i in $(seq "$reps"); do
    if [ $((i % 2)) = 1 ]; then run_letgo "$rate"; run_vegeta "$rate"; else run_vegeta "$rate"; run_letgo "$rate"; fi
    ratio=$(paste <(tail -1 "$tmp/l") <(tail -1 "$tmp/v") | awk '{printf "%.3f", $2/$8}')
    echo "$ratio" >>"$tmp/ratio"
    load=$(cut -d' ' -f1 /proc/loadavg)
    for t in letgo vegeta; do
      f=$tmp/${t:0:1}
      # shellcheck disable=SC2046
      printf '%-6s %-3s %-7s %8.2f %8.1f %10s %10s %10.2f %6s %7s %s\n' "$rate" "$i" "$t" $(tail -1 "$f") "$([ $t = letgo ] && echo "$ratio" || echo)" "$load"
    done
  done
  for t in letgo vegeta; do
    f=$tmp/${t:0:1}
    printf '%-6s %-3s %-7s' "$rate" med "$t"
    for col in 2 3 4 5; do
      v=$(awk -v c=$col '{print $c}' "$f")
      if [ "$(echo "$v" | head -1)" = "-" ]; then printf ' %10s' -; else printf ' %10.2f' "$(echo "$v" | median)"; fi
    done
    echo "   (median: us/req lag_p99_us lat_p99_ms svc_p99_ms)"
  done
  printf '%-6s letgo/vegeta CPU per request, median of %d rounds: %.3f (min %.3f, max %.3f)\n' "$rate" "$reps" \
    "$(median <"$tmp/ratio")" "$(sort -g "$tmp/ratio" | head -1)" "$(sort -g "$tmp/ratio" | tail -1)"
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
