#!/usr/bin/env bash
# DuckDB target load benchmark against DuckDB's own INSERT (see duckdb_load.py).
# Usage: bench/duckdb_load.sh [BUILD_DIR] [duckdb_load.py options...]
#   e.g. bench/duckdb_load.sh build --rows 100000 --runs 1   (a smoke run in seconds)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$ROOT/bench/lib/build.sh"
bench_build sluice duckdb_sql_bench -- "$@"
exec python3 "$ROOT/bench/duckdb_load.py" --build-dir "$BUILD_DIR" "${BENCH_ARGS[@]}"
