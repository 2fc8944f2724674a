// CancelToken: asks one run to stop at its next safe point.
//
// The caller that starts a run owns its token and hands it down; the run
// polls it between batches and before each table. Nothing reads a
// process-wide stop flag, so runs in one process (tests, parallel tables)
// are stopped independently. The CLI's SIGINT/SIGTERM handler sets the
// token of the run it started.
//
// Thread-safety: Cancel is async-signal-safe (a lock-free atomic store) and
// may be called from any thread; cancelled() from any thread.
#pragma once

#include <atomic>

namespace sluice {

class CancelToken {
 public:
  void Cancel() noexcept { cancelled_.store(true, std::memory_order_relaxed); }
  bool cancelled() const noexcept { return cancelled_.load(std::memory_order_relaxed); }

 private:
  static_assert(std::atomic<bool>::is_always_lock_free, "Cancel must be safe in a signal handler");
  std::atomic<bool> cancelled_{false};
};

}  // namespace sluice
