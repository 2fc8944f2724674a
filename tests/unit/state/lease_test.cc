#include "state/lease.h"

#include <gmock/gmock.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <latch>
#include <thread>

#include "state/watermark.h"
#include "store/memory/memory_store.h"
#include "types/temporal.h"

namespace sluice::state {
namespace {

using ::testing::HasSubstr;

constexpr int64_t kNeverMicros = int64_t{1} << 40;  // a renewal interval no test outlives (~12 days)

class LeaseTest : public ::testing::Test {
 protected:
  // A lease on a fake clock that only moves when the test moves it, renewed only when the test says so.
  LeaseOptions Options(std::string host, int64_t lease_seconds = 10) {
    LeaseOptions options;
    options.lease_seconds = lease_seconds;
    options.renew_interval_micros = kNeverMicros;
    options.now_micros = [this] { return now_micros_.load(); };
    options.host = std::move(host);
    options.retry_environment.sleep_micros = [this](int64_t micros) { retry_sleeps_.push_back(micros); };
    return options;
  }
  Result<std::unique_ptr<Lease>> Acquire(const std::string& run_id, const LeaseOptions& options) {
    return Lease::Acquire(&store_, "p", "t", run_id, options);
  }
  LeaseDocument Stored() {
    Result<store::Object> object = store_.Get("leases/p/t.json");
    EXPECT_TRUE(object.has_value());
    return object.has_value() ? *LeaseFromJson(object->data, "leases/p/t.json") : LeaseDocument{};
  }
  void Advance(int64_t seconds) { now_micros_ += seconds * kMicrosPerSecond; }

