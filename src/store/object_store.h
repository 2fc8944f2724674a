// ObjectStore: where staged Parquet files, watermarks, manifests and
// leases live (SPEC §4). Objects are written whole: put, head, list,
// delete, with conditional writes for the documents that need
// compare-and-swap. They are read whole (Get, for small documents), by
// byte range (GetRange), or as a stream (OpenRead), so a 128 MB staged
// file is never held in one string.
//
// Keys are '/'-separated paths relative to the store's root (its
// configured prefix is applied inside the store). A put is atomic: a
// reader sees the old object or the whole new one, never a prefix.
//
// Versions. Every object has an opaque version, taken from Put, Get,
// GetRange, Head or List and given back unchanged in PutCondition. The
// contract, which S3 also keeps:
//   - a write of different bytes always gives a new version, never one the
//     key had before;
//   - a write of identical bytes may keep the version (S3's ETag is a
//     digest of the content; local and memory stores change it anyway).
// So a compare-and-swap (if_version) can be fooled by an identical rewrite:
// A (v1), B, A again is v1 again on S3 (ABA). Documents written with
// compare-and-swap therefore never repeat their bytes: the watermark and
// the lease carry a `generation` that every save increments
// (docs/watermark.md, "Compare-and-swap on each store").
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
  std::string version;  // opaque; see "Versions" above
};

struct Object {
  std::string data;
  std::string version;
};

// A stream of one version of one object, from its first byte on. Reads
// keep returning that version's bytes even if the key is replaced meanwhile
// (local: the open file; memory: the data it held; S3: ranged GETs with
// If-Match, failing with Conflict once the object changed).
// Thread-safety: one reader is used by one thread at a time.
class ObjectReader {
 public:
  virtual ~ObjectReader() = default;
  // Reads up to `capacity` bytes into `buffer`; returns how many, 0 only at
  // the end of the object.
  virtual Result<size_t> Read(char* buffer, size_t capacity) = 0;
  virtual uint64_t size_bytes() const = 0;
  virtual const std::string& version() const = 0;
};

// Conditions for Put. Failing a condition is a Conflict error.
struct PutCondition {
  bool if_absent = false;         // only create; fail if the key exists
  std::optional<std::string> if_version = std::nullopt;  // only replace this version
};

class ObjectStore {
 public:
  virtual ~ObjectStore() = default;

  virtual Result<ObjectInfo> Put(const std::string& key, std::string_view data, const PutCondition& condition = {}) = 0;
  // Uploads a local file (streamed: S3 multipart; local: copy or rename),
  // visible only when complete. The local file is left in place.
  virtual Result<ObjectInfo> PutFile(const std::string& key, const std::string& local_path) = 0;
  // The whole object (for documents; data files are read with OpenRead or
  // GetRange). NotFound when absent.
  virtual Result<Object> Get(const std::string& key) = 0;
  // Bytes [offset, offset + length) of the object, fewer where it ends
  // first (none from an offset at or past its end), with its version.
  // NotFound when absent.
  virtual Result<Object> GetRange(const std::string& key, uint64_t offset, uint64_t length) = 0;
  // A reader of the object's current version. NotFound when absent.
  virtual Result<std::unique_ptr<ObjectReader>> OpenRead(const std::string& key) = 0;
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
