// Lease: at most one run per (pipeline, table) at a time (SPEC §4).
//
// The lease is a JSON document at leases/<pipeline>/<table>.json written
// with compare-and-swap. It is renewed by a background thread while the run
// lives and expires `lease_seconds` after its last renewal. A lease whose
// holder ran on this host and whose process is gone is taken over at once.
// A taken-over lease gets a higher epoch; the watermark records the epoch
// of its writer, so a stale writer is refused (fencing).
//
// Release does not delete the document: it marks it released, and the next
// Acquire takes it over at once with the next epoch. Epochs therefore only
// grow, and a watermark's lease_epoch stays comparable across runs (a
// deleted lease would restart at epoch 1, below the watermark's, and every
// later run would be fenced off).
//
// Thread-safety: Lease's methods may be called from the run's thread while
// its renewal thread runs; Check, Renew and document from any thread.
// Release and the destructor are called by the run's thread only.
#pragma once

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include "common/retry.h"
#include "store/object_store.h"

namespace sluice::state {

struct LeaseDocument {
  std::string holder_host;
  int64_t holder_pid = 0;
  std::string run_id;
  int64_t epoch = 0;
  int64_t renewed_at_micros = 0;  // JSON: "renewed_at", "2025-11-27T15:30:00.000000Z"
  int64_t expires_at_micros = 0;  // JSON: "expires_at"
  bool released = false;          // the holder let go: the next Acquire takes over at once
  // Grows by one with every write (acquire, renew, release), so no two writes
  // have the same bytes (store/object_store.h, "Versions"); 0 in leases written
  // before it existed.
  int64_t generation = 0;
  friend bool operator==(const LeaseDocument&, const LeaseDocument&) = default;
};

std::string LeaseKey(const std::string& pipeline, const std::string& table);
// Pretty JSON: {holder_host, holder_pid, run_id, epoch, renewed_at, expires_at, released, generation}.
std::string LeaseToJson(const LeaseDocument& document);
// Unknown fields are ignored (a newer sluice may add some; its leases must still be honoured).
Result<LeaseDocument> LeaseFromJson(std::string_view json, const std::string& origin);

// "pid 4242 on host etl-1 (run sync_20251128_140000_abc123) until 2025-11-28T14:05:00.000000Z"
std::string DescribeHolder(const LeaseDocument& held);

// The lease of `table` as a run holds it now (not released, not expired,
// its process not known to be gone), or nullopt. Only reads the store: for
// commands that must not take a lease (previews) yet say who works on a
// table. `now_micros`/`host` as in LeaseOptions (0/empty: the system's).
Result<std::optional<LeaseDocument>> FindActiveLease(store::ObjectStore& store, const std::string& pipeline,
                                                     const std::string& table, int64_t now_micros = 0,
                                                     const std::string& host = "");

struct LeaseOptions {
  int64_t lease_seconds = 300;          // REQUIRES: >= 1
  int64_t renew_interval_micros = 0;    // how often the thread renews; 0: lease_seconds / 3
  std::function<int64_t()> now_micros;  // the clock; empty: the system clock
  std::string host;                     // the holder; empty: gethostname()
  int64_t pid = 0;                      // 0: getpid()
  // Retries a write of the lease that failed with a retryable error (a
  // store that timed out), within a renewal: max_total_micros 0 means half
  // the renewal interval, so a renewal ends well before the lease expires.
  RetryPolicy retry = {.max_attempts = 4, .initial_delay_micros = 200'000, .max_delay_micros = 2'000'000,
                       .max_total_micros = 0};
  RetryEnvironment retry_environment;  // empty: the real clock, sleep and randomness
};

class Lease {
 public:
  // Takes the lease or returns LeaseHeld naming the holder and when it expires.
  static Result<std::unique_ptr<Lease>> Acquire(store::ObjectStore* store, const std::string& pipeline,
                                                const std::string& table, const std::string& run_id,
                                                int64_t lease_seconds);
  static Result<std::unique_ptr<Lease>> Acquire(store::ObjectStore* store, const std::string& pipeline,
                                                const std::string& table, const std::string& run_id,
                                                const LeaseOptions& options);
  ~Lease();  // stops renewing and releases (best effort)

  int64_t epoch() const { return epoch_; }
  // Ok while this run still holds the lease; Conflict once another run took
  // it, once it was released, or once it expired without a renewal.
  Status Check();
  // Renews now (the renewal thread calls this every interval). Conflict, and
  // the lease is lost for good, when another run has taken it; other errors
  // leave it held until it expires.
  Status Renew();
  // Marks the lease document released if still ours, and stops renewing.
  Status Release();
  // The document as this run last wrote it.
  LeaseDocument document();

 private:
  Lease(store::ObjectStore* store, std::string pipeline, std::string table, LeaseDocument document, std::string version,
        const LeaseOptions& options);
  void RenewLoop();
  // Writes `next` over our last version. REQUIRES: io_mutex_ held.
  Status WriteOurs(LeaseDocument next);
  void StopRenewing();
  int64_t Now() const { return now_micros_(); }

  store::ObjectStore* store_;
  const std::string pipeline_;
  const std::string table_;
  const std::string key_;
  const int64_t lease_seconds_;
  const int64_t renew_interval_micros_;
  const std::function<int64_t()> now_micros_;
  const RetryPolicy retry_;
  const RetryEnvironment retry_environment_;
  const int64_t epoch_;
  std::mutex io_mutex_;  // serializes the renewals and the release (store I/O)
  std::mutex mutex_;     // guards the fields below
  LeaseDocument document_;
  std::string version_;
  std::string lost_reason_;  // set when another run took the lease
  bool released_ = false;
  bool stopping_ = false;
  std::condition_variable stop_signal_;
  std::thread renewer_;
};

}  // namespace sluice::state
