#include "store/memory/memory_store.h"

#include <chrono>
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

}  // namespace

std::string_view ToString(StoreOperation operation) {
  switch (operation) {
    case StoreOperation::kPut: return "put";
    case StoreOperation::kPutFile: return "put_file";
    case StoreOperation::kGet: return "get";
    case StoreOperation::kHead: return "head";
    case StoreOperation::kList: return "list";
    case StoreOperation::kDelete: return "delete";
  }
  return "unknown";
}

MemoryStore::MemoryStore(std::string name) : name_(std::move(name)) {}

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
  for (const auto& [key, entry] : objects_) contents.emplace(key, entry.data);
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
      .key = key, .size_bytes = entry.data.size(), .modified_micros = entry.modified_micros, .version = entry.version};
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
  entry.data = std::move(data);
  entry.version = std::to_string(++last_version_);
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

Result<Object> MemoryStore::Get(const std::string& key) {
  SLUICE_RETURN_IF_ERROR(ValidateKey(key));
  RunHook(StoreOperation::kGet, key);
  std::lock_guard lock(mutex_);
  if (std::optional<FaultRule> fault = TakeFault(StoreOperation::kGet, key)) return fault->status;
  auto found = objects_.find(key);
  if (found == objects_.end()) return NotFound("object '{}' does not exist in {}", key, Describe());
  return Object{.data = found->second.data, .version = found->second.version};
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
