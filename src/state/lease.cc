#include "state/lease.h"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>

#include "common/logging.h"
#include "common/process.h"
#include "state/names.h"
#include "types/temporal.h"

namespace sluice::state {
namespace {

constexpr int kAcquireAttempts = 5;
constexpr int kWriteAttempts = 3;

std::string HostName() {
  char name[256] = {};
  if (::gethostname(name, sizeof(name) - 1) != 0) return "unknown-host";
  return name;
}

LeaseOptions Normalized(LeaseOptions options) {
  if (options.renew_interval_micros <= 0) options.renew_interval_micros = options.lease_seconds * kMicrosPerSecond / 3;
  if (!options.now_micros) options.now_micros = [] { return NowMicros(); };
  if (options.host.empty()) options.host = HostName();
  if (options.pid == 0) options.pid = ::getpid();
  if (options.retry.max_total_micros <= 0) options.retry.max_total_micros = options.renew_interval_micros / 2;
  return options;
}

bool SameHolder(const LeaseDocument& a, const LeaseDocument& b) {
  return a.epoch == b.epoch && a.run_id == b.run_id && a.holder_host == b.holder_host && a.holder_pid == b.holder_pid;
}

// Why `held` may be taken over now, or "" when it may not.
std::string TakeoverReason(const LeaseDocument& held, int64_t now_micros, const std::string& host) {
  if (held.released) return "it was released";
  if (now_micros >= held.expires_at_micros) {
    return fmt::format("it expired at {}", FormatTimestampIso(held.expires_at_micros));
  }
  if (held.holder_host == host && ProcessIsGone(held.holder_pid)) {
    return fmt::format("its process {} on this host is gone", held.holder_pid);
  }
  return "";
}

// The lease document at `key`, or nullopt when there is none.
Result<std::optional<LeaseDocument>> ReadLease(store::ObjectStore& store, const std::string& key,
                                               const std::string& table, std::string* version) {
  Result<store::Object> current = store.Get(key);
  if (!current.has_value()) {
    if (current.error().code() == StatusCode::kNotFound) return std::optional<LeaseDocument>();
    return current.error().WithContext(fmt::format("reading the lease of table {}", table));
  }
  Result<LeaseDocument> held = LeaseFromJson(current->data, key);
  if (!held.has_value()) {
    return held.error().WithContext(
        fmt::format("reading the lease of table {} (remove {} if no run of it is active)", table, store.Locate(key)));
  }
  if (version != nullptr) *version = current->version;
  return std::optional<LeaseDocument>(std::move(*held));
}

store::PutCondition IfVersion(const std::string& version) {
  store::PutCondition condition;
  condition.if_version = version;
  return condition;
}

}  // namespace

std::string DescribeHolder(const LeaseDocument& held) {
  return fmt::format("pid {} on host {} (run {}) until {}", held.holder_pid, held.holder_host, held.run_id,
                     FormatTimestampIso(held.expires_at_micros));
}

Result<std::optional<LeaseDocument>> FindActiveLease(store::ObjectStore& store, const std::string& pipeline,
                                                     const std::string& table, int64_t now_micros,
                                                     const std::string& host) {
  std::string key = LeaseKey(pipeline, table);
  SLUICE_RETURN_IF_ERROR(internal::ValidateDocumentNames(pipeline, table, key));
  SLUICE_ASSIGN_OR_RETURN(std::optional<LeaseDocument> held, ReadLease(store, key, table, nullptr));
  if (!held) return held;
  std::string reason =
      TakeoverReason(*held, now_micros != 0 ? now_micros : NowMicros(), host.empty() ? HostName() : host);
  if (!reason.empty()) return std::optional<LeaseDocument>();
  return held;
}

Result<std::unique_ptr<Lease>> Lease::Acquire(store::ObjectStore* store, const std::string& pipeline,
                                              const std::string& table, const std::string& run_id,
                                              int64_t lease_seconds) {
  LeaseOptions options;
  options.lease_seconds = lease_seconds;
  return Acquire(store, pipeline, table, run_id, options);
}

Result<std::unique_ptr<Lease>> Lease::Acquire(store::ObjectStore* store, const std::string& pipeline,
                                              const std::string& table, const std::string& run_id,
                                              const LeaseOptions& given) {
  if (given.lease_seconds < 1) return InvalidArgument("lease_seconds must be at least 1, got {}", given.lease_seconds);
  std::string key = LeaseKey(pipeline, table);
  SLUICE_RETURN_IF_ERROR(internal::ValidateDocumentNames(pipeline, table, key));
  LeaseOptions options = Normalized(given);
  for (int attempt = 0; attempt < kAcquireAttempts; ++attempt) {
    int64_t now = options.now_micros();
    LeaseDocument mine{.holder_host = options.host,
                       .holder_pid = options.pid,
                       .run_id = run_id,
                       .epoch = 1,
                       .renewed_at_micros = now,
                       .expires_at_micros = now + options.lease_seconds * kMicrosPerSecond,
                       .released = false,
                       .generation = 1};
    store::PutCondition condition;
    std::string version;
    SLUICE_ASSIGN_OR_RETURN(std::optional<LeaseDocument> held, ReadLease(*store, key, table, &version));
    if (held) {
      std::string reason = TakeoverReason(*held, now, options.host);
      if (reason.empty()) {
        return LeaseHeld("table {} of pipeline {} is being synced by {}; try again later or wait for it to expire",
                         table, pipeline, DescribeHolder(*held));
      }
      if (!held->released)
        SLUICE_LOG_INFO("table {}: taking over the lease of run {}: {}", table, held->run_id, reason);
      mine.epoch = held->epoch + 1;
      mine.generation = held->generation + 1;
      condition.if_version = version;
    } else {
      condition.if_absent = true;
    }
    Result<store::ObjectInfo> written = store->Put(key, LeaseToJson(mine), condition);
    if (written.has_value()) {
      return std::unique_ptr<Lease>(new Lease(store, pipeline, table, mine, written->version, options));
    }
    if (written.error().code() != StatusCode::kConflict) {
      return written.error().WithContext(fmt::format("taking the lease of table {}", table));
    }
    // Another run wrote the lease between our read and our write: look again.
  }
  return Conflict("could not take the lease of table {} of pipeline {}: other runs kept changing it; try again", table,
                  pipeline);
}

Lease::Lease(store::ObjectStore* store, std::string pipeline, std::string table, LeaseDocument document,
             std::string version, const LeaseOptions& options)
    : store_(store),
      pipeline_(std::move(pipeline)),
      table_(std::move(table)),
      key_(LeaseKey(pipeline_, table_)),
      lease_seconds_(options.lease_seconds),
      renew_interval_micros_(options.renew_interval_micros),
      now_micros_(options.now_micros),
      retry_(options.retry),
      retry_environment_(options.retry_environment),
      epoch_(document.epoch),
      document_(std::move(document)),
      version_(std::move(version)) {
  renewer_ = std::thread(&Lease::RenewLoop, this);
}

Lease::~Lease() {
  Status released = Release();
  if (!released.ok()) SLUICE_LOG_WARN("table {}: releasing the lease: {}", table_, released.message());
}

LeaseDocument Lease::document() {
  std::lock_guard lock(mutex_);
  return document_;
}

Status Lease::Check() {
  std::lock_guard lock(mutex_);
  if (!lost_reason_.empty()) return Conflict(lost_reason_);
  if (released_) return Conflict("the lease of table {} of pipeline {} was released", table_, pipeline_);
  if (Now() >= document_.expires_at_micros) {
    return Conflict(
        "the lease of table {} of pipeline {} expired at {} without being renewed (is the store "
        "reachable?); another run may have taken it over",
        table_, pipeline_, FormatTimestampIso(document_.expires_at_micros));
  }
  return Status::Ok();
}

void Lease::RenewLoop() {
  std::unique_lock lock(mutex_);
  while (true) {
    auto interval = std::chrono::microseconds(renew_interval_micros_);
    if (stop_signal_.wait_for(lock, interval, [this] { return stopping_; })) return;
    lock.unlock();
    Status renewed = Renew();
    lock.lock();
    if (!lost_reason_.empty()) {
      SLUICE_LOG_WARN("{}", lost_reason_);
      return;
    }
    if (!renewed.ok() && !stopping_) SLUICE_LOG_WARN("table {}: renewing the lease: {}", table_, renewed.message());
  }
}

Status Lease::Renew() {
  std::lock_guard io_lock(io_mutex_);
  LeaseDocument next;
  {
    std::lock_guard lock(mutex_);
    if (!lost_reason_.empty()) return Conflict(lost_reason_);
    if (released_) return Conflict("the lease of table {} of pipeline {} was released", table_, pipeline_);
    next = document_;
  }
  int64_t now = Now();
  next.renewed_at_micros = now;
  next.expires_at_micros = now + lease_seconds_ * kMicrosPerSecond;
  ++next.generation;
  return WriteOurs(next);
}

Status Lease::WriteOurs(LeaseDocument next) {
  for (int attempt = 0; attempt < kWriteAttempts; ++attempt) {
    std::string version;
    {
      std::lock_guard lock(mutex_);
      version = version_;
    }
    Result<store::ObjectInfo> written = Retry<store::ObjectInfo>(
        retry_, fmt::format("writing the lease {}", key_),
        [&] { return store_->Put(key_, LeaseToJson(next), IfVersion(version)); }, retry_environment_);
    if (written.has_value()) {
      std::lock_guard lock(mutex_);
      document_ = next;
      version_ = written->version;
      return Status::Ok();
    }
    if (written.error().code() != StatusCode::kConflict) return written.error();
    // Our previous write may have landed unreported (its version is then
    // news to us), or another run took the lease: read it to tell.
    Result<store::Object> current = store_->Get(key_);
    if (!current.has_value() && current.error().code() != StatusCode::kNotFound) return current.error();
    std::string holder = "its document was deleted";
    if (current.has_value()) {
      Result<LeaseDocument> held = LeaseFromJson(current->data, key_);
      if (held.has_value() && SameHolder(*held, next)) {
        std::lock_guard lock(mutex_);
        version_ = current->version;
        next.generation = std::max(next.generation, held->generation + 1);  // over our landed write, not a copy of it
        continue;
      }
      holder = held.has_value() ? fmt::format("run {} (pid {} on host {}) holds it now with epoch {}", held->run_id,
                                              held->holder_pid, held->holder_host, held->epoch)
                                : held.error().message();
    }
    std::lock_guard lock(mutex_);
    lost_reason_ =
        fmt::format("lost the lease of table {} of pipeline {} (epoch {}): {}", table_, pipeline_, epoch_, holder);
    return Conflict(lost_reason_);
  }
  return Unavailable("the lease document {} kept changing while this run wrote it", key_);
}

void Lease::StopRenewing() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  stop_signal_.notify_all();
  if (renewer_.joinable()) renewer_.join();
}

Status Lease::Release() {
  StopRenewing();
  std::lock_guard io_lock(io_mutex_);
  LeaseDocument next;
  {
    std::lock_guard lock(mutex_);
    if (released_ || !lost_reason_.empty()) return Status::Ok();  // nothing of ours to release
    next = document_;
  }
  int64_t now = Now();
  next.released = true;
  next.renewed_at_micros = now;
  next.expires_at_micros = now;
  ++next.generation;
  Status written = WriteOurs(next);
  if (!written.ok() && written.code() != StatusCode::kConflict) return written;
  std::lock_guard lock(mutex_);
  released_ = true;  // or, on Conflict, no longer ours: nothing to release
  return Status::Ok();
}

}  // namespace sluice::state