  store::MemoryStore store_;
  std::vector<int64_t> retry_sleeps_;  // sleeps between retried writes of the lease
  std::atomic<int64_t> now_micros_{*ParseTimestamp("2025-11-28T14:00:00Z")};
};

// A pid that named a process of ours a moment ago and names none now.
int64_t DeadPid() {
  pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  int status = 0;
  ::waitpid(child, &status, 0);
  return child;
}

TEST_F(LeaseTest, AcquireWritesTheDocumentWithEpochOne) {
  Result<std::unique_ptr<Lease>> lease = Acquire("run-a", Options("host-a"));
  ASSERT_TRUE(lease.has_value()) << lease.status().ToString();
  EXPECT_EQ((*lease)->epoch(), 1);
  EXPECT_TRUE((*lease)->Check().ok());
  EXPECT_EQ(store_.Get("leases/p/t.json")->data, R"({
  "holder_host": "host-a",
  "holder_pid": )" + std::to_string(::getpid()) + R"(,
  "run_id": "run-a",
  "epoch": 1,
  "renewed_at": "2025-11-28T14:00:00.000000Z",
  "expires_at": "2025-11-28T14:00:10.000000Z",
  "released": false,
  "generation": 1
})");
}

TEST_F(LeaseTest, EveryWriteOfTheLeaseHasNewBytesEvenWhenTheClockStandsStill) {
  Result<std::unique_ptr<Lease>> lease = Acquire("run-a", Options("host-a"));
  ASSERT_TRUE(lease.has_value()) << lease.status().ToString();
  std::string acquired = store_.Get("leases/p/t.json")->data;
  ASSERT_TRUE((*lease)->Renew().ok());  // same clock reading: only the generation differs
  std::string renewed = store_.Get("leases/p/t.json")->data;
  EXPECT_NE(renewed, acquired);
  EXPECT_EQ(Stored().generation, 2);
  ASSERT_TRUE((*lease)->Release().ok());
  EXPECT_EQ(Stored().generation, 3);
  Result<std::unique_ptr<Lease>> next = Acquire("run-b", Options("host-b"));
  ASSERT_TRUE(next.has_value()) << next.status().ToString();
  EXPECT_EQ(Stored().generation, 4);
}

TEST_F(LeaseTest, ASecondRunIsToldWhoHoldsTheLeaseAndUntilWhen) {
  LeaseOptions holder = Options("host-a");
  holder.pid = 4242;
  Result<std::unique_ptr<Lease>> first = Acquire("run-a", holder);
  ASSERT_TRUE(first.has_value());
  Advance(9);
  Result<std::unique_ptr<Lease>> second = Acquire("run-b", Options("host-b"));
  ASSERT_FALSE(second.has_value());
  EXPECT_EQ(second.error(), LeaseHeld("table t of pipeline p is being synced by pid 4242 on host host-a (run run-a) "
                                      "until 2025-11-28T14:00:10.000000Z; try again later or wait for it to expire"));
}

// For previews that must take no lease: who holds the table now, read
// without writing; nobody once the lease is released or has expired.
TEST_F(LeaseTest, FindActiveLeaseSaysWhoHoldsTheTableAndWritesNothing) {
  auto find = [this] { return FindActiveLease(store_, "p", "t", now_micros_.load(), "host-b"); };
  Result<std::optional<LeaseDocument>> none = find();
  ASSERT_TRUE(none.has_value()) << none.error().ToString();
  EXPECT_FALSE(none->has_value());
  LeaseOptions holder = Options("host-a");
  holder.pid = 4242;
  Result<std::unique_ptr<Lease>> lease = Acquire("run-a", holder);
  ASSERT_TRUE(lease.has_value());
  int64_t puts = store_.CallCount(store::StoreOperation::kPut);
  Result<std::optional<LeaseDocument>> held = find();
  ASSERT_TRUE(held.has_value() && held->has_value());
  EXPECT_EQ(DescribeHolder(**held), "pid 4242 on host host-a (run run-a) until 2025-11-28T14:00:10.000000Z");
  Advance(10);
  EXPECT_FALSE(find()->has_value()) << "an expired lease is held by no one";
  Advance(-10);
  EXPECT_EQ(store_.CallCount(store::StoreOperation::kPut), puts) << "finding the holder wrote the lease";
  ASSERT_TRUE((*lease)->Release().ok());
  EXPECT_FALSE(find()->has_value()) << "a released lease is held by no one";
}

TEST_F(LeaseTest, AnExpiredLeaseIsTakenOverWithTheNextEpochAndTheOldHolderLearnsIt) {
  Result<std::unique_ptr<Lease>> first = Acquire("run-a", Options("host-a"));
  ASSERT_TRUE(first.has_value());
  Advance(10);
  Result<std::unique_ptr<Lease>> second = Acquire("run-b", Options("host-b"));
  ASSERT_TRUE(second.has_value()) << second.status().ToString();
  EXPECT_EQ((*second)->epoch(), 2);
  EXPECT_EQ(Stored().run_id, "run-b");
  Status renewed = (*first)->Renew();
  EXPECT_EQ(renewed.code(), StatusCode::kConflict);
  EXPECT_THAT(renewed.message(), HasSubstr("run run-b"));
  EXPECT_THAT((*first)->Check().message(), HasSubstr("lost the lease of table t of pipeline p (epoch 1)"));
  // The old holder's release leaves the new holder's lease alone.
  EXPECT_TRUE((*first)->Release().ok());
  EXPECT_EQ(Stored().run_id, "run-b");
  EXPECT_FALSE(Stored().released);
  EXPECT_TRUE((*second)->Check().ok());
}

// A holder that died but was never reaped (a container whose PID 1 reaps
// nothing) still answers kill(pid, 0); it holds nothing.
TEST_F(LeaseTest, ALeaseWhoseHolderIsAZombieIsTakenOverAtOnce) {
  pid_t zombie = ::fork();
  if (zombie == 0) ::_exit(0);
  ASSERT_GT(zombie, 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));  // let it die; reaped only below
  LeaseDocument crashed{.holder_host = "this-host",
                        .holder_pid = zombie,
                        .run_id = "crashed",
                        .epoch = 3,
                        .renewed_at_micros = now_micros_,
                        .expires_at_micros = now_micros_ + 300 * kMicrosPerSecond,
                        .released = false};
  ASSERT_TRUE(store_.Put("leases/p/t.json", LeaseToJson(crashed)).has_value());
  Result<std::unique_ptr<Lease>> taken = Acquire("run-b", Options("this-host"));
  int status = 0;
  ::waitpid(zombie, &status, 0);
  ASSERT_TRUE(taken.has_value()) << taken.status().ToString();
  EXPECT_EQ((*taken)->epoch(), 4);
}

