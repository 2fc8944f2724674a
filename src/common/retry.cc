#include "common/retry.h"

#include <algorithm>
#include <chrono>
#include <random>
#include <thread>

namespace sluice {
namespace {

int64_t SteadyNowMicros() {
  using namespace std::chrono;
  return duration_cast<microseconds>(steady_clock::now().time_since_epoch()).count();
}

uint64_t ThreadRandom() {
  thread_local std::mt19937_64 generator{std::random_device{}()};
  return generator();
}

}  // namespace

int64_t RetryDelayMicros(const RetryPolicy& policy, int attempt, uint64_t random_value) {
  int64_t cap = std::max<int64_t>(policy.initial_delay_micros, 0);
  for (int doubling = 1; doubling < attempt && cap < policy.max_delay_micros; ++doubling) cap *= 2;
  cap = std::min(cap, policy.max_delay_micros);
  if (cap <= 0) return 0;
  return static_cast<int64_t>(random_value % (static_cast<uint64_t>(cap) + 1));
}

Status Retry(const RetryPolicy& policy, std::string_view what, const std::function<Status()>& operation,
             const RetryEnvironment& environment) {
  assert(policy.max_attempts >= 1);
  auto now = environment.now_micros ? environment.now_micros : SteadyNowMicros;
  auto random = environment.random ? environment.random : ThreadRandom;
  const int64_t started = now();
  for (int attempt = 1;; ++attempt) {
    Status status = operation();
    if (status.ok() || !IsRetryable(status)) return status;
    int64_t delay = RetryDelayMicros(policy, attempt, random());
    int64_t elapsed = now() - started;
    bool out_of_attempts = attempt >= policy.max_attempts;
    if (out_of_attempts || elapsed + delay > policy.max_total_micros) {
      return status.WithContext(fmt::format("{}: gave up after {} attempt{} in {:.1f} s ({})", what, attempt,
                                            attempt == 1 ? "" : "s", static_cast<double>(elapsed) / 1e6,
                                            out_of_attempts ? "the most allowed" : "out of time"));
    }
    if (environment.sleep_micros) {
      environment.sleep_micros(delay);
    } else {
      std::this_thread::sleep_for(std::chrono::microseconds(delay));
    }
  }
}

}  // namespace sluice
