#include "common/retry.h"

#include <gmock/gmock.h>

#include <vector>

namespace sluice {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// A clock that moves only when the code under test sleeps, and a random
// source that answers from a script.
class FakeEnvironment {
 public:
  explicit FakeEnvironment(std::vector<uint64_t> randoms = {UINT64_MAX}) : randoms_(std::move(randoms)) {}
  RetryEnvironment Get() {
    return RetryEnvironment{
        .now_micros = [this] { return now_micros_; },
        .sleep_micros =
            [this](int64_t micros) {
              sleeps_.push_back(micros);
              now_micros_ += micros;
            },
        .random = [this] { return randoms_[draws_++ % randoms_.size()]; },
    };
  }
  const std::vector<int64_t>& sleeps() const { return sleeps_; }
  void Advance(int64_t micros) { now_micros_ += micros; }

 private:
  std::vector<uint64_t> randoms_;
  size_t draws_ = 0;
  int64_t now_micros_ = 1'000'000;
  std::vector<int64_t> sleeps_;
};

RetryPolicy Policy(int max_attempts) {
  return RetryPolicy{.max_attempts = max_attempts,
                     .initial_delay_micros = 100,
                     .max_delay_micros = 1000,
                     .max_total_micros = 1'000'000};
}

// Fails with the given statuses in turn, then succeeds.
struct Script {
  std::vector<Status> failures;
  int calls = 0;
  Status operator()() {
    ++calls;
    return calls <= static_cast<int>(failures.size()) ? failures[calls - 1] : Status::Ok();
  }
};

TEST(Retry, RetriesRetryableErrorsUntilTheOperationSucceeds) {
  FakeEnvironment environment;
  Script script{.failures = {Unavailable("timeout"), Unavailable("connection reset")}};
  Status status = Retry(Policy(5), "putting 'a'", std::ref(script), environment.Get());
  EXPECT_TRUE(status.ok()) << status.ToString();
  EXPECT_EQ(script.calls, 3);
  EXPECT_EQ(environment.sleeps().size(), 2u);
}

TEST(Retry, ReturnsANonRetryableErrorAtOnceAndUnchanged) {
  for (Status error : {Conflict("version changed"), InvalidArgument("bad key"), NotFound("no such key"),
                       IoError("disk full"), DataError("bad bytes"), LeaseHeld("held")}) {
    FakeEnvironment environment;
    Script script{.failures = {error}};
    EXPECT_EQ(Retry(Policy(5), "putting 'a'", std::ref(script), environment.Get()), error);
    EXPECT_EQ(script.calls, 1);
    EXPECT_TRUE(environment.sleeps().empty());
  }
}

TEST(Retry, GivesUpAtTheAttemptCapWithTheLastErrorAndHowManyAttempts) {
  FakeEnvironment environment;
  Script script{.failures = {Unavailable("503 first"), Unavailable("503 second"), Unavailable("503 third"),
                             Unavailable("never reached")}};
  Status status = Retry(Policy(3), "uploading part 3 of key 'k'", std::ref(script), environment.Get());
  EXPECT_EQ(script.calls, 3);
  EXPECT_EQ(status.code(), StatusCode::kUnavailable);
  EXPECT_THAT(status.message(), HasSubstr("uploading part 3 of key 'k': gave up after 3 attempts"));
  EXPECT_THAT(status.message(), HasSubstr("503 third"));
  EXPECT_EQ(environment.sleeps().size(), 2u) << "no sleep after the last attempt";
}

TEST(Retry, GivesUpWhenTheNextSleepWouldEndPastTheTotalTime) {
  FakeEnvironment environment({100, 200, 400, 800});  // the longest sleep each attempt may take
  RetryPolicy policy = Policy(100);
  policy.max_total_micros = 1000;
  Script script{.failures = std::vector<Status>(100, Unavailable("throttled"))};
  Status status = Retry(policy, "listing", std::ref(script), environment.Get());
  EXPECT_EQ(status.code(), StatusCode::kUnavailable);
  EXPECT_THAT(status.message(), HasSubstr("out of time"));
  // Sleeps of 100, 200 and 400 µs fit in 1000 µs; 800 more would not.
  EXPECT_THAT(environment.sleeps(), ElementsAre(100, 200, 400));
  EXPECT_EQ(script.calls, 4);
}

TEST(Retry, DelaysGrowExponentiallyUpToTheCapAndStayWithinTheirBounds) {
  RetryPolicy policy = Policy(10);  // initial 100 µs, cap 1000 µs
  std::vector<int64_t> caps = {100, 200, 400, 800, 1000, 1000, 1000};
  for (size_t attempt = 1; attempt <= caps.size(); ++attempt) {
    SCOPED_TRACE(attempt);
    int64_t cap = caps[attempt - 1];
    EXPECT_EQ(RetryDelayMicros(policy, static_cast<int>(attempt), 0), 0) << "full jitter reaches 0";
    EXPECT_EQ(RetryDelayMicros(policy, static_cast<int>(attempt), static_cast<uint64_t>(cap)), cap);
    for (uint64_t random : {uint64_t{1}, uint64_t{12345}, uint64_t{987654321}, UINT64_MAX}) {
      int64_t delay = RetryDelayMicros(policy, static_cast<int>(attempt), random);
      EXPECT_GE(delay, 0);
      EXPECT_LE(delay, cap);
    }
  }
  EXPECT_LE(RetryDelayMicros(policy, 1000, UINT64_MAX), 1000) << "no overflow after many attempts";
}

TEST(Retry, SleepsAreDrawnFromTheRandomSource) {
  FakeEnvironment environment({7, 150, 0});
  Script script{.failures = {Unavailable("a"), Unavailable("b"), Unavailable("c")}};
  ASSERT_TRUE(Retry(Policy(5), "x", std::ref(script), environment.Get()).ok());
  // 7 % 101, 150 % 201, 0 % 401
  EXPECT_THAT(environment.sleeps(), ElementsAre(7, 150, 0));
}

TEST(Retry, ReturnsTheValueOfAResult) {
  FakeEnvironment environment;
  int calls = 0;
  Result<int> result = Retry<int>(
      Policy(3), "reading",
      [&]() -> Result<int> {
        if (++calls < 2) return Unavailable("reset");
        return 42;
      },
      environment.Get());
  ASSERT_TRUE(result.has_value()) << result.status().ToString();
  EXPECT_EQ(*result, 42);
  EXPECT_EQ(calls, 2);
}

}  // namespace
}  // namespace sluice
