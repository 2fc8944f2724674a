#include "store/memory/memory_store.h"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <utility>

#include "common/file.h"
#include "store/keys.h"

namespace sluice::store {
namespace {

thread_local bool inside_hook = false;

int64_t NowMicros() {
  using namespace std::chrono;
  return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

// FNV-1a, 64 bits: a digest of the bytes, as an S3 ETag is (MD5 there; any
// digest gives the property that matters, equal bytes -> equal version).
std::string ContentHash(std::string_view data) {
  uint64_t hash = 0xcbf29ce484222325ull;
  for (unsigned char byte : data) {
    hash ^= byte;
    hash *= 0x100000001b3ull;
  }
  return fmt::format("\"{:016x}\"", hash);
}

}  // namespace

std::string_view ToString(StoreOperation operation) {
  switch (operation) {
    case StoreOperation::kPut: return "put";
    case StoreOperation::kPutFile: return "put_file";
    case StoreOperation::kGet: return "get";
    case StoreOperation::kGetRange: return "get_range";
    case StoreOperation::kOpenRead: return "open_read";
    case StoreOperation::kRead: return "read";
    case StoreOperation::kHead: return "head";
    case StoreOperation::kList: return "list";
    case StoreOperation::kDelete: return "delete";
  }
  return "unknown";
}

class MemoryStore::Reader final : public ObjectReader {
 public:
  Reader(MemoryStore* store, std::string key, std::shared_ptr<const std::string> data, std::string version)
      : store_(store), key_(std::move(key)), data_(std::move(data)), version_(std::move(version)) {}
  Result<size_t> Read(char* buffer, size_t capacity) override {
    SLUICE_RETURN_IF_ERROR(store_->CheckFault(StoreOperation::kRead, key_));
    size_t count = std::min(capacity, data_->size() - offset_);
    std::memcpy(buffer, data_->data() + offset_, count);
    offset_ += count;
    return count;
  }
  uint64_t size_bytes() const override { return data_->size(); }
  const std::string& version() const override { return version_; }

