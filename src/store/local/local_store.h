// LocalStore: an ObjectStore in a local (or mounted) directory, the store
// of `type: local` (SPEC §2), rooted at config.path + config.prefix. Keys
// map to files under the root: "a/b.json" is <root>/a/b.json.
//
// Durability and visibility (SPEC §4): a put writes a temporary file in
// the key's directory, fsyncs it, renames it over the key and fsyncs the
// directory (LevelDB's SetCurrentFile), so a reader sees the old object or
// the whole new one. Temporary files are named ".sluice-tmp-*" and are
// never listed; a crash can leave one behind, which is harmless.
//
// Conditional writes, and every other change, are made under an exclusive
// flock on <root>/.sluice-lock, so a compare-and-swap is atomic across
// threads and processes on this machine (and on NFS where flock works).
// Versions are file identities stamped so they are never reused; see
// local_files.h. Delete removes directories left empty, up to the root.
//
// Limits: a key cannot be both an object and a directory of objects ("a"
// and "a/b"); such a put fails with InvalidArgument.
//
// Thread-safety: all methods may be called concurrently, also from other
// processes using the same root.
#pragma once

#include <memory>
#include <string>

#include "config/config.h"
#include "store/object_store.h"

namespace sluice::store {

namespace local_internal {
class TempFile;
class OpenObject;
}  // namespace local_internal

class LocalStore final : public ObjectStore {
 public:
  // Opens the directory config.path + config.prefix.
  static Result<std::unique_ptr<LocalStore>> Open(const config::StoreConfig& config);
  // Opens the directory `root`. Opening creates nothing: the root is made
  // by the first write, so reading a store that was never written to (a
  // --dry-run, `status` on a fresh project) leaves the filesystem as it
  // was and sees no objects. InvalidArgument when `root` is a file.
  static Result<std::unique_ptr<LocalStore>> OpenDirectory(const std::string& root);

  Result<ObjectInfo> Put(const std::string& key, std::string_view data, const PutCondition& condition = {}) override;
  Result<ObjectInfo> PutFile(const std::string& key, const std::string& local_path) override;
  Result<Object> Get(const std::string& key) override;
  Result<Object> GetRange(const std::string& key, uint64_t offset, uint64_t length) override;
  Result<std::unique_ptr<ObjectReader>> OpenRead(const std::string& key) override;
  Result<std::optional<ObjectInfo>> Head(const std::string& key) override;
  Result<std::vector<ObjectInfo>> List(const std::string& prefix) override;
  Status Delete(const std::string& key) override;
  std::string Locate(const std::string& key) const override;  // the absolute path
  std::string Describe() const override;                      // "local directory /abs/root"

  const std::string& root() const { return root_; }

 private:
  explicit LocalStore(std::string root) : root_(std::move(root)) {}
  std::string PathOf(const std::string& key) const { return root_ + "/" + key; }
  std::string LockPath() const;
  // The regular file of `key`, open for reading; NotFound when absent (or a directory).
  Result<std::unique_ptr<local_internal::OpenObject>> OpenFile(const std::string& key) const;
  // Renames the synced temp file over `key` if `condition` holds, under the store lock.
  Result<ObjectInfo> Publish(const std::string& key, local_internal::TempFile& temp, const PutCondition& condition);
  // Removes the directories of `path` that are empty, up to the root. REQUIRES: the store lock.
  void RemoveEmptyParents(const std::string& path) const;

  const std::string root_;  // absolute, normalized, no trailing '/'
};

}  // namespace sluice::store