TEST_F(LeaseTest, ALeaseWhoseProcessOnThisHostIsGoneIsTakenOverAtOnce) {
  LeaseDocument crashed{.holder_host = "this-host",
                        .holder_pid = DeadPid(),
                        .run_id = "crashed",
                        .epoch = 7,
                        .renewed_at_micros = now_micros_,
                        .expires_at_micros = now_micros_ + 300 * kMicrosPerSecond,
                        .released = false};
  ASSERT_TRUE(store_.Put("leases/p/t.json", LeaseToJson(crashed)).has_value());
  // Another host cannot see that process: it waits for expiry.
  EXPECT_EQ(Acquire("run-x", Options("other-host")).error().code(), StatusCode::kLeaseHeld);
  Result<std::unique_ptr<Lease>> taken = Acquire("run-b", Options("this-host"));
  ASSERT_TRUE(taken.has_value()) << taken.status().ToString();
  EXPECT_EQ((*taken)->epoch(), 8);
}

TEST_F(LeaseTest, ALeaseWhoseProcessOnThisHostLivesIsHeld) {
  LeaseDocument running{.holder_host = "this-host",
                        .holder_pid = ::getppid(),
                        .run_id = "running",
                        .epoch = 1,
                        .renewed_at_micros = now_micros_,
                        .expires_at_micros = now_micros_ + 300 * kMicrosPerSecond,
                        .released = false};
  ASSERT_TRUE(store_.Put("leases/p/t.json", LeaseToJson(running)).has_value());
  EXPECT_EQ(Acquire("run-b", Options("this-host")).error().code(), StatusCode::kLeaseHeld);
}

TEST_F(LeaseTest, ReleaseLetsTheNextRunInAtOnceAndEpochsKeepGrowing) {
  for (int64_t expected_epoch = 1; expected_epoch <= 3; ++expected_epoch) {
    Result<std::unique_ptr<Lease>> lease = Acquire("run-" + std::to_string(expected_epoch), Options("host-a"));
    ASSERT_TRUE(lease.has_value()) << lease.status().ToString();
    EXPECT_EQ((*lease)->epoch(), expected_epoch);
    if (expected_epoch == 2) {
      lease->reset();  // the destructor releases too
    } else {
      ASSERT_TRUE((*lease)->Release().ok());
      EXPECT_EQ((*lease)->Check().code(), StatusCode::kConflict);
    }
    EXPECT_TRUE(Stored().released);
    EXPECT_EQ(Stored().epoch, expected_epoch);
  }
}

TEST_F(LeaseTest, RenewMovesTheExpiryAndCheckNoticesAnExpiryWithoutRenewal) {
  Result<std::unique_ptr<Lease>> lease = Acquire("run-a", Options("host-a"));
  ASSERT_TRUE(lease.has_value());
  Advance(6);
  ASSERT_TRUE((*lease)->Renew().ok());
  EXPECT_EQ(Stored().expires_at_micros, now_micros_ + 10 * kMicrosPerSecond);
  Advance(9);
  EXPECT_TRUE((*lease)->Check().ok());
  store_.InjectFault(store::FaultRule{.operation = store::StoreOperation::kPut,
                                      .key_contains = "leases/",
                                      .fail_calls = store::FaultRule::kForever,
                                      .status = Unavailable("store unreachable")});
  Status failed = (*lease)->Renew();
  store_.ClearFaults();
  EXPECT_EQ(failed.code(), StatusCode::kUnavailable);
  EXPECT_THAT(failed.message(), HasSubstr("gave up after 4 attempts"));
  EXPECT_TRUE((*lease)->Check().ok());  // a failed renewal alone loses nothing
  Advance(1);
  Status expired = (*lease)->Check();
  EXPECT_EQ(expired.code(), StatusCode::kConflict);
  EXPECT_THAT(expired.message(), HasSubstr("expired at 2025-11-28T14:00:16.000000Z without being renewed"));
}

