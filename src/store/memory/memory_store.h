// MemoryStore: an ObjectStore held in memory, for tests. It behaves like
// the real stores (same key rules, conditional writes, sorted List) and can
// inject the faults a sync pipeline's crash tests need:
//
//   - a call fails and changes nothing (the process died before the write,
//     or the store refused it): FailNext, FailNth, or a FaultRule;
//   - a write lands but its caller is told it failed (the process died, or
//     the connection dropped, after the store committed it): the outcome
//     is ambiguous, as with a real S3 PUT whose response was lost:
//     FailNextAfterWrite, or a FaultRule with after_write;
//   - faults limited to keys containing a string ("watermarks/"), to the
//     n-th matching call, or to every matching call from then on;
//   - a hook that runs before every operation, so a test can let another
//     writer act between two calls of the code under test.
//
// Versions are a store-wide counter ("1", "2", ...), never reused, so a
// key deleted and written again gets a new version; or, made with
// VersionScheme::kContentHash, a digest of the bytes, as S3's ETag is, so
// rewriting identical bytes keeps the version (object_store.h, "Versions").
//
// Readers (OpenRead) hold the bytes of the version they opened; each Read
// is a kRead operation of its key for fault injection.
//
// Thread-safety: all methods may be called concurrently. The hook runs
// without the store's lock held and may call the store (it is not re-run
// for calls it makes itself).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/object_store.h"

namespace sluice::store {

enum class StoreOperation { kPut, kPutFile, kGet, kGetRange, kOpenRead, kRead, kHead, kList, kDelete };
std::string_view ToString(StoreOperation operation);

struct FaultRule {
  static constexpr int64_t kForever = -1;

  StoreOperation operation = StoreOperation::kPut;
  std::string key_contains;                       // only calls whose key (List: prefix) contains this; "" = every call
  int64_t skip_calls = 0;                         // matching calls that succeed before the first failure
  int64_t fail_calls = 1;                         // matching calls that then fail; kForever = all of them
  Status status = Unavailable("injected fault");  // REQUIRES: !ok()
  // Put, PutFile, Delete: make the change, then report `status` (visible but reported failed).
  bool after_write = false;
};

class MemoryStore final : public ObjectStore {
 public:
  using Hook = std::function<void(StoreOperation operation, const std::string& key)>;

  enum class VersionScheme { kCounter, kContentHash };

  explicit MemoryStore(std::string name = "test", VersionScheme scheme = VersionScheme::kCounter);

  Result<ObjectInfo> Put(const std::string& key, std::string_view data, const PutCondition& condition = {}) override;
  Result<ObjectInfo> PutFile(const std::string& key, const std::string& local_path) override;
  Result<Object> Get(const std::string& key) override;
  Result<Object> GetRange(const std::string& key, uint64_t offset, uint64_t length) override;
  Result<std::unique_ptr<ObjectReader>> OpenRead(const std::string& key) override;
  Result<std::optional<ObjectInfo>> Head(const std::string& key) override;
  Result<std::vector<ObjectInfo>> List(const std::string& prefix) override;
  Status Delete(const std::string& key) override;
  std::string Locate(const std::string& key) const override;  // "memory://<name>/<key>"
  std::string Describe() const override;

  // Fault injection. Rules are checked in the order added; each counts its
  // own matching calls; exhausted rules are dropped.
  void InjectFault(FaultRule rule);
  // The next call of `operation` fails with `status` and changes nothing.
  void FailNext(StoreOperation operation, Status status);
  // The n-th call of `operation` from now (1 = the next) fails with `status`.
  void FailNth(StoreOperation operation, int64_t n, Status status);
  // The next write of `operation` lands, then reports `status`.
  void FailNextAfterWrite(StoreOperation operation, Status status);
  void ClearFaults();
  // Runs before every later operation (nullptr: none).
  void SetHook(Hook hook);

  // Inspection. REQUIRES (readers): the store outlives the readers it opened.
  int64_t CallCount(StoreOperation operation) const;    // failed calls included
  std::map<std::string, std::string> Contents() const;  // key -> data

 private:
  class Reader;
  struct Entry {
    std::shared_ptr<const std::string> data;  // shared with the readers of this version
    std::string version;
    int64_t modified_micros = 0;
  };

  // Runs the hook unless this thread is already inside it. REQUIRES: mutex_ not held.
  void RunHook(StoreOperation operation, const std::string& key);
  // Counts the call and takes the fault it triggers, if any. REQUIRES: mutex_ held.
  std::optional<FaultRule> TakeFault(StoreOperation operation, const std::string& key);
  Result<ObjectInfo> Write(StoreOperation operation, const std::string& key, std::string data,
                           const PutCondition& condition);
  // REQUIRES: mutex_ held.
  Status CheckCondition(const std::string& key, const PutCondition& condition) const;
  static ObjectInfo InfoOf(const std::string& key, const Entry& entry);
  // The bytes and version of `key` for the read `operation`, after its
  // hook and fault check; NotFound when absent. REQUIRES: mutex_ not held.
  Result<std::pair<std::shared_ptr<const std::string>, std::string>> ReadEntry(StoreOperation operation,
                                                                                 const std::string& key);
  // Runs the hook and takes a fault of `operation` on `key`: its status, or Ok. REQUIRES: mutex_ not held.
  Status CheckFault(StoreOperation operation, const std::string& key);

  const std::string name_;
  const VersionScheme scheme_;
  mutable std::mutex mutex_;
  std::map<std::string, Entry> objects_;
  uint64_t last_version_ = 0;
  std::vector<FaultRule> faults_;
  std::map<StoreOperation, int64_t> call_counts_;
  Hook hook_;
};

}  // namespace sluice::store
