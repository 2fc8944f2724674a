// ObjectStore: where staged Parquet files, watermarks, manifests and
// leases live (SPEC §4). Whole objects only: put, get, head, list, delete,
// with conditional writes for the documents that need compare-and-swap.
//
// Keys are '/'-separated paths relative to the store's root (its
// configured prefix is applied inside the store). A put is atomic: a
// reader sees the old object or the whole new one, never a prefix.
//
// Thread-safety: implementations are safe to call from several threads.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"

namespace sluice::store {

struct ObjectInfo {
  std::string key;
  uint64_t size_bytes = 0;
  int64_t modified_micros = 0;
  std::string version;  // opaque; changes with every write (ETag, content hash)
};

struct Object {
  std::string data;
  std::string version;
};

// Conditions for Put. Failing a condition is a Conflict error.
struct PutCondition {
  bool if_absent = false;         // only create; fail if the key exists
  std::optional<std::string> if_version;  // only replace this version
};

class ObjectStore {
 public:
  virtual ~ObjectStore() = default;

  virtual Result<ObjectInfo> Put(const std::string& key, std::string_view data, const PutCondition& condition = {}) = 0;
  // Uploads a local file (streamed: S3 multipart; local: copy or rename),
  // visible only when complete. The local file is left in place.
  virtual Result<ObjectInfo> PutFile(const std::string& key, const std::string& local_path) = 0;
  // NotFound when absent.
  virtual Result<Object> Get(const std::string& key) = 0;
  // nullopt when absent.
  virtual Result<std::optional<ObjectInfo>> Head(const std::string& key) = 0;
  // Every object whose key starts with `prefix`, sorted by key.
  virtual Result<std::vector<ObjectInfo>> List(const std::string& prefix) = 0;
  // Deleting an absent key is not an error.
  virtual Status Delete(const std::string& key) = 0;
  // Where a reader outside sluice finds the object: a local path or "s3://bucket/prefix/key".
  virtual std::string Locate(const std::string& key) const = 0;
  // "local directory /x/stage", "s3://bucket/prefix" (for logs and `connections test`).
  virtual std::string Describe() const = 0;
};

}  // namespace sluice::store
