# Sourced by the bench/*.sh scripts that build what they run.
# bench_build TARGET... -- "$@": takes the build directory from the first
# argument unless it is an option (default: build/), configures it when it
# is not yet (RelWithDebInfo), builds TARGETs, and leaves BUILD_DIR and the
# remaining arguments in BENCH_ARGS.
bench_build() {
  local root targets=()
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
  while [ $# -gt 0 ] && [ "$1" != "--" ]; do
    targets+=("$1")
    shift
  done
  shift
  BUILD_DIR="$root/build"
  if [ $# -gt 0 ] && [ "${1#--}" = "$1" ]; then
    BUILD_DIR="$1"
    shift
  fi
  BENCH_ARGS=("$@")
  if [ ! -f "$BUILD_DIR/build.ninja" ]; then
    cmake -S "$root" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
  fi
  cmake --build "$BUILD_DIR" --target "${targets[@]}"
}
