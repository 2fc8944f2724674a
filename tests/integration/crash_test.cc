// A sync killed with SIGKILL anywhere — mid-extract (a first run copies in
// primary-key order), when that copy hands over to the cursor, after a file
// is in the store but before the watermark records it, after the watermark,
// before and after the target commits — followed by ordinary runs, ends with
// exactly the source rows in the target: none lost, none twice.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "harness.h"

namespace sluice::testing {
namespace {

// 20,000 rows with ~200 bytes of incompressible text each: several 1 MB files.
void CreateOrders(EmbeddedProject& project, int first, int last, const std::string& day) {
  project.Source("CREATE TABLE IF NOT EXISTS orders (id INTEGER PRIMARY KEY, updated_at DATETIME NOT NULL, "
                 "amount DECIMAL(12,2), note TEXT)");
  project.Source("INSERT INTO orders WITH RECURSIVE n(i) AS (SELECT " + std::to_string(first) +
                 " UNION ALL SELECT i + 1 FROM n WHERE i < " + std::to_string(last) + ") SELECT i, datetime('" + day +
                 "', '+' || (i / 5) || ' seconds'), round((i % 9973) / 100.0, 2), hex(randomblob(100)) FROM n");
}

std::vector<std::string> SourceRows(EmbeddedProject& project) {
  return JoinAll(project.SourceRows(
      "SELECT id, updated_at, printf('%.2f', amount), note FROM orders ORDER BY id"));
}

std::vector<std::string> TargetRows(EmbeddedProject& project) {
  return JoinAll(project.TargetRows(
      "SELECT id, strftime(updated_at, '%Y-%m-%d %H:%M:%S'), CAST(amount AS VARCHAR), note FROM orders ORDER BY id"));
}

void ExpectTargetEqualsSource(EmbeddedProject& project) {
  std::vector<Row> counts = project.TargetRows("SELECT count(*), count(DISTINCT id) FROM orders");
  ASSERT_EQ(counts.size(), 1u);
  EXPECT_EQ(counts[0][0], counts[0][1]) << "duplicate keys in the target";
  std::vector<std::string> source = SourceRows(project);
  std::vector<std::string> target = TargetRows(project);
  EXPECT_EQ(target.size(), source.size());
  EXPECT_TRUE(target == source) << "target differs from source";
}

struct CrashCase {
  const char* strategy_yaml;
  const char* failpoint;
};

// Names the case in test output (instead of gtest's byte dump).
void PrintTo(const CrashCase& crash, std::ostream* out) { *out << crash.strategy_yaml << " @ " << crash.failpoint; }

class CrashTest : public ::testing::TestWithParam<CrashCase> {};

TEST_P(CrashTest, KilledRunFollowedByOrdinaryRunsLosesAndDuplicatesNothing) {
  const CrashCase& crash = GetParam();
  EmbeddedProject project(std::string("crash_") + crash.failpoint);
  CreateOrders(project, 1, 20000, "2025-01-01");
  project.WriteConfig(std::string("  orders: ") + crash.strategy_yaml + "\n", "batch_size: 1000",
                      "partition_strategy: datetime, target_file_mb: 1");
  CommandResult killed = project.Sluice({"-q", "sync", "-p", "test"}, {{"SLUICE_FAILPOINTS", crash.failpoint}});
  ASSERT_EQ(killed.signal, SIGKILL) << "the failpoint was not reached: exit " << killed.exit_code << " " << killed.err;

  // The source moves on while the crashed run is dead.
  project.Source("UPDATE orders SET note = 'after crash', updated_at = '2025-06-01 00:00:00' WHERE id % 97 = 0");
  CreateOrders(project, 20001, 21000, "2025-06-01");
  bool full_copy = std::string(crash.strategy_yaml).find("full_sync") != std::string::npos;
  if (full_copy) project.Source("DELETE FROM orders WHERE id = 5");  // deletes reach only full copies

  nlohmann::json report = project.Sync();  // the crashed run's lease is taken over at once
  ASSERT_EQ(report.at("status"), "success") << report.dump(2);
  EXPECT_TRUE(report.at("table_results").at("orders").at("validation").at("ok").get<bool>()) << report.dump(2);
  ExpectTargetEqualsSource(project);
  nlohmann::json idle = project.Sync();
  EXPECT_EQ(idle.at("table_results").at("orders").at("rows_loaded"), full_copy ? 20999 : 0);
  ExpectTargetEqualsSource(project);
}

constexpr const char* kHybrid = "{cdc_strategy: hybrid, cdc_timestamp_column: updated_at, cdc_id_column: id}";
constexpr const char* kTimestamp = "{cdc_strategy: timestamp_only, cdc_timestamp_column: updated_at}";
constexpr const char* kFull = "{cdc_strategy: full_sync, full_sync_mode: replace}";

INSTANTIATE_TEST_SUITE_P(
    Failpoints, CrashTest,
    ::testing::Values(CrashCase{kHybrid, "extract.after_batch:7"}, CrashCase{kHybrid, "extract.after_put:2"},
                      CrashCase{kHybrid, "extract.after_watermark:2"}, CrashCase{kHybrid, "load.before"},
                      CrashCase{kHybrid, "load.after_commit"}, CrashCase{kTimestamp, "extract.after_put:3"},
                      CrashCase{kTimestamp, "load.after_commit"}, CrashCase{kFull, "extract.after_watermark:2"},
                      CrashCase{kFull, "load.after_commit"}, CrashCase{kHybrid, "extract.copy_handed_over"},
                      CrashCase{kTimestamp, "extract.copy_handed_over"}),
    [](const ::testing::TestParamInfo<CrashCase>& info) {
      std::string name = std::to_string(info.index) + "_" + info.param.failpoint;
      for (char& c : name) {
        if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
      }
      return name;
    });

// Waits until `pid` has staged `files` data files more than `before`, then
// SIGKILLs it. Returns how many new files it had staged when killed (0 when
// it exited first); `status` gets the waitpid status.
size_t KillAfterNewFiles(EmbeddedProject& project, int pid, const std::vector<std::string>& before, size_t files,
                         int* status) {
  std::set<std::string> known(before.begin(), before.end());
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  size_t staged = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    staged = 0;
    for (const std::string& key : project.StagedObjects()) staged += known.contains(key) ? 0 : 1;
    if (staged >= files) break;
    if (::waitpid(pid, status, WNOHANG) == pid) return 0;  // finished (or died) before staging enough
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ::kill(pid, SIGKILL);
  ::waitpid(pid, status, 0);
  return staged;
}

// Each run is killed after it staged rows (one or two files into its
// extract, while it extracts the rest or loads) and before it ends; the
// kill must land there, or the attempt proves nothing.
TEST(RandomKill, SigkillAtRandomMomentsThenAnOrdinaryRunIsExact) {
  EmbeddedProject project("random_kill");
  CreateOrders(project, 1, 20000, "2025-01-01");
  project.WriteConfig(std::string("  orders: ") + kHybrid + "\n", "batch_size: 500",
                      "partition_strategy: datetime, target_file_mb: 1");
  std::mt19937 random(20251123);
  for (int attempt = 0; attempt < 6; ++attempt) {
    std::vector<std::string> before = project.StagedObjects();
    int pid = project.StartSluice({"-q", "sync", "-p", "test"});
    // The first run has several files to stage; a later one may have only the rows updated below.
    size_t files = attempt == 0 ? 1 + random() % 2 : 1;
    int status = 0;
    size_t staged = KillAfterNewFiles(project, pid, before, files, &status);
    ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
        << "attempt " << attempt << ": the run ended before the kill (exit "
        << (WIFEXITED(status) ? WEXITSTATUS(status) : -1) << ")";
    ASSERT_GE(staged, files) << "attempt " << attempt << ": killed before it staged a file";
    project.Source("UPDATE orders SET note = 'kill " + std::to_string(attempt) +
                   "', updated_at = datetime('2025-07-01', '+" + std::to_string(attempt) +
                   " seconds') WHERE id % 3 = " + std::to_string(attempt % 3));
  }
  nlohmann::json report = project.Sync();
  ASSERT_EQ(report.at("status"), "success") << report.dump(2);
  ExpectTargetEqualsSource(project);
}

TEST(Failpoints, TheBinaryUsersRunIgnoresSluiceFailpoints) {
  // An environment variable must never make a production sync kill itself.
  EmbeddedProject project("failpoints_release");
  CreateOrders(project, 1, 3000, "2025-01-01");
  project.WriteConfig(std::string("  orders: ") + kHybrid + "\n", "batch_size: 1000");
  CommandResult run = project.Sluice({"-q", "sync", "-p", "test"}, {{"SLUICE_FAILPOINTS", "extract.after_put"}},
                                     EmbeddedProject::Binary::kRelease);
  EXPECT_EQ(run.signal, 0);
  EXPECT_EQ(run.exit_code, 0) << run.err;
  ExpectTargetEqualsSource(project);
}

TEST(Lease, ASecondRunWhileTheLeaseIsHeldExits75) {
  EmbeddedProject project("lease");
  CreateOrders(project, 1, 100, "2025-01-01");
  project.WriteConfig(std::string("  orders: ") + kHybrid + "\n");
  project.HoldLease("orders");  // a live holder on this host: this test process
  CommandResult result = project.Sluice({"sync", "-p", "test"});
  EXPECT_EQ(result.exit_code, 75) << result.err;
  EXPECT_NE(result.err.find("is being synced by pid " + std::to_string(::getpid())), std::string::npos)
      << result.err;
}

}  // namespace
}  // namespace sluice::testing
