#!/usr/bin/env bash
# Compares two letgo binaries on a whole scan (letgo scan --format json) of
# the same directories, interleaved (A B, B A, A B ...) so drift and a busy
# machine fall on both: medians of wall time, CPU time (user+sys) and peak
# RSS, and the median of the per-pair ratios B/A.
#
#   scripts/bench-scan.sh OLD_BINARY NEW_BINARY DIR...
#
# Environment: PAIRS (default 9).
set -euo pipefail
[ $# -ge 3 ] || { echo "usage: $0 OLD NEW DIR..." >&2; exit 2; }
a=$1 b=$2
shift 2
PAIRS=${PAIRS:-9}
out=$(mktemp)
echo "machine: $(nproc) cores, $(uname -m); corpus: $*"
for i in $(seq 1 "$PAIRS"); do
  order="a b"
  [ $((i % 2)) -eq 0 ] && order="b a"
  for arm in $order; do
    bin=$a
    [ "$arm" = b ] && bin=$b
    /usr/bin/time -f "$arm $i %e %U %S %M" "$bin" scan --format json "$@" >/dev/null 2>>"$out.err" || true
    tail -n 1 "$out.err" >>"$out"
  done
done
python3 - "$out" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1]) if l[:2] in ("a ", "b ")]
by = {}
for arm, i, wall, user, sys_, rss in rows:
    by.setdefault(arm, {})[int(i)] = (float(wall), float(user) + float(sys_), int(rss) / 1024)
med = lambda xs: statistics.median(xs)
for arm, name in (("a", "old"), ("b", "new")):
    v = by[arm].values()
    print(f"{name}: wall {med([x[0] for x in v]):.2f} s, cpu {med([x[1] for x in v]):.2f} s, peak rss {med([x[2] for x in v]):.0f} MB")
pairs = [i for i in by["a"] if i in by["b"]]
for k, label in ((0, "wall"), (1, "cpu"), (2, "rss")):
    print(f"ratio new/old {label}: {med([by['b'][i][k] / by['a'][i][k] for i in pairs]):.3f} (median of {len(pairs)} pairs)")
PY
