#!/usr/bin/env bash
# The first README command: install, build, and analyse a bundled sample support bundle.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
scripts/build.sh
echo
echo "\$ kdx analyze build/corpus/k3d-dev-migration.tar.gz"
build/src/kdx analyze build/corpus/k3d-dev-migration.tar.gz
