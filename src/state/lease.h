// Lease: at most one run per (pipeline, table) at a time (SPEC §4).
//
// The lease is a JSON document at leases/<pipeline>/<table>.json written
// with compare-and-swap. It is renewed by a background thread while the run
// lives and expires `lease_seconds` after its last renewal. A lease whose
// holder ran on this host and whose process is gone is taken over at once.
// A taken-over lease gets a higher epoch; the watermark records the epoch
// of its writer, so a stale writer is refused (fencing).
//
// Thread-safety: Lease's methods may be called from the run's thread while
// its renewal thread runs.
#pragma once

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "store/object_store.h"

namespace sluice::state {

struct LeaseDocument {
  std::string holder_host;
  int64_t holder_pid = 0;
  std::string run_id;
  int64_t epoch = 0;
  int64_t renewed_at_micros = 0;
  int64_t expires_at_micros = 0;
};

std::string LeaseKey(const std::string& pipeline, const std::string& table);

class Lease {
 public:
  // Takes the lease or returns LeaseHeld naming the holder and when it expires.
  static Result<std::unique_ptr<Lease>> Acquire(store::ObjectStore* store, const std::string& pipeline,
                                                const std::string& table, const std::string& run_id,
                                                int64_t lease_seconds);
  ~Lease();  // stops renewing and releases (best effort)

  int64_t epoch() const { return epoch_; }
  // Ok while this run still holds the lease; Conflict once another run took it.
  Status Check();
  // Deletes the lease document if still ours.
  Status Release();

 private:
  Lease(store::ObjectStore* store, std::string key, LeaseDocument document, std::string version,
        int64_t lease_seconds);
  void RenewLoop();
  Status RenewOnce();

  store::ObjectStore* store_;
  std::string key_;
  LeaseDocument document_;
  std::string version_;
  int64_t lease_seconds_;
  int64_t epoch_;
  std::mutex mutex_;
  std::condition_variable stop_signal_;
  bool stopping_ = false;
  bool lost_ = false;
  std::thread renewer_;
};

}  // namespace sluice::state
