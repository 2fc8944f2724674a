#!/usr/bin/env bash
# The whole run, MariaDB and PostgreSQL -> local Parquet -> DuckDB (see end_to_end.py).
# Usage: bench/end_to_end.sh [BUILD_DIR] [end_to_end.py options...]
#   e.g. bench/end_to_end.sh build --sizes 100000 --runs 1 --tables orders   (a smoke run)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$ROOT/bench/lib/build.sh"
"$ROOT/scripts/setup.sh" --servers
bench_build sluice duckdb_sql_bench mysql_binary_client -- "$@"
exec python3 "$ROOT/bench/end_to_end.py" --build-dir "$BUILD_DIR" "${BENCH_ARGS[@]}"
