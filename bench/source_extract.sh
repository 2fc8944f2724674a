#!/usr/bin/env bash
# Full-extract benchmark against the databases' own clients (see source_extract.py).
# Usage: bench/source_extract.sh [BUILD_DIR] [source_extract.py options...]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${1:-$ROOT/build}"
shift || true
"$ROOT/scripts/setup.sh" --servers
exec python3 "$ROOT/bench/source_extract.py" --build-dir "$BUILD_DIR" "$@"
