#!/usr/bin/env bash
# Installs what sluice needs to build and test on Debian 12, and fetches
# DuckDB's C library. Idempotent: a second run checks and returns quickly.
#
#   scripts/setup.sh            build dependencies + DuckDB
#   scripts/setup.sh --servers  also MariaDB and PostgreSQL servers (tests)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DUCKDB_VERSION="1.4.4"                 # duckdb.h from npm `duckdb@1.4.4`
DUCKDB_BINDINGS_VERSION="1.4.4-r.1"    # libduckdb.so from npm `@duckdb/node-bindings-linux-x64`
DUCKDB_DIR="$ROOT/.deps/duckdb-$DUCKDB_VERSION"

BUILD_PACKAGES=(
  build-essential cmake ninja-build pkg-config
  libmariadb-dev libpq-dev libsqlite3-dev
  libcurl4-openssl-dev libssl-dev libssh-dev
  libyaml-cpp-dev nlohmann-json3-dev libcli11-dev libspdlog-dev libfmt-dev
  libsnappy-dev libzstd-dev
  libgtest-dev libgmock-dev libbenchmark-dev
)
SERVER_PACKAGES=(mariadb-server mariadb-client postgresql postgresql-client)

want_servers=0
for arg in "$@"; do
  case "$arg" in
    --servers) want_servers=1 ;;
    -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
    *) echo "setup.sh: unknown argument '$arg'" >&2; exit 2 ;;
  esac
done

log() { echo "setup: $*" >&2; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@";
  elif command -v sudo >/dev/null; then sudo "$@";
  else log "need root to run: $*"; exit 1; fi
}

install_missing() {
  local missing=()
  for pkg in "$@"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
      missing+=("$pkg")
    fi
  done
  if [ "${#missing[@]}" -eq 0 ]; then return 0; fi
  log "installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # Packages' own service start scripts are not wanted: tests start private instances.
  as_root apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null 2>&1 || {
    as_root apt-get update -q >/dev/null
    as_root apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
  }
}

fetch_duckdb() {
  if [ -f "$DUCKDB_DIR/lib/libduckdb.so" ] && [ -f "$DUCKDB_DIR/include/duckdb.h" ]; then return 0; fi
  command -v npm >/dev/null || { log "npm is missing (install nodejs npm)"; exit 1; }
  log "fetching DuckDB $DUCKDB_VERSION (npm pack, no install scripts)"
  local tmp; tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' RETURN
  (cd "$tmp" && npm pack --silent "duckdb@$DUCKDB_VERSION" "@duckdb/node-bindings-linux-x64@$DUCKDB_BINDINGS_VERSION" >/dev/null 2>&1)
  mkdir -p "$tmp/h" "$tmp/lib" "$DUCKDB_DIR.partial/include" "$DUCKDB_DIR.partial/lib"
  tar -xzf "$tmp/duckdb-$DUCKDB_VERSION.tgz" -C "$tmp/h" package/src/duckdb/src/include/duckdb.h
  tar -xzf "$tmp/duckdb-node-bindings-linux-x64-$DUCKDB_BINDINGS_VERSION.tgz" -C "$tmp/lib" package/libduckdb.so
  cp "$tmp/h/package/src/duckdb/src/include/duckdb.h" "$DUCKDB_DIR.partial/include/"
  cp "$tmp/lib/package/libduckdb.so" "$DUCKDB_DIR.partial/lib/"
  rm -rf "$DUCKDB_DIR" && mv "$DUCKDB_DIR.partial" "$DUCKDB_DIR"
  log "DuckDB in $DUCKDB_DIR"
}

install_missing "${BUILD_PACKAGES[@]}"
# npm fetches DuckDB; a machine with its own Node.js keeps it.
command -v npm >/dev/null || install_missing nodejs npm
if [ "$want_servers" -eq 1 ]; then install_missing "${SERVER_PACKAGES[@]}"; fi
fetch_duckdb