 private:
  MemoryStore* store_;
  const std::string key_;
  const std::shared_ptr<const std::string> data_;
  const std::string version_;
  size_t offset_ = 0;
};

MemoryStore::MemoryStore(std::string name, VersionScheme scheme) : name_(std::move(name)), scheme_(scheme) {}

void MemoryStore::InjectFault(FaultRule rule) {
  assert(!rule.status.ok());
  std::lock_guard lock(mutex_);
  faults_.push_back(std::move(rule));
}

void MemoryStore::FailNext(StoreOperation operation, Status status) { FailNth(operation, 1, std::move(status)); }

void MemoryStore::FailNth(StoreOperation operation, int64_t n, Status status) {
  assert(n >= 1);
  FaultRule rule;
  rule.operation = operation;
  rule.skip_calls = n - 1;
  rule.status = std::move(status);
  InjectFault(std::move(rule));
}

void MemoryStore::FailNextAfterWrite(StoreOperation operation, Status status) {
  FaultRule rule;
  rule.operation = operation;
  rule.status = std::move(status);
  rule.after_write = true;
  InjectFault(std::move(rule));
}

void MemoryStore::ClearFaults() {
  std::lock_guard lock(mutex_);
  faults_.clear();
}

void MemoryStore::SetHook(Hook hook) {
  std::lock_guard lock(mutex_);
  hook_ = std::move(hook);
}

int64_t MemoryStore::CallCount(StoreOperation operation) const {
  std::lock_guard lock(mutex_);
  auto found = call_counts_.find(operation);
  return found == call_counts_.end() ? 0 : found->second;
}

std::map<std::string, std::string> MemoryStore::Contents() const {
  std::lock_guard lock(mutex_);
  std::map<std::string, std::string> contents;
  for (const auto& [key, entry] : objects_) contents.emplace(key, *entry.data);
  return contents;
}

void MemoryStore::RunHook(StoreOperation operation, const std::string& key) {
  if (inside_hook) return;
  Hook hook;
  {
    std::lock_guard lock(mutex_);
    hook = hook_;
  }
  if (!hook) return;
  inside_hook = true;
  hook(operation, key);
  inside_hook = false;
}

std::optional<FaultRule> MemoryStore::TakeFault(StoreOperation operation, const std::string& key) {
  ++call_counts_[operation];
  std::optional<FaultRule> fired;
  for (FaultRule& rule : faults_) {
    if (rule.operation != operation || key.find(rule.key_contains) == std::string::npos) continue;
    if (rule.skip_calls > 0) {
      --rule.skip_calls;
      continue;
    }
    if (fired || rule.fail_calls == 0) continue;
    fired = rule;
    if (rule.fail_calls != FaultRule::kForever) --rule.fail_calls;
  }
  std::erase_if(faults_, [](const FaultRule& rule) { return rule.fail_calls == 0; });
  return fired;
}

ObjectInfo MemoryStore::InfoOf(const std::string& key, const Entry& entry) {
  return ObjectInfo{
      .key = key, .size_bytes = entry.data->size(), .modified_micros = entry.modified_micros, .version = entry.version};
}

Status MemoryStore::CheckCondition(const std::string& key, const PutCondition& condition) const {
  auto found = objects_.find(key);
  if (condition.if_absent && found != objects_.end()) {
    return Conflict("object '{}' already exists (written only if absent)", key);
  }
  if (condition.if_version) {
    if (found == objects_.end()) {
      return Conflict("object '{}' does not exist (written only over version {})", key, *condition.if_version);
    }
    if (found->second.version != *condition.if_version) {
      return Conflict("object '{}' is at version {}, not {} (written only over that version)", key,
                      found->second.version, *condition.if_version);
    }
  }
  return Status::Ok();
}

Result<ObjectInfo> MemoryStore::Write(StoreOperation operation, const std::string& key, std::string data,
                                      const PutCondition& condition) {
  std::lock_guard lock(mutex_);
  std::optional<FaultRule> fault = TakeFault(operation, key);
  if (fault && !fault->after_write) return fault->status;
  SLUICE_RETURN_IF_ERROR(CheckCondition(key, condition));
  Entry& entry = objects_[key];
  entry.version = scheme_ == VersionScheme::kContentHash ? ContentHash(data) : std::to_string(++last_version_);
  entry.data = std::make_shared<const std::string>(std::move(data));
  entry.modified_micros = NowMicros();
  if (fault) return fault->status;
  return InfoOf(key, entry);
}

Result<ObjectInfo> MemoryStore::Put(const std::string& key, std::string_view data, const PutCondition& condition) {
  SLUICE_RETURN_IF_ERROR(ValidateKey(key));
  RunHook(StoreOperation::kPut, key);
  return Write(StoreOperation::kPut, key, std::string(data), condition);
}

Result<ObjectInfo> MemoryStore::PutFile(const std::string& key, const std::string& local_path) {
  SLUICE_RETURN_IF_ERROR(ValidateKey(key));
  RunHook(StoreOperation::kPutFile, key);
  Result<std::string> data = ReadFileToString(local_path);
  if (!data.has_value()) return data.error().WithContext(fmt::format("uploading '{}' to '{}'", local_path, key));
  return Write(StoreOperation::kPutFile, key, std::move(*data), PutCondition{});
}

Status MemoryStore::CheckFault(StoreOperation operation, const std::string& key) {
  RunHook(operation, key);
  std::lock_guard lock(mutex_);
  if (std::optional<FaultRule> fault = TakeFault(operation, key)) return fault->status;
  return Status::Ok();
}

Result<std::pair<std::shared_ptr<const std::string>, std::string>> MemoryStore::ReadEntry(StoreOperation operation,
                                                                                           const std::string& key) {
  SLUICE_RETURN_IF_ERROR(ValidateKey(key));
  SLUICE_RETURN_IF_ERROR(CheckFault(operation, key));
  std::lock_guard lock(mutex_);
  auto found = objects_.find(key);
  if (found == objects_.end()) return NotFound("object '{}' does not exist in {}", key, Describe());
  return std::make_pair(found->second.data, found->second.version);
}

Result<Object> MemoryStore::Get(const std::string& key) {
  SLUICE_ASSIGN_OR_RETURN(auto entry, ReadEntry(StoreOperation::kGet, key));
  return Object{.data = *entry.first, .version = std::move(entry.second)};
}

Result<Object> MemoryStore::GetRange(const std::string& key, uint64_t offset, uint64_t length) {
  SLUICE_ASSIGN_OR_RETURN(auto entry, ReadEntry(StoreOperation::kGetRange, key));
  const std::string& data = *entry.first;
  std::string range = offset < data.size() ? data.substr(offset, length) : std::string();
  return Object{.data = std::move(range), .version = std::move(entry.second)};
}

Result<std::unique_ptr<ObjectReader>> MemoryStore::OpenRead(const std::string& key) {
  SLUICE_ASSIGN_OR_RETURN(auto entry, ReadEntry(StoreOperation::kOpenRead, key));
  return std::unique_ptr<ObjectReader>(
      std::make_unique<Reader>(this, key, std::move(entry.first), std::move(entry.second)));
}

Result<std::optional<ObjectInfo>> MemoryStore::Head(const std::string& key) {
  SLUICE_RETURN_IF_ERROR(ValidateKey(key));
  RunHook(StoreOperation::kHead, key);
  std::lock_guard lock(mutex_);
  if (std::optional<FaultRule> fault = TakeFault(StoreOperation::kHead, key)) return fault->status;
  auto found = objects_.find(key);
  if (found == objects_.end()) return std::optional<ObjectInfo>();
  return std::optional<ObjectInfo>(InfoOf(key, found->second));
}

Result<std::vector<ObjectInfo>> MemoryStore::List(const std::string& prefix) {
  SLUICE_RETURN_IF_ERROR(ValidateListPrefix(prefix));
  RunHook(StoreOperation::kList, prefix);
  std::lock_guard lock(mutex_);
  if (std::optional<FaultRule> fault = TakeFault(StoreOperation::kList, prefix)) return fault->status;
  std::vector<ObjectInfo> infos;
  for (auto it = objects_.lower_bound(prefix); it != objects_.end() && it->first.starts_with(prefix); ++it) {
    infos.push_back(InfoOf(it->first, it->second));
  }
  return infos;
}

Status MemoryStore::Delete(const std::string& key) {
  SLUICE_RETURN_IF_ERROR(ValidateKey(key));
  RunHook(StoreOperation::kDelete, key);
  std::lock_guard lock(mutex_);
  std::optional<FaultRule> fault = TakeFault(StoreOperation::kDelete, key);
  if (fault && !fault->after_write) return fault->status;
  objects_.erase(key);
  if (fault) return fault->status;
  return Status::Ok();
}

std::string MemoryStore::Locate(const std::string& key) const { return fmt::format("memory://{}/{}", name_, key); }

std::string MemoryStore::Describe() const { return fmt::format("in-memory store '{}'", name_); }

}  // namespace sluice::store
