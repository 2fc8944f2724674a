#!/usr/bin/env bash
# Runs every test of a build: starts the private test servers (MariaDB,
# PostgreSQL, S3) on loopback, runs ctest, and stops the servers whatever
# happened. Usage: scripts/run_tests.sh BUILD_DIR [ctest flags...]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="$(cd "${1:?usage: run_tests.sh BUILD_DIR [ctest flags]}" && pwd)"
shift

if [ -x "$ROOT/scripts/test_servers.sh" ]; then
  trap '"$ROOT/scripts/test_servers.sh" stop "$BUILD_DIR/test-servers" || true' EXIT
  "$ROOT/scripts/test_servers.sh" start "$BUILD_DIR/test-servers"
  # shellcheck disable=SC1091
  source "$BUILD_DIR/test-servers/env.sh"
fi

cd "$BUILD_DIR"
ctest "$@"
