// The first load of a hybrid / timestamp_only table copies it in primary-key
// order (cdc/planner.h, "first copy") and hands over to the strategy's
// cursor. Against the real MariaDB, with writers inserting, updating and
// committing late while the copy runs, and with the copy SIGKILLed half way,
// ordinary runs afterwards end with the target equal to the source, row by
// row and column by column: nothing lost, nothing twice.
#include <atomic>
#include <chrono>
#include <random>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "mysql_client.h"
#include "mysql_test_util.h"

namespace sluice::testing {
namespace {

using ::testing::HasSubstr;

constexpr int kRows = 120'000;

// kRows rows stamped in the past, with ~100 bytes of incompressible text each, so the copy stages several files.
void CreateTable(MySqlClient& client, const std::string& table) {
  client.Exec("DROP TABLE IF EXISTS " + table);
  client.Exec(For("CREATE TABLE {t} (id BIGINT PRIMARY KEY, updated_at DATETIME(6) NOT NULL, amount DECIMAL(12,2), "
                  "note VARCHAR(120), INDEX (updated_at, id))",
                  table));
  // Timestamps run against the key, so key order and cursor order differ.
  client.Exec(For(fmt::format("INSERT INTO {{t}} SELECT seq, NOW(6) - INTERVAL 1 DAY - INTERVAL ((seq * 7919) % {}) "
                              "SECOND, (seq % 10000) / 100, CONCAT(MD5(RAND()), MD5(RAND()), MD5(RAND())) "
                              "FROM seq_1_to_{}",
                              kRows, kRows),
                  table));
}

// Writers on their own connection while sluice runs: new rows, updates of
// rows anywhere in the key range (stamped now), and transactions that stamp
// a row and commit a second later (late commits, for the lookback).
class Writers {
 public:
  Writers(const ServerEnv& server, std::string table) : server_(server), table_(std::move(table)) {
    thread_ = std::thread([this] { Run(); });
  }
  ~Writers() { Stop(); }
  void Stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  int64_t writes() const { return writes_; }

 private:
  void Run() {
    MySqlClient client(server_);
    std::mt19937_64 random(42);
    int64_t next_id = kRows + 1;
    while (!stop_) {
      int64_t id = static_cast<int64_t>(random() % kRows) + 1;
      switch (random() % 4) {
        case 0:
          client.Exec(For(fmt::format("INSERT INTO {{t}} VALUES ({}, NOW(6), 1.25, 'inserted')", next_id++), table_));
          break;
        case 1:
        case 2:
          client.Exec(For(fmt::format("UPDATE {{t}} SET note = CONCAT('updated ', {}), amount = amount + 1, "
                                      "updated_at = NOW(6) WHERE id = {}",
                                      writes_.load(), id),
                          table_));
          break;
        case 3:
          client.Exec("START TRANSACTION");
          client.Exec(For(fmt::format("UPDATE {{t}} SET note = 'late', updated_at = NOW(6) WHERE id = {}", id),
                          table_));
          std::this_thread::sleep_for(std::chrono::milliseconds(700));
          client.Exec("COMMIT");
          break;
      }
      ++writes_;
      std::this_thread::sleep_for(std::chrono::milliseconds(3));
    }
  }

  ServerEnv server_;
  std::string table_;
  std::atomic<bool> stop_ = false;
  std::atomic<int64_t> writes_ = 0;
  std::thread thread_;
};

class MySqlFirstCopyTest : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override {
    server_ = MySqlServer();
    ASSERT_FALSE(server_.host.empty());
    client_ = std::make_unique<MySqlClient>(server_);
  }

  void WriteConfig(EmbeddedProject& project, const std::string& table) const {
    project.WriteConfig(fmt::format("  {}: {}\n", table, GetParam()), "batch_size: 5000",
                        "partition_strategy: table, target_file_mb: 1",
                        server_.SourceYaml("mysql", "ssl: {mode: disabled}"));
  }

  void ExpectTargetEqualsSource(EmbeddedProject& project, const std::string& table) {
    EXPECT_EQ(JoinAll(project.TargetRows("SELECT count(*) = count(DISTINCT id) FROM " + table)),
              std::vector<std::string>{"true"})
        << "duplicate keys in the target";
    ExpectSameRows(project, table, SourceOf(*client_, table), TargetOf(project, table));
  }

  // Rows stamped in the source's current second wait for a later run (the
  // ceiling stays below it: their tie group may still grow), so the run
  // that must see the writers' last rows starts after that second.
  // Each strategy's case has its own table and project: ctest runs them side by side.
  static std::string Suffix() {
    return std::string(::testing::UnitTest::GetInstance()->current_test_info()->value_param()).find("hybrid") !=
                   std::string::npos
               ? "hybrid"
               : "timestamp";
  }

  static void WaitPastTheLastWritesSecond() { std::this_thread::sleep_for(std::chrono::milliseconds(1100)); }

