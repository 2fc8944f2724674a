#!/usr/bin/env bash
# Runs every benchmark script in bench/ (each builds what it needs) against
# one build directory. Usage: bench/run_all.sh [BUILD_DIR]   (make bench)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${1:-$ROOT/build}"
for script in "$ROOT"/bench/*.sh; do
  [ "$(basename "$script")" = "run_all.sh" ] && continue
  echo "== $(basename "$script")"
  "$script" "$BUILD_DIR"
done
