#!/usr/bin/env bash
# Times letgo's Python front end (parse + typed view, file reads excluded) on
# any directories, against CPython's ast on 2 processes and against
# `rg -c eventlet` when ripgrep is installed. Prints MB/s and ratios.
#
#   scripts/bench-frontend.sh ~/src/nova ~/src/neutron ~/src/oslo.service
#
# Environment: PYTHON (default python3), REPEAT (default 5).
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: $0 DIR..." >&2; exit 2; }
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
REPEAT=${REPEAT:-5}
bin=$(mktemp -d)/letgo
CGO_ENABLED=0 go build -o "$bin" ./cmd/letgo

field() { awk -v k="$1" '$1 == k { print $2 }'; }

echo "machine: $(nproc) cores, $(uname -m), $(go version | awk '{print $3}'), $($PYTHON --version 2>&1)"
go1=$("$bin" debug frontend -workers 1 -repeat "$REPEAT" "$@")
go2=$("$bin" debug frontend -workers 2 -repeat "$REPEAT" "$@")
py2=$("$PYTHON" scripts/bench_ast.py --procs 2 --repeat 3 "$@")

bytes=$(echo "$go1" | field bytes)
echo "corpus: $(echo "$go1" | field files) files, $bytes bytes, syntax errors: $(echo "$go1" | field syntax_errors)"
printf '%-34s %10s %10s\n' "front end" "seconds" "MB/s"
printf '%-34s %10s %10s\n' "letgo, 1 worker" "$(echo "$go1" | field median_seconds)" "$(echo "$go1" | field mb_per_s)"
printf '%-34s %10s %10s\n' "letgo, 2 workers" "$(echo "$go2" | field median_seconds)" "$(echo "$go2" | field mb_per_s)"
printf '%-34s %10s %10s\n' "python3 ast.parse+walk, 2 procs" "$(echo "$py2" | field median_seconds)" "$(echo "$py2" | field mb_per_s)"
if command -v rg >/dev/null; then
  best=""
  for _ in 1 2 3; do
    s=$(date +%s.%N); rg -c eventlet "$@" >/dev/null || true; e=$(date +%s.%N)
    t=$(echo "$e - $s" | bc -l)
    if [ -z "$best" ] || (( $(echo "$t < $best" | bc -l) )); then best=$t; fi
  done
  printf '%-34s %10.4f %10.1f\n' "rg -c eventlet (best of 3, reads incl.)" "$best" "$(echo "$bytes / $best / 1000000" | bc -l)"
fi
ratio=$(echo "$(echo "$py2" | field median_seconds) / $(echo "$go2" | field median_seconds)" | bc -l)
printf 'letgo (2 workers) vs python3 ast (2 procs): %.1fx faster\n' "$ratio"
echo "letgo peak RSS: $(echo "$go2" | field peak_rss_mb) MB"
