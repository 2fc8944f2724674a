// Conformance, continued: large objects, atomic visibility, and
// compare-and-swap under contention from threads and from processes.
#include <gmock/gmock.h>

#include <algorithm>
#include <fstream>
#include <latch>
#include <thread>

#include "object_store_conformance.h"

namespace sluice::store::conformance {
namespace {

using ::testing::Each;
using ::testing::Eq;

constexpr int kExitWon = 0;
constexpr int kExitLost = 1;
constexpr int kExitError = 2;

// Adds one to the decimal counter at `key`, retrying lost races. False on any other error.
bool Increment(ObjectStore& store, const std::string& key) {
  while (true) {
    Result<Object> current = store.Get(key);
    if (!current.has_value()) return false;
    std::string next = std::to_string(std::stoll(current->data) + 1);
    Result<ObjectInfo> put = store.Put(key, next, IfVersion(current->version));
    if (put.has_value()) return true;
    if (put.error().code() != StatusCode::kConflict) return false;
  }
}

TEST_P(ObjectStoreConformance, PutFileUploadsALargeFileAndLeavesTheLocalFile) {
  ScratchDirectory scratch;
  std::string local_path = scratch.path() + "/spool.parquet";
  std::string data = PatternBytes(50 << 20, 7);
  {
    std::ofstream out(local_path, std::ios::binary);
    out.write(data.data(), static_cast<std::streamsize>(data.size()));
    ASSERT_TRUE(out.good());
  }
  std::string key = "incremental/year=2025/month=11/big_batch_0001.parquet";
  Result<ObjectInfo> put = store().PutFile(key, local_path);
  ASSERT_TRUE(put.has_value()) << put.status().ToString();
  EXPECT_EQ(put->size_bytes, data.size());
  EXPECT_TRUE(std::filesystem::exists(local_path));
  Result<std::optional<ObjectInfo>> head = store().Head(key);
  ASSERT_TRUE(head.has_value() && head->has_value());
  EXPECT_EQ((*head)->size_bytes, data.size());
  EXPECT_EQ((*head)->version, put->version);
  Result<Object> got = store().Get(key);
  ASSERT_TRUE(got.has_value());
  EXPECT_TRUE(got->data == data) << "the object differs from the uploaded file";
}

TEST_P(ObjectStoreConformance, ReadersNeverSeeAPartiallyWrittenObject) {
  const std::string small(64 << 10, 'a');
  const std::string large(512 << 10, 'b');
  ASSERT_TRUE(store().Put("atomic.bin", small).has_value());
  std::atomic<bool> writing{true};
  std::thread writer([&] {
    for (int round = 0; round < 40; ++round) {
      EXPECT_TRUE(store().Put("atomic.bin", round % 2 ? small : large).has_value());
    }
    writing = false;
  });
  int reads = 0;
  bool whole = true;
  while (whole && (writing || reads < 10)) {
    Result<Object> got = store().Get("atomic.bin");
    whole = got.has_value() && (got->data == small || got->data == large);
    EXPECT_TRUE(whole) << (got.has_value() ? std::to_string(got->data.size()) + " bytes" : got.status().ToString());
    ++reads;
  }
  writer.join();
}

TEST_P(ObjectStoreConformance, ConcurrentCompareAndSwapFromThreadsHasExactlyOneWinner) {
  constexpr int kThreads = 8;
  for (int round = 0; round < 5; ++round) {
    Result<ObjectInfo> base = store().Put("cas.json", "base " + std::to_string(round));
    ASSERT_TRUE(base.has_value());
    std::latch start(kThreads);
    std::vector<int> outcomes(kThreads, kExitError);
    std::vector<std::thread> threads;
    for (int index = 0; index < kThreads; ++index) {
      threads.emplace_back([&, index] {
        start.arrive_and_wait();
        Result<ObjectInfo> put = store().Put("cas.json", "thread " + std::to_string(index), IfVersion(base->version));
        if (put.has_value())
          outcomes[index] = kExitWon;
        else if (put.error().code() == StatusCode::kConflict)
          outcomes[index] = kExitLost;
      });
    }
    for (std::thread& thread : threads) thread.join();
    EXPECT_EQ(std::count(outcomes.begin(), outcomes.end(), kExitWon), 1) << "round " << round;
    EXPECT_EQ(std::count(outcomes.begin(), outcomes.end(), kExitLost), kThreads - 1) << "round " << round;
  }
}

TEST_P(ObjectStoreConformance, ConcurrentPutIfAbsentFromThreadsHasExactlyOneWinner) {
  constexpr int kThreads = 8;
  std::latch start(kThreads);
  std::atomic<int> won{0};
  std::atomic<int> lost{0};
  std::vector<std::thread> threads;
  for (int index = 0; index < kThreads; ++index) {
    threads.emplace_back([&, index] {
      std::unique_ptr<ObjectStore> own = backend_->OpenAnother();
      ObjectStore& client = own ? *own : store();
      start.arrive_and_wait();
      Result<ObjectInfo> put = client.Put("leases/p/t.json", std::to_string(index), IfAbsent());
      if (put.has_value())
        ++won;
      else if (put.error().code() == StatusCode::kConflict)
        ++lost;
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(won.load(), 1);
  EXPECT_EQ(lost.load(), kThreads - 1);
}

TEST_P(ObjectStoreConformance, CompareAndSwapIncrementsFromThreadsLoseNoUpdate) {
  constexpr int kThreads = 4;
  constexpr int kIncrements = 25;
  ASSERT_TRUE(store().Put("counter", "0").has_value());
  std::latch start(kThreads);
  std::vector<std::thread> threads;
  for (int index = 0; index < kThreads; ++index) {
    threads.emplace_back([&] {
      std::unique_ptr<ObjectStore> own = backend_->OpenAnother();
      ObjectStore& client = own ? *own : store();
      start.arrive_and_wait();
      for (int count = 0; count < kIncrements; ++count) EXPECT_TRUE(Increment(client, "counter"));
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(store().Get("counter")->data, std::to_string(kThreads * kIncrements));
}

TEST_P(ObjectStoreProcessConformance, ConcurrentCompareAndSwapFromProcessesHasExactlyOneWinner) {
  ASSERT_TRUE(backend_->SharedAcrossProcesses());
  constexpr int kProcesses = 6;
  for (int round = 0; round < 3; ++round) {
    Result<ObjectInfo> base = store().Put("cas.json", "base");
    ASSERT_TRUE(base.has_value());
    std::string version = base->version;
    std::vector<int> exit_codes = RunInProcesses(kProcesses, [&](int index) {
      std::unique_ptr<ObjectStore> client = backend_->OpenAnother();
      if (!client) return kExitError;
      Result<ObjectInfo> put = client->Put("cas.json", std::to_string(index), IfVersion(version));
      if (put.has_value()) return kExitWon;
      return put.error().code() == StatusCode::kConflict ? kExitLost : kExitError;
    });
    ASSERT_EQ(exit_codes.size(), static_cast<size_t>(kProcesses));
    EXPECT_EQ(std::count(exit_codes.begin(), exit_codes.end(), kExitWon), 1) << "round " << round;
    EXPECT_EQ(std::count(exit_codes.begin(), exit_codes.end(), kExitLost), kProcesses - 1) << "round " << round;
  }
}

TEST_P(ObjectStoreProcessConformance, PutIfAbsentFromProcessesHasExactlyOneWinner) {
  ASSERT_TRUE(backend_->SharedAcrossProcesses());
  constexpr int kProcesses = 6;
  std::vector<int> exit_codes = RunInProcesses(kProcesses, [&](int index) {
    std::unique_ptr<ObjectStore> client = backend_->OpenAnother();
    if (!client) return kExitError;
    Result<ObjectInfo> put = client->Put("leases/p/t.json", std::to_string(index), IfAbsent());
    if (put.has_value()) return kExitWon;
    return put.error().code() == StatusCode::kConflict ? kExitLost : kExitError;
  });
  ASSERT_EQ(exit_codes.size(), static_cast<size_t>(kProcesses));
  EXPECT_EQ(std::count(exit_codes.begin(), exit_codes.end(), kExitWon), 1);
  EXPECT_EQ(std::count(exit_codes.begin(), exit_codes.end(), kExitLost), kProcesses - 1);
}

TEST_P(ObjectStoreProcessConformance, CompareAndSwapIncrementsFromProcessesLoseNoUpdate) {
  ASSERT_TRUE(backend_->SharedAcrossProcesses());
  constexpr int kProcesses = 4;
  constexpr int kIncrements = 15;
  ASSERT_TRUE(store().Put("counter", "0").has_value());
  std::vector<int> exit_codes = RunInProcesses(kProcesses, [&](int) {
    std::unique_ptr<ObjectStore> client = backend_->OpenAnother();
    if (!client) return kExitError;
    for (int count = 0; count < kIncrements; ++count) {
      if (!Increment(*client, "counter")) return kExitError;
    }
    return kExitWon;
  });
  EXPECT_THAT(exit_codes, Each(Eq(kExitWon)));
  EXPECT_EQ(store().Get("counter")->data, std::to_string(kProcesses * kIncrements));
}

}  // namespace
}  // namespace sluice::store::conformance
