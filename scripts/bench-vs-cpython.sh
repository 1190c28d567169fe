#!/usr/bin/env bash
# letgo's whole scan against CPython's ast (scripts/bench_ast.py, 2
# processes, parse + walk), in rounds that alternate the two so a busy
# machine falls on both: per round the wall time of `letgo scan --format
# json DIR...` and bench_ast.py's median_seconds; then the medians, the
# ratio of the medians and the median of the per-round ratios.
#
#   scripts/bench-vs-cpython.sh LETGO_BINARY DIR...
#
# Environment: ROUNDS (default 9).
set -euo pipefail
[ $# -ge 2 ] || { echo "usage: $0 LETGO DIR..." >&2; exit 2; }
bin=$1
shift
rounds=${ROUNDS:-9}
here=$(cd "$(dirname "$0")" && pwd)
out=$(mktemp)
trap 'rm -f "$out"' EXIT
echo "machine: $(nproc) cores, $(uname -m); corpus: $*; load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
for i in $(seq 1 "$rounds"); do
  l=$( { /usr/bin/time -f %e "$bin" scan --format json "$@" >/dev/null; } 2>&1 | tail -n 1)
  p=$(python3 "$here/bench_ast.py" --procs 2 --repeat 1 "$@" | awk '/^median_seconds/ {print $2}')
  echo "$i $l $p $(cut -d' ' -f1 /proc/loadavg)" | tee -a "$out"
done
python3 - "$out" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
L = [float(r[1]) for r in rows]
P = [float(r[2]) for r in rows]
r = [p / l for p, l in zip(P, L)]
print("letgo median %.3f s, CPython median %.3f s: %.2fx by medians, %.2fx median of ratios (min %.2fx, max %.2fx)"
      % (statistics.median(L), statistics.median(P), statistics.median(P) / statistics.median(L), statistics.median(r), min(r), max(r)))
PY
