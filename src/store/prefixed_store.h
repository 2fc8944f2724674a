// PrefixedStore: a view of another ObjectStore under a key prefix, so a
// pipeline's staging.prefix ("us_dw/") applies to every key it writes
// (data files, watermarks, manifests, leases) without each caller adding it.
// Thread-safety: as the underlying store.
#pragma once

#include <memory>
#include <string>

#include "store/object_store.h"

namespace sluice::store {

class PrefixedStore final : public ObjectStore {
 public:
  // `prefix` is "" or ends with '/'; a missing trailing '/' is added.
  PrefixedStore(std::unique_ptr<ObjectStore> base, std::string prefix);

  Result<ObjectInfo> Put(const std::string& key, std::string_view data, const PutCondition& condition) override;
  Result<ObjectInfo> PutFile(const std::string& key, const std::string& local_path) override;
  Result<Object> Get(const std::string& key) override;
  Result<Object> GetRange(const std::string& key, uint64_t offset, uint64_t length) override;
  Result<std::unique_ptr<ObjectReader>> OpenRead(const std::string& key) override;
  Result<std::optional<ObjectInfo>> Head(const std::string& key) override;
  Result<std::vector<ObjectInfo>> List(const std::string& prefix) override;
  Status Delete(const std::string& key) override;
  std::string Locate(const std::string& key) const override;
  std::string Describe() const override;

  const std::string& prefix() const { return prefix_; }

 private:
  std::string Full(const std::string& key) const { return prefix_ + key; }
  ObjectInfo Strip(ObjectInfo info) const;

  std::unique_ptr<ObjectStore> base_;
  std::string prefix_;
};

}  // namespace sluice::store
