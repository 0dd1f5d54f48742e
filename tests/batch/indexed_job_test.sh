#!/usr/bin/env bash
# The Kubernetes Indexed Job, locally: deploy/k8s/kdx-shard.sh run N=3 times as separate
# processes with JOB_COMPLETION_INDEX=0..2 over an archive built from corpus/ (one bundle
# corrupt); the merged all.ndjson must equal one unsharded kdx batch byte for byte, and so must
# fleet.md and fleet.json; fleet.md names the top cause; the manifests parse as YAML.
# Usage: indexed_job_test.sh KDX_BINARY SOURCE_DIR
set -euo pipefail
kdx=$(realpath "$1")
src=$(realpath "$2")
work=$(mktemp -d "${TMPDIR:-/tmp}/kdx-indexed-XXXXXX")
trap 'rm -rf "$work"' EXIT; [ -n "${KDX_KEEP:-}" ] && trap - EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# The archive: one bundle per cluster per night, as platform teams keep them.
cd "$work"
mkdir -p archive/prod-eu1 archive/prod-us1 archive/staging archive/edge
tar czf archive/prod-eu1/2026-11-21.tar.gz -C "$src/corpus" k3d-dev-migration
tar czf archive/prod-us1/2026-11-21.tar.gz -C "$src/corpus" gardenos-cluster-dump
cp -r "$src/corpus/gardenos-host-journal" archive/staging/node1-2026-11-21
tar czf archive/edge/pastes-2026-11-21.tgz -C "$src/corpus" pastes
tar czf full.tgz -C "$src/corpus" gardenos-cluster-dump
head -c 20000 full.tgz > archive/edge/corrupt-2026-11-21.tgz   # truncated mid-stream
cp archive/prod-eu1/2026-11-21.tar.gz archive/prod-eu1-2026-11-21.tar.gz

# Yesterday's results, so that "new" is judged against something.
mkdir -p results/2026-11-20
printf '{"kdx_fleet":1,"previous":false,"totals":{},"root_causes":[{"id":"volume.wrong-ownership"}],"unrecognised":[]}\n' \
  > results/2026-11-20/fleet.json

for i in 0 1 2; do
  JOB_COMPLETION_INDEX=$i KDX_SHARDS=3 KDX_ARCHIVE=archive KDX_RESULTS=results \
    KDX_DATE=2026-11-21 KDX="$kdx" KDX_JOBS=1 bash "$src/deploy/k8s/kdx-shard.sh" \
    2> "shard-$i.err" || fail "index $i exited $?: $(cat "shard-$i.err")"
done
out=results/2026-11-21
for f in all.ndjson fleet.md fleet.json shard-0.done shard-1.done shard-2.done; do
  [ -f "$out/$f" ] || fail "$out/$f is missing"
done
grep -q "merged 3 shards" shard-2.err || fail "the last index did not merge: $(cat shard-2.err)"
if grep -q "merged" shard-0.err; then fail "index 0 merged before the others were done"; fi

rc=0
"$kdx" batch archive --out unsharded.ndjson --summary unsharded.md --summary-json unsharded.json \
  --previous results/2026-11-20/fleet.json 2> unsharded.err || rc=$?
[ "$rc" = 4 ] || fail "unsharded kdx batch exited $rc, not 4 (the corrupt bundle): $(cat unsharded.err)"
[ "$(wc -l < unsharded.ndjson)" = 6 ] || fail "expected 6 bundles, got $(wc -l < unsharded.ndjson)"
cmp "$out/all.ndjson" unsharded.ndjson || fail "merged all.ndjson differs from the unsharded run"
cmp "$out/fleet.md" unsharded.md || fail "merged fleet.md differs from the unsharded summary"
cmp "$out/fleet.json" unsharded.json || fail "merged fleet.json differs from the unsharded summary"
shard_lines=$(cat "$out"/shard-*.ndjson | wc -l)
[ "$shard_lines" = 6 ] || fail "the shards hold $shard_lines lines, not 6"

# The top cause (critical, in 4 of 6 bundles) first, not new: yesterday had it; others are new.
top=$(grep -A2 '^| new | id |' "$out/fleet.md" | tail -1)
[[ "$top" == '|  | `volume.wrong-ownership` | '* ]] || fail "fleet.md's top cause: $top"
grep -q '^| \*\*NEW\*\* | `security.runasnonroot-root-image` | ' "$out/fleet.md" \
  || fail "fleet.md does not mark a cause yesterday did not have as new"
grep -q 'corrupt-2026-11-21.tgz`: ' "$out/fleet.md" || fail "fleet.md does not list the corrupt bundle"

# A rerun of an index resumes: nothing analysed twice, the same results.
cp "$out/all.ndjson" before.ndjson
JOB_COMPLETION_INDEX=1 KDX_SHARDS=3 KDX_ARCHIVE=archive KDX_RESULTS=results KDX_DATE=2026-11-21 \
  KDX="$kdx" bash "$src/deploy/k8s/kdx-shard.sh" 2> rerun.err || fail "rerun of index 1 failed"
cmp "$out/all.ndjson" before.ndjson || fail "a rerun changed all.ndjson"

python3 - "$src/deploy/k8s" <<'PY' || fail "the manifests do not parse"
import sys, yaml, pathlib
docs = {}
for p in sorted(pathlib.Path(sys.argv[1]).glob("*.yaml")):
    docs[p.name] = [d for d in yaml.safe_load_all(p.read_text()) if d]
job = docs["cronjob.yaml"][0]["spec"]["jobTemplate"]["spec"]
assert job["completionMode"] == "Indexed", job
n = job["completions"]
env = {e["name"]: e["value"] for e in job["template"]["spec"]["containers"][0]["env"]}
assert env["KDX_SHARDS"] == str(n), (env, n)
assert [d["kind"] for d in docs["pvc.yaml"]] == ["PersistentVolumeClaim"] * 2
PY
echo "indexed job: 3 shards merged == unsharded (6 bundles, 1 corrupt); manifests parse"
