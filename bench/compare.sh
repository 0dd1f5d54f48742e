#!/usr/bin/env bash
# bench/compare.sh — kdx against the tools a user would reach for, measured in one run.
#
#   bench/compare.sh [--size 1G] [--seed 1] [--reps 5] [--work DIR] [--build DIR]
#
# Generates a support-bundle-like tree with kdx-datagen (cached in WORK by seed and size) and
# its .tar.gz (gzip -6), then times each pair of commands alternately, REPS times, and prints
# the medians and their ratios next to the targets of the throughput issue:
#   kdx bundle.tar.gz  vs igzip -dc / gzip -dc / tar -xzf + rg
#   kdx tree/          vs rg -j2 -c -f <kdx patterns export --regex>
#   kdx -j1 vs -j2 on the tree, the embedded rules vs ten times as many (with the compiled
#   Hyperscan database cached, and cold), kdx with and without the unrecognised-error miner
#   (--no-unmatched, at -j2 and -j1), peak RSS; the ratios by medians, by CPU seconds, and by
#   each row's fastest run (on a shared machine noise only ever adds time).
# kdx caches compiled databases in a private KDX_CACHE_DIR under WORK, never in ~/.cache.
# Needs: kdx and kdx-datagen built (cmake -DKDX_BUILD_BENCH=ON), igzip (isal), rg (ripgrep),
# gzip, tar, GNU time (/usr/bin/time) — scripts/deps.sh installs them.
set -euo pipefail

size=1G seed=1 reps=5
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
work=${TMPDIR:-/tmp}/kdx-bench
build=$root/build
while [ $# -gt 0 ]; do
  case $1 in
    --size) size=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    --reps) reps=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    --build) build=$2; shift 2 ;;
    *) echo "usage: $0 [--size 1G] [--seed 1] [--reps 5] [--work DIR] [--build DIR]" >&2; exit 2 ;;
  esac
done
kdx=$build/src/kdx
datagen=$build/bench/kdx-datagen
for tool in "$kdx" "$datagen"; do
  [ -x "$tool" ] || { echo "compare.sh: $tool not built (cmake -DKDX_BUILD_BENCH=ON)" >&2; exit 2; }
done
for tool in igzip gzip tar rg /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "compare.sh: $tool missing (scripts/deps.sh)" >&2; exit 2; }
done

data=$work/$seed-$size
tree=$data/tree
tgz=$data/bundle.tar.gz
mkdir -p "$data"
if [ ! -f "$data/.done" ]; then
  rm -rf "$tree" "$tgz"
  "$datagen" --seed "$seed" --size "$size" --out "$tree"
  tar -C "$tree" -cf - . | gzip -6 > "$tgz"
  touch "$data/.done"
fi

# The same rules for kdx and ripgrep: kdx's own, and ten times as many. A clone gets a renamed
# id and its regexes' letters shifted by one (b for a, ...) outside escapes, classes, group
# names and flags: as complex as the original, but for failures this bundle does not have.
rules1=$work/rules-1x rules10=$work/rules-10x
rm -rf "$rules1" "$rules10"
mkdir -p "$rules1" "$rules10"
cp "$root"/patterns/*.yaml "$rules1"/
cp "$root"/patterns/*.yaml "$rules10"/
python3 - "$root/patterns" "$rules10" <<'PY'
import pathlib, re, sys
src, dst = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
def shift(rx, k):
    out, i, cls = [], 0, False
    while i < len(rx):
        c = rx[i]
        if c == '\\':
            out.append(rx[i:i + 2]); i += 2; continue
        if cls:
            cls = c != ']'
        elif c == '[':
            cls = True
            if rx[i + 1:i + 2] == '^': out.append(c); i += 1; c = rx[i]
            if rx[i + 1:i + 2] == ']': out.append(c); i += 1; c = rx[i]
        elif rx.startswith('(?P<', i):  # a group name: the fix's {placeholders} use it
            j = rx.index('>', i) + 1
            out.append(rx[i:j]); i = j; continue
        elif rx.startswith('(?', i):  # flags: (?i) (?s:
            j = i + 2
            while j < len(rx) and (rx[j].isalpha() or rx[j] == '-'): j += 1
            out.append(rx[i:j]); i = j; continue
        elif c.isascii() and c.isalpha():
            base = ord('a') if c.islower() else ord('A')
            c = chr(base + (ord(c) - base + k) % 26)
        out.append(c); i += 1
    return ''.join(out)
for k in range(1, 10):
    for f in sorted(src.glob('*.yaml')):
        lines = []
        for line in f.read_text().splitlines():
            m = re.match(r"^(\s*-?\s*regex: ')(.*)'\s*$", line)
            if re.match(r'^id: ', line): line = line + f'-clone{k}'
            elif m: line = m.group(1) + shift(m.group(2).replace("''", "'"), k).replace("'", "''") + "'"
            lines.append(line)
        (dst / f'clone{k}-{f.name}').write_text('\n'.join(lines) + '\n')
PY
# ripgrep 13 takes each line of -f as one alternation: named groups must go (duplicates are an
# error) and each regex is wrapped so an inline flag like (?i) stays inside it.
"$kdx" patterns export --regex --patterns "$rules1" |
  sed -e 's/(?P<[A-Za-z_0-9]*>/(/g' -e 's/.*/(?:&)/' > "$work/regexes.txt"
