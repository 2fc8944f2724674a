#!/usr/bin/env bash
# Builds and runs the Parquet encoder benchmark: sluice's FileWriter vs
# DuckDB's COPY ... TO parquet on the same 1M orders-like rows, zstd and
# snappy, median of 3 runs (--runs N to change). Prints a Markdown table;
# see docs/performance.md.
#
# Usage: bench/parquet_encoder.sh [BUILD_DIR] [--rows N] [--runs N] [--retain-memory 1] [--dir DIR]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="$ROOT/build"
if [ $# -gt 0 ] && [ "${1#--}" = "$1" ]; then
  BUILD_DIR="$1"
  shift
fi
if [ ! -f "$BUILD_DIR/build.ninja" ]; then
  cmake -S "$ROOT" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
fi
cmake --build "$BUILD_DIR" --target parquet_encoder_bench
"$BUILD_DIR/bench/parquet_encoder_bench" "$@"
