#!/usr/bin/env bash
# kdx-shard.sh — one pod of the nightly Indexed Job: analyse shard $JOB_COMPLETION_INDEX of
# $KDX_SHARDS of the bundles under $KDX_ARCHIVE, mark it done, and, in the pod that finds every
# shard done, merge them into all.ndjson, fleet.md and fleet.json.
#
# Environment (defaults in brackets):
#   JOB_COMPLETION_INDEX  this pod's index, 0..N-1 (set by Kubernetes for an Indexed Job)
#   KDX_SHARDS            N, the Job's completions
#   KDX_ARCHIVE           the bundles to analyse [/archive]
#   KDX_RESULTS           where results go, one directory per date [/results]
#   KDX_DATE              the run's date [today, UTC, YYYY-MM-DD]
#   KDX_JOBS              bundles analysed at a time in this pod [one per core]
#   KDX                   the kdx binary [kdx]
#
# Results: $KDX_RESULTS/$KDX_DATE/shard-K.ndjson (+ shard-K.done), all.ndjson, fleet.md,
# fleet.json; fleet.json of the latest earlier date is the previous run (what is NEW).
# A rerun of the same index resumes its shard file (kdx batch skips bundles already done).
set -euo pipefail

index=${JOB_COMPLETION_INDEX:?JOB_COMPLETION_INDEX is not set (run as an Indexed Job)}
shards=${KDX_SHARDS:?KDX_SHARDS is not set (the Job completions, N)}
archive=${KDX_ARCHIVE:-/archive}
results=${KDX_RESULTS:-/results}
date=${KDX_DATE:-$(date -u +%F)}
kdx=${KDX:-kdx}
out="$results/$date"
mkdir -p "$out"

jobs=()
if [ -n "${KDX_JOBS:-}" ]; then jobs=(-j "$KDX_JOBS"); fi
rc=0
"$kdx" batch "${jobs[@]}" --no-progress --shard "$index/$shards" \
  --out "$out/shard-$index.ndjson" "$archive" || rc=$?
# 0: clean; 1: --fail-on (not used here); 4: some bundles had problems, each has its line.
# Anything else (2 usage, 3 nothing found, 130/143 stopped) fails the pod; the Job retries it.
case $rc in
  0|1|4) ;;
  3) echo "kdx-shard: no bundle in shard $index/$shards of $archive" >&2
     : > "$out/shard-$index.ndjson" ;;  # an empty shard is a finished shard
  *) exit "$rc" ;;
esac
touch "$out/shard-$index.done"

inputs=()
for ((k = 0; k < shards; k++)); do
  if [ ! -e "$out/shard-$k.done" ]; then
    echo "kdx-shard: shard $index/$shards done; shard $k is not yet, the last one merges" >&2
    exit 0
  fi
  inputs+=("$out/shard-$k.ndjson")
done

# The previous run: fleet.json of the latest earlier date.
previous=()
for dir in $(ls -1 "$results" | sort -r); do
  if [[ "$dir" < "$date" && -f "$results/$dir/fleet.json" ]]; then
    previous=(--previous "$results/$dir/fleet.json")
    break
  fi
done

# Two pods may both see every shard done: each writes its own temp files and renames them
# into place, so the results are whole and the same whichever rename lands last.
tmp="${HOSTNAME:-$(cat /proc/sys/kernel/hostname)}-$$"
"$kdx" merge "${inputs[@]}" "${previous[@]}" --out "$out/.all.ndjson.$tmp" \
  --summary "$out/.fleet.md.$tmp" --summary-json "$out/.fleet.json.$tmp" || {
  rc=$?
  rm -f "$out"/.*."$tmp"
  exit "$rc"
}
mv -f "$out/.all.ndjson.$tmp" "$out/all.ndjson"
mv -f "$out/.fleet.md.$tmp" "$out/fleet.md"
mv -f "$out/.fleet.json.$tmp" "$out/fleet.json"
echo "kdx-shard: merged $shards shards into $out/all.ndjson, fleet.md, fleet.json" >&2
