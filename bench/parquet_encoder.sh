#!/usr/bin/env bash
# Builds and runs the Parquet encoder benchmark: sluice's FileWriter vs
# DuckDB's COPY ... TO parquet on the same 1M orders-like rows, zstd and
# snappy, median of 3 runs (--runs N to change). Prints a Markdown table;
# see docs/performance.md.
#
# Usage: bench/parquet_encoder.sh [BUILD_DIR] [--rows N] [--runs N] [--retain-memory 1] [--dir DIR]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$ROOT/bench/lib/build.sh"
bench_build parquet_encoder_bench -- "$@"
"$BUILD_DIR/bench/parquet_encoder_bench" "${BENCH_ARGS[@]}"
