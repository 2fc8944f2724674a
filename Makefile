# sluice — the two commands a new machine needs:
#   make demo   install what is missing, build, run the embedded demo
#   make test   install, build, start the test servers, run every test, stop them
# and some more:
#   make build      configure and build (build/)
#   make sanitize   ASan+UBSan build (build-asan/) and its unit tests
#   make bench      run the benchmarks in bench/ (long; not part of make test)
#   make format     clang-format the sources

BUILD_DIR ?= build
ASAN_DIR ?= build-asan
BUILD_TYPE ?= RelWithDebInfo
CMAKE_FLAGS ?=
CTEST_FLAGS ?= --output-on-failure -j2

.PHONY: all setup setup-servers configure build demo test test-unit sanitize bench format clean

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
	cmake -S . -B $(ASAN_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DSLUICE_SANITIZE=ON -DSLUICE_BUILD_BENCH=OFF $(CMAKE_FLAGS)
	cmake --build $(ASAN_DIR)
	cd $(ASAN_DIR) && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 ctest -L unit $(CTEST_FLAGS)

bench: build
	bench/run_all.sh $(BUILD_DIR)

format:
	find src tests bench -name '*.h' -o -name '*.cc' | xargs clang-format -i

clean:
	rm -rf $(BUILD_DIR) $(ASAN_DIR)
