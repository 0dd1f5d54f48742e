#!/usr/bin/env bash
# Builds the fuzz seed corpora into BUILD_DIR/fuzz-corpus/<target>/ from the hand-made seeds
# (tests/fuzz/seeds), the sample bundles (corpus/) and the pattern database (patterns/).
# Nothing is written into the source tree. Text seeds are cut to 16 KiB: libFuzzer mutates
# small inputs faster, and the parsers' limits are tested by tests/pipeline/hostile_input_test.
#   tests/fuzz/make_seeds.sh build-fz
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
out="${1:?usage: make_seeds.sh BUILD_DIR}/fuzz-corpus"
rm -rf "$out"
targets=(detect split chunker journald_export events_json events_yaml events_table describe
         pods_json cluster_dump ingest rules analyze)
for t in "${targets[@]}"; do
  mkdir -p "$out/$t"
  if [ -d "$root/tests/fuzz/seeds/$t" ]; then cp "$root/tests/fuzz/seeds/$t/"* "$out/$t/"; fi
done

max=16384
n=0
# seed TARGET PREFIX_BYTES FILE: FILE's first $max bytes, after PREFIX (printf escapes).
seed() {
  n=$((n + 1))
  { printf "$2"; head -c "$max" "$3"; } >"$out/$1/corpus-$n"
}

# The format index of fuzz_split's selector byte (formats::FormatId order) for a corpus file.
formats_of() {
  case "$1" in
    *.export) echo 9 ;;
    */node1.json|*journal*.json) echo 10 ;;
    */events.json|*/events/*.json) echo 4 ;;
    */events.yaml|*/events/*.yaml) echo 5 ;;
    */pods.json|*/pods/*.json) echo 8 ;;
    *events-table*) echo 6 ;;
    *describe*) echo 7 ;;
    *journalctl*|*syslog*|*messages*) echo 11 ;;
    *.json) echo 0 ;;
    *) echo "0 1 2 3 12" ;;  # logs: text, kubectl-ts, CRI, docker json, cluster dump
  esac
}
target_of() {
  case "$1" in
    9) echo journald_export ;; 4) echo events_json ;; 5) echo events_yaml ;;
    6) echo events_table ;; 7) echo describe ;; 8) echo pods_json ;; 12) echo cluster_dump ;;
  esac
}

while IFS= read -r -d '' f; do
  seed detect '\x00' "$f"
  seed analyze '' "$f"
  for fmt in $(formats_of "$f"); do
    seed split "\\x$(printf %02x "$fmt")" "$f"
    t="$(target_of "$fmt")"
    if [ -n "$t" ]; then seed "$t" '' "$f"; fi
  done
  seed chunker '\x07\x1f\xff\x00' "$f"  # 8-byte chunks, 32-byte pieces, 4 KiB documents
done < <(find "$root/corpus" -type f ! -name README.md -print0 | sort -z)

for f in "$root"/patterns/*.yaml; do cp "$f" "$out/rules/$(basename "$f")"; done

# Archives of the sample bundles, in every container kdx reads (deterministic member order).
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
for dir in "$root"/corpus/*/; do
  name="$(basename "$dir")"
  tar -C "$dir" --sort=name --mtime='2026-01-01 00:00Z' --owner=0 --group=0 -cf "$tmp/$name.tar" .
  gzip -9nc "$tmp/$name.tar" >"$out/ingest/$name.tar.gz"
  if command -v zstd >/dev/null; then zstd -q -19 -c "$tmp/$name.tar" >"$out/ingest/$name.tar.zst"; fi
  if command -v xz >/dev/null; then xz -c "$tmp/$name.tar" >"$out/ingest/$name.tar.xz"; fi
  python3 - "$dir" "$out/ingest/$name.zip" <<'PY'
import os, sys, zipfile
src, dst = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as z:
    for base, dirs, files in sorted(os.walk(src)):
        dirs.sort()
        for f in sorted(files):
            p = os.path.join(base, f)
            z.write(p, os.path.relpath(p, src))
PY
done
gzip -9nc "$root/corpus/pastes/patroni-log.txt" >"$out/ingest/patroni-log.txt.gz"
if command -v zstd >/dev/null; then zstd -q -c "$root/corpus/pastes/patroni-log.txt" >"$out/ingest/patroni-log.txt.zst"; fi
for t in "${targets[@]}"; do printf '%-16s %4d seeds\n' "$t" "$(ls "$out/$t" | wc -l)"; done
