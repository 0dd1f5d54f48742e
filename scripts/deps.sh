#!/usr/bin/env bash
# Installs what kdx needs to build and test, from Debian 12's packages only.
# Extra Debian packages may be named as arguments (CI: scripts/deps.sh chromium).
set -euo pipefail
packages=(
  g++ cmake ninja-build pkg-config git ca-certificates
  libre2-dev libsimdjson-dev libboost-program-options-dev libfmt-dev libtbb-dev
  libarchive-dev libyaml-cpp-dev libgtest-dev libgmock-dev libbenchmark-dev
  zlib1g-dev libzstd-dev zstd python3
  libhyperscan-dev libisal-dev  # the fast paths: Hyperscan prefilter, ISA-L gzip
  libxxhash-dev                 # kdx batch: content fingerprints (XXH3-128), shard hashes
  isal ripgrep time             # bench/compare.sh: igzip, rg and GNU time as baselines
  dpkg-dev groff-base           # the install test: the .deb's Depends (dpkg-shlibdeps), man page
  "$@"
)
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "kdx: installing ${missing[*]}" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