nregex=$(wc -l < "$work/regexes.txt")

# kdx's compiled-database cache: a private one, warmed once per rule set before the timings;
# the cold 10x row empties its own before every run.
export KDX_CACHE_DIR=$work/cache
cold_cache=$work/cache-cold
rm -rf "$KDX_CACHE_DIR" "$cold_cache"
"$kdx" analyze -j2 --patterns "$rules1" "$tree" > /dev/null
"$kdx" analyze -j2 --patterns "$rules10" "$tree" > /dev/null
kdx_cold() { rm -rf "$cold_cache"; KDX_CACHE_DIR=$cold_cache "$kdx" "$@"; }

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
measure() {  # runs "$@" (a command or a function) with output discarded; prints "wall cpu"
  local TIMEFORMAT='%R %U %S' t
  t=$( { time "$@" >/dev/null 2>&1; } 2>&1 ) || true
  awk -v t="$t" 'BEGIN {split(t, a, " "); printf "%.3f %.3f\n", a[1], a[2] + a[3]}'
}
extract_rg() {  # tar -xzf then ripgrep, the way a person would read a bundle
  local dir
  dir=$(mktemp -d "$work/x.XXXXXX")
  tar -xzf "$tgz" -C "$dir" && rg -j2 -c -f "$work/regexes.txt" "$dir" >/dev/null || true
  rm -rf "$dir"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }

declare -A T C
# Calibration: two gzip -dc at once against one. On an idle 2-core machine the pair takes as
# long as one; on a shared one this says how much of the second core was really there.
gzip_pair() { gzip -dc "$tgz" > /dev/null & gzip -dc "$tgz" > /dev/null; wait; }
names=(kdx_tgz igzip gzip tar_rg kdx_tree rg kdx_tree_j1 kdx_tree_10x kdx_tree_10x_cold
       kdx_tree_nounm kdx_tree_j1_nounm gzip_pair)
for n in "${names[@]}"; do T[$n]="" C[$n]=""; done
run() {  # run NAME COMMAND...: one timing of NAME, wall into T and CPU (user + sys) into C
  local name=$1 w c
  shift
  read -r w c < <(measure "$@")
  T[$name]+=" $w"
  C[$name]+=" $c"
}
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
for ((r = 1; r <= reps; r++)); do
  echo "compare.sh: repetition $r of $reps" >&2
  run kdx_tgz "$kdx" analyze -j2 --patterns "$rules1" "$tgz"
  run igzip sh -c "igzip -dc '$tgz' > /dev/null"
  run gzip sh -c "gzip -dc '$tgz' > /dev/null"
  run tar_rg extract_rg
  run kdx_tree "$kdx" analyze -j2 --patterns "$rules1" "$tree"
  run rg rg -j2 -c -f "$work/regexes.txt" "$tree"
  run kdx_tree_j1 "$kdx" analyze -j1 --patterns "$rules1" "$tree"
  run kdx_tree_10x "$kdx" analyze -j2 --patterns "$rules10" "$tree"
  run kdx_tree_10x_cold kdx_cold analyze -j2 --patterns "$rules10" "$tree"
  run kdx_tree_nounm "$kdx" analyze -j2 --no-unmatched --patterns "$rules1" "$tree"
  run kdx_tree_j1_nounm "$kdx" analyze -j1 --no-unmatched --patterns "$rules1" "$tree"
  run gzip_pair gzip_pair
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
declare -A M MC L LC
for n in "${names[@]}"; do
  M[$n]=$(echo "${T[$n]}" | tr ' ' '\n' | grep . | median)
  MC[$n]=$(echo "${C[$n]}" | tr ' ' '\n' | grep . | median)
  L[$n]=$(echo "${T[$n]}" | tr ' ' '\n' | grep . | sort -g | head -1)
  LC[$n]=$(echo "${C[$n]}" | tr ' ' '\n' | grep . | sort -g | head -1)
done

rss() { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1; }
rss_tgz=$(rss "$kdx" analyze -j2 --patterns "$rules1" "$tgz")
rss_tree=$(rss "$kdx" analyze -j2 --patterns "$rules1" "$tree")
rss_10x=$(rss "$kdx" analyze -j2 --patterns "$rules10" "$tree")