TEST_F(LeaseTest, ARenewalThatFailsOnceIsRetriedAfterABackoff) {
  Result<std::unique_ptr<Lease>> lease = Acquire("run-a", Options("host-a"));
  ASSERT_TRUE(lease.has_value());
  Advance(3);
  store_.FailNext(store::StoreOperation::kPut, Unavailable("timed out"));
  EXPECT_TRUE((*lease)->Renew().ok());
  EXPECT_EQ(Stored().renewed_at_micros, now_micros_);
  ASSERT_EQ(retry_sleeps_.size(), 1u);
  EXPECT_LE(retry_sleeps_[0], 200'000) << "the first backoff is at most initial_delay_micros";
  store_.FailNext(store::StoreOperation::kPut, IoError("disk full"));
  EXPECT_EQ((*lease)->Renew().code(), StatusCode::kIoError) << "only retryable errors are retried";
  EXPECT_EQ(retry_sleeps_.size(), 1u);
}

TEST_F(LeaseTest, ARenewalThatLandedUnreportedDoesNotLoseTheLease) {
  Result<std::unique_ptr<Lease>> lease = Acquire("run-a", Options("host-a"));
  ASSERT_TRUE(lease.has_value());
  store_.FailNextAfterWrite(store::StoreOperation::kPut, Unavailable("response lost"));
  // The retry finds a version it does not know, but the document is ours: adopted.
  EXPECT_TRUE((*lease)->Renew().ok());
  Advance(1);
  EXPECT_TRUE((*lease)->Renew().ok());
  EXPECT_TRUE((*lease)->Check().ok());
  EXPECT_EQ(Stored().renewed_at_micros, now_micros_);
  ASSERT_TRUE((*lease)->Release().ok());
  EXPECT_TRUE(Stored().released);
}

TEST_F(LeaseTest, TheRenewalThreadRenewsAndNoticesALostLease) {
  LeaseOptions options;  // the real clock
  options.lease_seconds = 60;
  options.renew_interval_micros = 1000;
  Result<std::unique_ptr<Lease>> lease = Lease::Acquire(&store_, "p", "t", "run-a", options);
  ASSERT_TRUE(lease.has_value());
  int64_t acquired_at = Stored().renewed_at_micros;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (Stored().renewed_at_micros == acquired_at && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  EXPECT_GT(Stored().renewed_at_micros, acquired_at) << "no renewal within 30 s";
  LeaseDocument thief = Stored();
  thief.run_id = "thief";
  thief.epoch += 1;
  ASSERT_TRUE(store_.Put("leases/p/t.json", LeaseToJson(thief)).has_value());
  while ((*lease)->Check().ok() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  EXPECT_THAT((*lease)->Check().message(), HasSubstr("run thief"));
  EXPECT_TRUE((*lease)->Release().ok());
  EXPECT_EQ(Stored().run_id, "thief");
}

TEST_F(LeaseTest, RacingAcquiresHaveOneWinner) {
  constexpr int kThreads = 8;
  std::latch start(kThreads);
  std::atomic<int> won{0};
  std::atomic<int> held{0};
  std::vector<std::unique_ptr<Lease>> winners(kThreads);
  std::vector<std::thread> threads;
  for (int index = 0; index < kThreads; ++index) {
    threads.emplace_back([&, index] {
      start.arrive_and_wait();
      Result<std::unique_ptr<Lease>> lease = Acquire("run-" + std::to_string(index), Options("host-a"));
      if (lease.has_value()) {
        ++won;
        winners[index] = std::move(*lease);
      } else if (lease.error().code() == StatusCode::kLeaseHeld) {
        ++held;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(won.load(), 1);
  EXPECT_EQ(held.load(), kThreads - 1);
}

TEST_F(LeaseTest, AStaleRunIsFencedOffTheWatermark) {
  WatermarkStore watermarks(&store_);
  Result<std::unique_ptr<Lease>> stale = Acquire("run-a", Options("host-a"));
  ASSERT_TRUE(stale.has_value());
  VersionedWatermark a = *watermarks.Load("p", "t");
  a.watermark.lease_epoch = (*stale)->epoch();
  a.watermark.cursor.id = Value::Int64(100);
  Result<std::string> saved = watermarks.Save(a.watermark, a.version);
  ASSERT_TRUE(saved.has_value()) << saved.status().ToString();
  // Run A stalls past its lease; run B takes over and advances the cursor.
  Advance(11);
  Result<std::unique_ptr<Lease>> current = Acquire("run-b", Options("host-b"));
  ASSERT_TRUE(current.has_value());
  VersionedWatermark b = *watermarks.Load("p", "t");
  b.watermark.lease_epoch = (*current)->epoch();
  b.watermark.cursor.id = Value::Int64(200);
  ASSERT_TRUE(watermarks.Save(b.watermark, b.version).has_value());
  // A wakes up, re-reads (so its version is current) and tries to write its stale cursor: refused.
  VersionedWatermark reread = *watermarks.Load("p", "t");
  reread.watermark.lease_epoch = (*stale)->epoch();
  reread.watermark.cursor.id = Value::Int64(150);
  Result<std::string> fenced = watermarks.Save(reread.watermark, reread.version);
  ASSERT_FALSE(fenced.has_value());
  EXPECT_EQ(fenced.error().code(), StatusCode::kConflict);
  EXPECT_THAT(fenced.error().message(), HasSubstr("another run has taken over this table's lease"));
  EXPECT_EQ(watermarks.Load("p", "t")->watermark.cursor.id, Value::Int64(200));
  EXPECT_EQ((*stale)->Renew().code(), StatusCode::kConflict);
}

TEST_F(LeaseTest, BadArgumentsAndUnreadableDocumentsAreReported) {
  EXPECT_EQ(Acquire("r", Options("h", 0)).error().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Lease::Acquire(&store_, "p", "a/b", "r", Options("h")).error().code(), StatusCode::kInvalidArgument);
  ASSERT_TRUE(store_
                  .Put("leases/p/t.json", R"({"holder_host": "h", "holder_pid": 1, "run_id": "r", "epoch": 0,
      "renewed_at": "2025-11-28T14:00:00Z", "expires_at": "2025-11-28T14:00:00Z"})")
                  .has_value());
  Result<std::unique_ptr<Lease>> unreadable = Acquire("r", Options("h"));
  ASSERT_FALSE(unreadable.has_value());
  EXPECT_EQ(unreadable.error().code(), StatusCode::kDataError);
  EXPECT_THAT(unreadable.error().message(), HasSubstr("leases/p/t.json: epoch: expected an integer >= 1, got 0"));
  EXPECT_THAT(unreadable.error().message(), HasSubstr("remove memory://test/leases/p/t.json"));
}

TEST(LeaseDocumentJson, RoundTripsAndIgnoresFieldsFromNewerVersions) {
  LeaseDocument document{.holder_host = "h",
                         .holder_pid = 12,
                         .run_id = "r",
                         .epoch = 3,
                         .renewed_at_micros = 1764338400000001,
                         .expires_at_micros = 1764338700000001,
                         .released = true,
                         .generation = 9};
  EXPECT_EQ(*LeaseFromJson(LeaseToJson(document), "x"), document);
  std::string older = LeaseToJson(document);
  older.erase(older.find(",\n  \"generation\": 9"), std::string(",\n  \"generation\": 9").size());
  EXPECT_EQ(LeaseFromJson(older, "x")->generation, 0) << "a lease written before generations reads as 0";
  std::string newer = LeaseToJson(document);
  newer.insert(1, "\"priority\": 5,");
  EXPECT_EQ(*LeaseFromJson(newer, "x"), document);
  EXPECT_EQ(LeaseKey("us_dw", "settlement.orders"), "leases/us_dw/settlement.orders.json");
}

}  // namespace
}  // namespace sluice::state
