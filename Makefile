# sluice — the two commands a new machine needs:
#   make demo   install what is missing, build, run the embedded demo
#   make test   install, build, start the test servers, run every test, stop them
# and some more:
#   make build      configure and build (build/)
#   make sanitize   ASan+UBSan build (build-asan/): unit tests + the tests that run threads
#   make tsan       ThreadSanitizer build (build-tsan/): the tests that run threads
#   make bench      run the benchmarks in bench/ (long; not part of make test)
#   make format     clang-format the sources

BUILD_DIR ?= build
ASAN_DIR ?= build-asan
TSAN_DIR ?= build-tsan
BUILD_TYPE ?= RelWithDebInfo
CMAKE_FLAGS ?=
CTEST_FLAGS ?= --output-on-failure -j2

.PHONY: all setup setup-servers configure build demo test test-unit sanitize tsan bench format clean

all: build

setup:
	@scripts/setup.sh

setup-servers:
	@scripts/setup.sh --servers

$(BUILD_DIR)/build.ninja:
	cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) $(CMAKE_FLAGS)

configure: $(BUILD_DIR)/build.ninja

build: setup configure
	cmake --build $(BUILD_DIR)

demo: build
	$(BUILD_DIR)/sluice demo

test: setup-servers configure
	cmake --build $(BUILD_DIR)
	scripts/run_tests.sh $(BUILD_DIR) $(CTEST_FLAGS)

test-unit: build
	cd $(BUILD_DIR) && ctest -L unit $(CTEST_FLAGS)

sanitize: setup
	cmake -S . -B $(ASAN_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DSLUICE_SANITIZE=address -DSLUICE_BUILD_BENCH=OFF $(CMAKE_FLAGS)
	cmake --build $(ASAN_DIR)
	cd $(ASAN_DIR) && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 ctest -L 'unit|threads' $(CTEST_FLAGS)

# Tests labelled `threads` exercise the extract pipeline's reader thread and
# the lease's renewal thread. DuckDB's library is not instrumented; its own
# threads are suppressed (scripts/tsan.supp), sluice's never are.
tsan: setup
	cmake -S . -B $(TSAN_DIR) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSLUICE_SANITIZE=thread -DSLUICE_BUILD_BENCH=OFF $(CMAKE_FLAGS)
	cmake --build $(TSAN_DIR)
	cd $(TSAN_DIR) && TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 suppressions=$(CURDIR)/scripts/tsan.supp" ctest -L threads $(CTEST_FLAGS)

bench: build
	bench/run_all.sh $(BUILD_DIR)

format:
	find src tests bench -name '*.h' -o -name '*.cc' | xargs clang-format -i

clean:
	rm -rf $(BUILD_DIR) $(ASAN_DIR) $(TSAN_DIR)
