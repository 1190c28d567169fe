#!/usr/bin/env bash
# CPU per request, send lag and latency of letgo's open-model load generator
# against vegeta's, on the same loopback server, same rate and duration,
# runs interleaved (the order flips every round).
#
#   scripts/bench-loadgen-vegeta.sh [RATE...]          (default: 2000 5000)
#
# LETGO="/path/to/letgo [/path/to/other-letgo ...]" (default: built from this
# tree; several binaries, e.g. an older commit's build, run in the same
# rounds, each compared with vegeta), VEGETA=/path/to/vegeta
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
# counted. late: letgo's sends more than 1 ms after their intended time
# (vegeta: -). cs/req: the generator's context switches per request, from
# `perf stat -e task-clock,context-switches` when perf is on PATH (PERF=0
# turns it off; then -): thread wake-ups are most of what separates the
# generators at these rates. Loopback only, bounded. The ratio column l/v is a letgo binary's
# CPU per request over vegeta's within one round (the machine's load moves
# between rounds); the median of those ratios is printed per binary.
set -euo pipefail
cd "$(dirname "$0")/.."
rates=("$@"); [ ${#rates[@]} -gt 0 ] || rates=(2000 5000)
reps=${REPS:-5}; dur=${DURATION:-10}
vegeta=${VEGETA:-$(command -v vegeta || echo "$HOME/go/bin/vegeta")}
[ -x "$vegeta" ] || { echo "vegeta not found: set VEGETA or put it on PATH" >&2; exit 2; }
tmp=$(mktemp -d); trap 'kill $srv 2>/dev/null || true; rm -rf "$tmp"' EXIT
read -r -a letgos <<<"${LETGO:-}"
if [ ${#letgos[@]} = 0 ]; then CGO_ENABLED=0 go build -o "$tmp/letgo" ./cmd/letgo; letgos=("$tmp/letgo"); fi
CGO_ENABLED=0 go build -o "$tmp/fastserver" ./scripts/fastserver
"$tmp/fastserver" >"$tmp/addr" & srv=$!
for _ in $(seq 50); do [ -s "$tmp/addr" ] && break; sleep 0.1; done
url="http://$(cat "$tmp/addr")"
echo "machine: $(nproc) cores, $(uname -sr); letgo ${letgos[*]}; vegeta $(go version -m "$vegeta" 2>/dev/null | awk '$1 == "mod" {print $3}')"
echo "server $url; $reps rounds of ${dur}s per rate; load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
perf=; if [ "${PERF:-1}" != 0 ] && command -v perf >/dev/null && perf stat -e context-switches true 2>/dev/null; then perf=1; fi
# timed CMD...: runs CMD under /usr/bin/time (CPU) and, with perf, perf stat
# (context switches) into $tmp/perf.
timed() {
  if [ -n "$perf" ]; then
    /usr/bin/time -f '%U %S' -o "$tmp/time" perf stat -x, -e task-clock,context-switches -o "$tmp/perf" "$@"
  else
    : >"$tmp/perf"; /usr/bin/time -f '%U %S' -o "$tmp/time" "$@"
  fi
}
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
run_letgo() { # RATE INDEX
  timed "${letgos[$2]}" load --format json --rate "$1" --duration "${dur}s" --warmup 0s "$url/" >"$tmp/l.json"
  python3 - "$tmp/l.json" "$tmp/time" "$tmp/perf" >>"$tmp/t$2" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))[0]
u, s = map(float, open(sys.argv[2]).read().split()[-2:])
cs = [l.split(",")[0] for l in open(sys.argv[3]) if ",context-switches," in l]
n = r["sent"]
print(u + s, 1e6 * (u + s) / n, r["send_lag_p99_us"], r["latency_ms"]["p99"], r["service_ms"]["p99"], n - r["completed"], n, r["late"],
      "%.2f" % (float(cs[0]) / n) if cs and cs[0].isdigit() else "-")
PY
}
run_vegeta() { # RATE INDEX
  echo "GET $url/" | timed "$vegeta" attack -rate "$1/s" -duration "${dur}s" -max-workers 256 >"$tmp/v.bin"
  "$vegeta" report -type json <"$tmp/v.bin" >"$tmp/v.json"
  python3 - "$tmp/v.json" "$tmp/time" "$tmp/perf" >>"$tmp/t$2" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
u, s = map(float, open(sys.argv[2]).read().split()[-2:])
cs = [l.split(",")[0] for l in open(sys.argv[3]) if ",context-switches," in l]
n = r["requests"]
print(u + s, 1e6 * (u + s) / n, "-", "-", r["latencies"]["99th"] / 1e6, n - round(r["success"] * n), n, "-",
      "%.2f" % (float(cs[0]) / n) if cs and cs[0].isdigit() else "-")
PY
}
# Tools 0..k-1 are the letgo binaries, tool k is vegeta; each round starts
# one tool later than the one before, so no tool always runs first.
k=${#letgos[@]}; ntools=$((k + 1))
name() { if [ "$1" = "$k" ]; then echo vegeta; elif [ "$k" = 1 ]; then echo letgo; else echo "letgo$1"; fi; }
printf '%-6s %-3s %-7s %8s %8s %10s %10s %10s %6s %7s %6s %6s %7s %s\n' rate rnd tool cpu_s us/req lag_p99_us lat_p99_ms svc_p99_ms fail sent late cs/req l/v load
for rate in "${rates[@]}"; do
  for t in $(seq 0 $k); do : >"$tmp/t$t"; : >"$tmp/r$t"; done
  for i in $(seq "$reps"); do
    for j in $(seq 0 $k); do
      t=$(( (i + j) % ntools ))
      if [ "$t" = "$k" ]; then run_vegeta "$rate" "$t"; else run_letgo "$rate" "$t"; fi
    done
    load=$(cut -d' ' -f1 /proc/loadavg)
    for t in $(seq 0 $k); do
      ratio=
      if [ "$t" != "$k" ]; then
        ratio=$(paste <(tail -1 "$tmp/t$t") <(tail -1 "$tmp/t$k") | awk '{printf "%.3f", $2/$11}')
        echo "$ratio" >>"$tmp/r$t"
      fi
      # shellcheck disable=SC2046
      printf '%-6s %-3s %-7s %8.2f %8.1f %10s %10s %10.2f %6s %7s %6s %6s %7s %s\n' "$rate" "$i" "$(name "$t")" $(tail -1 "$tmp/t$t") "$ratio" "$load"
    done
  done
  for t in $(seq 0 $k); do
    printf '%-6s %-3s %-7s' "$rate" med "$(name "$t")"
    for col in 2 3 4 5 8 9; do
      v=$(awk -v c=$col '{print $c}' "$tmp/t$t")
      if [ "$(echo "$v" | head -1)" = "-" ]; then printf ' %10s' -; else printf ' %10.2f' "$(echo "$v" | median)"; fi
    done
    echo "   (median: us/req lag_p99_us lat_p99_ms svc_p99_ms late cs/req)"
  done
  for t in $(seq 0 $((k - 1))); do
    printf '%-6s %s/vegeta CPU per request, median of %d rounds: %.3f (min %.3f, max %.3f)\n' "$rate" "$(name "$t")" "$reps" \
      "$(median <"$tmp/r$t")" "$(sort -g "$tmp/r$t" | head -1)" "$(sort -g "$tmp/r$t" | tail -1)"
  done
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