files=$(find "$tree" -type f | wc -l)
bytes=$(du -sb "$tree" | cut -f1)
echo
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(free -g | awk '/Mem:/ {print $2}') GiB"
echo "load average: $load_before (before), $load_after (after)"
lines=$(find "$tree" -type f -exec cat {} + | wc -l)
echo "data: seed $seed, $bytes bytes in $files files, $lines lines; bundle.tar.gz $(stat -c %s "$tgz") bytes; $nregex regexes"
echo "medians of $reps alternated runs: wall and CPU (user + sys) seconds, then each run's wall:"
for n in "${names[@]}"; do
  printf '  %-18s %8.3f %8.3f   (%s)\n' "$n" "${M[$n]}" "${MC[$n]}" "$(echo ${T[$n]})"
done
echo "ratios (target):"
printf '  kdx tgz / igzip -dc         %6s  (<= 1.3)\n' "$(ratio "${M[kdx_tgz]}" "${M[igzip]}")"
printf '  kdx tgz / gzip -dc          %6s  (<= 0.25)\n' "$(ratio "${M[kdx_tgz]}" "${M[gzip]}")"
printf '  kdx tgz / tar -xzf + rg     %6s\n' "$(ratio "${M[kdx_tgz]}" "${M[tar_rg]}")"
printf '  kdx tree / rg -j2 -c -f     %6s  (<= 0.6)\n' "$(ratio "${M[kdx_tree]}" "${M[rg]}")"
printf '  kdx -j1 / kdx -j2 (tree)    %6s  (>= 1.7)\n' "$(ratio "${M[kdx_tree_j1]}" "${M[kdx_tree]}")"
printf '  kdx 10x rules / 1x (tree)   %6s  (<= 1.3; compiled database cached)\n' \
  "$(ratio "${M[kdx_tree_10x]}" "${M[kdx_tree]}")"
printf '  kdx 10x rules cold / 1x     %6s  (first run of a rule set: Hyperscan compiles)\n' \
  "$(ratio "${M[kdx_tree_10x_cold]}" "${M[kdx_tree]}")"
printf '  kdx / kdx --no-unmatched    %6s  (<= 1.10: the unrecognised-error miner)\n' \
  "$(ratio "${M[kdx_tree]}" "${M[kdx_tree_nounm]}")"
echo "the same ratios by CPU seconds (steadier than wall time on a shared machine):"
printf '  kdx -j2 / kdx -j1 CPU (tree) %5s  (the price of the second thread)\n' \
  "$(ratio "${MC[kdx_tree]}" "${MC[kdx_tree_j1]}")"
printf '  kdx 10x rules / 1x CPU       %5s  (cached) %s (cold)\n' \
  "$(ratio "${MC[kdx_tree_10x]}" "${MC[kdx_tree]}")" \
  "$(ratio "${MC[kdx_tree_10x_cold]}" "${MC[kdx_tree]}")"
printf '  kdx / --no-unmatched CPU     %5s  (-j1: %s; one thread spends no CPU waiting for the other)\n' \
  "$(ratio "${MC[kdx_tree]}" "${MC[kdx_tree_nounm]}")" \
  "$(ratio "${MC[kdx_tree_j1]}" "${MC[kdx_tree_j1_nounm]}")"
echo "the same ratios by each row's fastest run (noise on a shared machine only ever adds time):"
printf '  kdx tgz / igzip -dc          %5s\n' "$(ratio "${L[kdx_tgz]}" "${L[igzip]}")"
printf '  kdx tree / rg -j2 -c -f      %5s\n' "$(ratio "${L[kdx_tree]}" "${L[rg]}")"
printf '  kdx -j1 / kdx -j2 (tree)     %5s\n' "$(ratio "${L[kdx_tree_j1]}" "${L[kdx_tree]}")"
printf '  kdx 10x rules / 1x (tree)    %5s\n' "$(ratio "${L[kdx_tree_10x]}" "${L[kdx_tree]}")"
printf '  kdx / --no-unmatched -j1 CPU %5s\n' "$(ratio "${LC[kdx_tree_j1]}" "${LC[kdx_tree_j1_nounm]}")"
printf '  peak RSS kdx tgz / tree / 10x  %s / %s / %s MiB  (<= 256)\n' "$((rss_tgz / 1024))" \
  "$((rss_tree / 1024))" "$((rss_10x / 1024))"
printf '  cores really available      %6s  (2 gzip -dc at once vs one: 2.00 on an idle machine)\n' \
  "$(awk -v a="${M[gzip_pair]}" -v b="${M[gzip]}" 'BEGIN {printf "%.2f", 2 * b / a}')"
