// Clock: where a unit of work reads the time, so tests can drive it.
//
// A table run, its lease and its timeout read the time only through the
// Clock they are given: SystemClock in the binary, ManualClock in tests
// (a timeout is reached by advancing it, not by sleeping).
//
// Thread-safety: NowMicros may be called from any thread (the lease's
// renewal thread reads the run's clock); ManualClock's setters too.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

namespace sluice {

class Clock {
 public:
  virtual ~Clock() = default;
  // Microseconds since the Unix epoch, UTC.
  virtual int64_t NowMicros() const = 0;
};

class SystemClock final : public Clock {
 public:
  int64_t NowMicros() const override {
    return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
};

// Stands still until told to move.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(int64_t now_micros) : now_micros_(now_micros) {}
  int64_t NowMicros() const override { return now_micros_.load(); }
  void Set(int64_t now_micros) { now_micros_.store(now_micros); }
  void Advance(int64_t micros) { now_micros_.fetch_add(micros); }

 private:
  std::atomic<int64_t> now_micros_;
};

}  // namespace sluice
