// The ObjectStore conformance suite: one set of tests, written once, run
// against every backend (STYLE.md: Arrow's filesystem tests). A backend
// joins with one line in its own test file:
//
//   SLUICE_STORE_CONFORMANCE(Local, MakeLocalBackend);
//
// where MakeLocalBackend returns a std::unique_ptr<StoreBackend>.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "store/object_store.h"

namespace sluice::store::conformance {

// One backend under test; a new one is made for every test.
class StoreBackend {
 public:
  virtual ~StoreBackend() = default;
  // The store under test, empty at the start of the test.
  virtual ObjectStore& store() = 0;
  // Another client of the same storage (its own handles, its own locks),
  // or nullptr if the backend has no such thing (memory).
  virtual std::unique_ptr<ObjectStore> OpenAnother() = 0;
  // True if OpenAnother() works in a forked child process.
  virtual bool SharedAcrossProcesses() const = 0;
  // Temporary artifacts a write left in the storage (local: ".sluice-tmp-*" files).
  virtual std::vector<std::string> LeftoverTemporaries() = 0;
  // True if versions are digests of the bytes (S3's ETag; the memory store
  // in its content-hash mode): rewriting identical bytes keeps the version.
  virtual bool VersionsByContent() const { return false; }
};

struct BackendParam {
  const char* name;
  std::unique_ptr<StoreBackend> (*make)();
};
inline void PrintTo(const BackendParam& param, std::ostream* out) { *out << param.name; }

class ObjectStoreConformance : public ::testing::TestWithParam<BackendParam> {
 protected:
  void SetUp() override { backend_ = GetParam().make(); }
  ObjectStore& store() { return backend_->store(); }
  std::unique_ptr<StoreBackend> backend_;
};

// The multi-process part of the suite, for backends whose storage other
// processes share (SharedAcrossProcesses): local, S3. A single-process store
// (memory) is simply not instantiated here.
class ObjectStoreProcessConformance : public ObjectStoreConformance {};

// A directory under the system temp directory, removed when destroyed.
class ScratchDirectory {
 public:
  ScratchDirectory();
  ~ScratchDirectory();
  ScratchDirectory(const ScratchDirectory&) = delete;
  ScratchDirectory& operator=(const ScratchDirectory&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Runs `body(index)` in `count` forked processes that start at the same
// moment; returns their exit codes (128 + signal when killed). The child
// must not use gtest assertions; it reports through its exit code.
std::vector<int> RunInProcesses(int count, const std::function<int(int index)>& body);

inline PutCondition IfAbsent() {
  PutCondition condition;
  condition.if_absent = true;
  return condition;
}
inline PutCondition IfVersion(std::string version) {
  PutCondition condition;
  condition.if_version = std::move(version);
  return condition;
}

// Deterministic bytes, so large test objects need no storage of their own.
std::string PatternBytes(size_t size, uint32_t seed);

}  // namespace sluice::store::conformance

// gtest needs the suite's unqualified name at the point of instantiation.
#define SLUICE_STORE_CONFORMANCE(Name, maker)                 \
  using ::sluice::store::conformance::ObjectStoreConformance; \
  INSTANTIATE_TEST_SUITE_P(Name, ObjectStoreConformance,      \
                           ::testing::Values(::sluice::store::conformance::BackendParam{#Name, maker}))

#define SLUICE_STORE_PROCESS_CONFORMANCE(Name, maker)                \
  using ::sluice::store::conformance::ObjectStoreProcessConformance; \
  INSTANTIATE_TEST_SUITE_P(Name, ObjectStoreProcessConformance,      \
                           ::testing::Values(::sluice::store::conformance::BackendParam{#Name, maker}))