  ServerEnv server_;
  std::unique_ptr<MySqlClient> client_;
};

TEST_P(MySqlFirstCopyTest, ACopyWithWritersRunningHandsOverLosingAndDuplicatingNothing) {
  const std::string table = "fc_writers_" + Suffix();
  CreateTable(*client_, table);
  EmbeddedProject project("mysql_first_copy_writers_" + Suffix());
  WriteConfig(project, table);
  CommandResult plan = project.Sluice({"sync", "-p", "test", "--dry-run"});
  ASSERT_EQ(plan.exit_code, 0) << plan.err;
  EXPECT_THAT(plan.out, HasSubstr("first copy in primary-key order id"));

  Writers writers(server_, table);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // writes straddle the ceiling
  nlohmann::json first = project.Sync();
  ASSERT_EQ(first.value("status", ""), "success") << first.dump(2);
  // Rows the writers moved past the ceiling before the copy reached them wait for the next run.
  EXPECT_GE(first.at("table_results").at(table).at("rows_extracted").get<int64_t>(), kRows - writers.writes());
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  writers.Stop();
  EXPECT_GT(writers.writes(), 10);
  WaitPastTheLastWritesSecond();

  nlohmann::json second = project.Sync();
  ASSERT_EQ(second.value("status", ""), "success") << second.dump(2);
  ExpectTargetEqualsSource(project, table);
  // Handed over: the next run reads in cursor order, only what changed.
  EXPECT_LT(second.at("table_results").at(table).at("rows_extracted").get<int64_t>(), kRows / 10);
}

TEST_P(MySqlFirstCopyTest, ACopyKilledHalfWayResumesUnderItsCeilingAndLosesNothing) {
  const std::string table = "fc_killed_" + Suffix();
  CreateTable(*client_, table);
  EmbeddedProject project("mysql_first_copy_killed_" + Suffix());
  WriteConfig(project, table);
  Writers writers(server_, table);
  KillSyncOnceStaged(project, 2);  // half way through the copy
  if (::testing::Test::HasFatalFailure()) return;
  CommandResult watermark = project.Sluice({"watermark", "get", "-p", "test", "-t", table, "--json"});
  EXPECT_THAT(watermark.out, HasSubstr("\"copy\"")) << "killed inside the copy";

  // The resumed copy runs with the writers still writing.
  nlohmann::json resumed = project.Sync();
  ASSERT_EQ(resumed.value("status", ""), "success") << resumed.dump(2);
  writers.Stop();
  WaitPastTheLastWritesSecond();
  nlohmann::json last = project.Sync();
  ASSERT_EQ(last.value("status", ""), "success") << last.dump(2);
  ExpectTargetEqualsSource(project, table);
}

// A BIGINT UNSIGNED key (sluice's DECIMAL(20,0)) pages the copy by value,
// across 2^63 and up to 2^64 - 1, resumed run after run by --limit.
TEST_P(MySqlFirstCopyTest, AnUnsignedBigintKeyIsCopiedInKeyOrderPastTwoToTheSixtyThree) {
  const std::string table = "fc_unsigned_" + Suffix();
  client_->Exec("DROP TABLE IF EXISTS " + table);
  client_->Exec(For("CREATE TABLE {t} (id BIGINT UNSIGNED PRIMARY KEY, updated_at DATETIME(6) NOT NULL, "
                    "amount DECIMAL(12,2), note VARCHAR(120), INDEX (updated_at, id))",
                    table));
  client_->Exec(For("INSERT INTO {t} SELECT IF(seq <= 20, seq, 9223372036854775807 + seq * 1000), "
                    "NOW(6) - INTERVAL 1 DAY - INTERVAL ((seq * 7) % 40) SECOND, seq / 100, CONCAT('n', seq) "
                    "FROM seq_1_to_40",
                    table));
  client_->Exec(For("INSERT INTO {t} VALUES (18446744073709551615, NOW(6) - INTERVAL 2 DAY, 1, 'max'), "
                    "(0, NOW(6) - INTERVAL 2 DAY, 2, 'zero')",
                    table));
  EmbeddedProject project("mysql_first_copy_unsigned_" + Suffix());
  project.WriteConfig(fmt::format("  {}: {}\n", table, GetParam()), "batch_size: 5",
                      "partition_strategy: table", server_.SourceYaml("mysql", "ssl: {mode: disabled}"));
  CommandResult plan = project.Sluice({"sync", "-p", "test", "--dry-run"});
  ASSERT_EQ(plan.exit_code, 0) << plan.err;
  EXPECT_THAT(plan.out, HasSubstr("first copy in primary-key order id"));
  for (int run = 0; run < 10; ++run) {
    nlohmann::json report = project.Sync({"--limit", "7"});
    ASSERT_EQ(report.value("status", ""), "success") << report.dump(2);
  }
  nlohmann::json last = project.Sync();
  ASSERT_EQ(last.value("status", ""), "success") << last.dump(2);
  ExpectTargetEqualsSource(project, table);
}

INSTANTIATE_TEST_SUITE_P(Strategies, MySqlFirstCopyTest,
                         ::testing::Values("{cdc_strategy: hybrid, cdc_timestamp_column: updated_at, cdc_id_column: id}",
                                           "{cdc_strategy: timestamp_only, cdc_timestamp_column: updated_at}"),
                         [](const ::testing::TestParamInfo<const char*>& info) {
                           return std::string(info.index == 0 ? "hybrid" : "timestamp_only");
                         });

}  // namespace
}  // namespace sluice::testing
