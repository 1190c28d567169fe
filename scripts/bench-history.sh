#!/usr/bin/env bash
# Wall, CPU and peak RSS of `letgo history` for one or more letgo binaries,
# interleaved, over the last 10, 14 and 22 release tags (N.0.0) of a git
# repository, and over one tag scanned six times (the cost of an unchanged
# ref, from the per-ref elapsed_ms of the JSON).
#
#   scripts/bench-history.sh REPO LETGO...      e.g. a nova mirror, old and new builds
#
# Prints one line per run; keeps each report in $OUT (default a temporary
# directory) so outputs can be diffed across binaries.
set -euo pipefail
repo=$1; shift
out=${OUT:-$(mktemp -d)}
tags=($(git -C "$repo" tag | grep -E '^[0-9]+\.0\.0$' | sort -V | tail -22))
join() { local IFS=,; echo "$*"; }
declare -A sets
sets[10]=$(join "${tags[@]: -10}")
sets[14]=$(join "${tags[@]: -14}")
sets[22]=$(join "${tags[@]}")
last=${tags[-1]}
sets[same]=$(join $last $last $last $last $last $last)
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); reports in $out"
for n in ${SETS:-10 14 22 same}; do
  for bin in "$@"; do
    f="$out/$(basename "$bin")-$n.json"
    /usr/bin/time -f '%e %U %S %M' -o "$out/time" "$bin" history --format json --refs "${sets[$n]}" "$repo" >"$f"
    read -r wall user sys rss <"$out/time"
    printf '%-16s refs=%-4s wall %7.1f s  cpu %7.1f s  rss %5d MB  per ref ms: %s\n' "$(basename "$bin")" "$n" "$wall" \
      "$(echo "$user + $sys" | bc)" $((rss / 1024)) "$(python3 -c 'import json,sys; print(" ".join(str(int(r["elapsed_ms"])) for r in json.load(open(sys.argv[1]))["refs"]))' "$f")"
  done
done
