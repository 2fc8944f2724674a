// Retry: the one policy every network call uses (the S3 store, the
// PostgreSQL/Redshift targets, log readers): capped exponential backoff
// with full jitter, for errors marked retryable only, bounded by attempts
// and by total time.
//
// Attempt n (1-based) that fails with a retryable error is followed by a
// sleep drawn uniformly from [0, min(max_delay, initial_delay * 2^(n-1))]
// ("full jitter": clients that failed together do not retry together), as
// long as another attempt is allowed and the sleep ends within
// max_total_micros of the first attempt. A non-retryable error is returned
// at once, unchanged. When the policy gives up, the last error is returned
// with its code, its message prefixed with how many attempts were made.
//
// Clock, sleep and random source are injected (RetryEnvironment), so tests
// run instantly and deterministically.
//
// Thread-safety: Retry may be called from several threads with distinct
// environments (the default one is safe to share).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>

#include "common/status.h"

namespace sluice {

// Retryable: a retry may succeed (StatusCode::kUnavailable: a timeout, a
// connection reset, a 5xx or throttling answer, a file locked by another
// process). Everything else is the same error on the next attempt.
inline bool IsRetryable(const Status& status) { return status.code() == StatusCode::kUnavailable; }

struct RetryPolicy {
  int max_attempts = 5;                       // REQUIRES: >= 1
  int64_t initial_delay_micros = 100'000;     // the cap of the first sleep
  int64_t max_delay_micros = 10'000'000;      // no sleep is longer
  int64_t max_total_micros = 60'000'000;      // no retry starts later than this after the first attempt
};

struct RetryEnvironment {
  std::function<int64_t()> now_micros;              // empty: the steady clock
  std::function<void(int64_t micros)> sleep_micros;  // empty: sleeps the thread
  std::function<uint64_t()> random;                  // empty: a thread-local generator
};

// The sleep after failed attempt `attempt` (1-based), given `random_value`:
// uniform in [0, min(max_delay, initial_delay * 2^(attempt-1))].
int64_t RetryDelayMicros(const RetryPolicy& policy, int attempt, uint64_t random_value);

// Runs `operation` until it succeeds, fails with a non-retryable error, or
// the policy gives up. `what` names the operation in the final error
// ("uploading part 3 of key '...'").
Status Retry(const RetryPolicy& policy, std::string_view what, const std::function<Status()>& operation,
             const RetryEnvironment& environment = {});

template <typename T>
Result<T> Retry(const RetryPolicy& policy, std::string_view what, const std::function<Result<T>()>& operation,
                const RetryEnvironment& environment = {}) {
  std::optional<T> value;
  Status status = Retry(
      policy, what,
      [&]() -> Status {
        Result<T> result = operation();
        if (!result.has_value()) return result.error();
        value = std::move(*result);
        return Status::Ok();
      },
      environment);
  if (!status.ok()) return status;
  return std::move(*value);
}

}  // namespace sluice
