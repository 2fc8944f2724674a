#include "store/prefixed_store.h"

namespace sluice::store {

PrefixedStore::PrefixedStore(std::unique_ptr<ObjectStore> base, std::string prefix)
    : base_(std::move(base)), prefix_(std::move(prefix)) {
  while (!prefix_.empty() && prefix_.front() == '/') prefix_.erase(0, 1);
  if (!prefix_.empty() && prefix_.back() != '/') prefix_ += '/';
}

ObjectInfo PrefixedStore::Strip(ObjectInfo info) const {
  if (info.key.compare(0, prefix_.size(), prefix_) == 0) info.key.erase(0, prefix_.size());
  return info;
}

Result<ObjectInfo> PrefixedStore::Put(const std::string& key, std::string_view data, const PutCondition& condition) {
  SLUICE_ASSIGN_OR_RETURN(ObjectInfo info, base_->Put(Full(key), data, condition));
  return Strip(std::move(info));
}

Result<ObjectInfo> PrefixedStore::PutFile(const std::string& key, const std::string& local_path) {
  SLUICE_ASSIGN_OR_RETURN(ObjectInfo info, base_->PutFile(Full(key), local_path));
  return Strip(std::move(info));
}

Result<Object> PrefixedStore::Get(const std::string& key) { return base_->Get(Full(key)); }

Result<Object> PrefixedStore::GetRange(const std::string& key, uint64_t offset, uint64_t length) {
  return base_->GetRange(Full(key), offset, length);
}

Result<std::unique_ptr<ObjectReader>> PrefixedStore::OpenRead(const std::string& key) {
  return base_->OpenRead(Full(key));
}

Result<std::optional<ObjectInfo>> PrefixedStore::Head(const std::string& key) {
  SLUICE_ASSIGN_OR_RETURN(std::optional<ObjectInfo> info, base_->Head(Full(key)));
  if (info) info = Strip(std::move(*info));
  return info;
}

Result<std::vector<ObjectInfo>> PrefixedStore::List(const std::string& prefix) {
  SLUICE_ASSIGN_OR_RETURN(std::vector<ObjectInfo> infos, base_->List(Full(prefix)));
  for (ObjectInfo& info : infos) info = Strip(std::move(info));
  return infos;
}

Status PrefixedStore::Delete(const std::string& key) { return base_->Delete(Full(key)); }

std::string PrefixedStore::Locate(const std::string& key) const { return base_->Locate(Full(key)); }

std::string PrefixedStore::Describe() const {
  return prefix_.empty() ? base_->Describe() : base_->Describe() + " under '" + prefix_ + "'";
}

}  // namespace sluice::store
