// Every failure of a run reaches the watermark and `sluice status`, and
// `sync` error output never shows a configured secret.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include "harness.h"

namespace sluice::testing {
namespace {

bool Contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

void CreateOrders(EmbeddedProject& project, int first, int last) {
  if (first == 1) project.Source("CREATE TABLE orders (id INTEGER PRIMARY KEY, v TEXT)");
  project.Source("INSERT INTO orders WITH RECURSIVE n(i) AS (SELECT " + std::to_string(first) +
                 " UNION ALL SELECT i + 1 FROM n WHERE i < " + std::to_string(last) + ") SELECT i, 'v' || i FROM n");
}

nlohmann::json StatusOf(EmbeddedProject& project) {
  CommandResult status = project.Sluice({"status", "--json"});
  EXPECT_EQ(status.exit_code, 0) << status.err;
  nlohmann::json tables = nlohmann::json::parse(status.out, nullptr, false);
  EXPECT_TRUE(tables.is_array() && tables.size() == 1) << status.out;
  return tables.is_array() && !tables.empty() ? tables[0] : nlohmann::json::object();
}

TEST(RunFailures, ATargetThatCannotBeOpenedIsRecordedAsTheLoadsFailureAndShownByStatus) {
  EmbeddedProject project("target_locked");
  CreateOrders(project, 1, 100);
  project.WriteConfig("  orders: {cdc_strategy: id_only, cdc_id_column: id}\n");
  ASSERT_EQ(project.Sync().value("status", ""), "success");
  CreateOrders(project, 101, 150);
  {
    HeldDuckDbFile held(project.warehouse());
    CommandResult run = project.Sluice({"sync", "-p", "test"});
    EXPECT_EQ(run.exit_code, 1) << run.err;
    nlohmann::json status = StatusOf(project);
    EXPECT_EQ(status.value("load_status", ""), "failed") << status.dump(2);
    EXPECT_EQ(status.value("files_waiting", 0), 1) << status.dump(2);
    ASSERT_TRUE(status.at("last_error").is_string()) << status.dump(2);
    EXPECT_TRUE(Contains(status.at("last_error").get<std::string>(), "lock")) << status.dump(2);
  }
  // Once the file is free the waiting rows load and the error clears.
  nlohmann::json next = project.Sync();
  ASSERT_EQ(next.value("status", ""), "success") << next.dump(2);
  nlohmann::json status = StatusOf(project);
  EXPECT_EQ(status.value("load_status", ""), "success") << status.dump(2);
  EXPECT_TRUE(status.at("last_error").is_null()) << status.dump(2);
  EXPECT_EQ(JoinAll(project.TargetRows("SELECT count(*), count(DISTINCT id), max(id) FROM orders")),
            (std::vector<std::string>{"150|150|150"}));
}

TEST(RunFailures, ATargetLockedFromTheFirstRunOnIsRecordedForEveryWayOfLoading) {
  EmbeddedProject project("target_locked_first");
  CreateOrders(project, 1, 100);
  project.WriteConfig("  orders: {cdc_strategy: id_only, cdc_id_column: id}\n");
  {
    HeldDuckDbFile held(project.warehouse());
    for (const std::vector<std::string>& args :
         {std::vector<std::string>{"sync", "-p", "test"}, std::vector<std::string>{"sync", "-p", "test", "--load-only"},
          std::vector<std::string>{"sync", "-p", "test", "--json-output", "-"}}) {
      CommandResult run = project.Sluice(args);
      EXPECT_EQ(run.exit_code, 1) << run.err;
      nlohmann::json status = StatusOf(project);
      EXPECT_EQ(status.value("load_status", ""), "failed") << status.dump(2);
      EXPECT_EQ(status.value("files_waiting", 0), 1) << status.dump(2);
      ASSERT_TRUE(status.at("last_error").is_string()) << status.dump(2);
    }
  }
  ASSERT_EQ(project.Sync().value("status", ""), "success");
  EXPECT_EQ(JoinAll(project.TargetRows("SELECT count(*) FROM orders")), (std::vector<std::string>{"100"}));
}

// A configured secret that turns up in an error of the run (here the MySQL
// source's password is also the name of a table the source lacks) is
// redacted from the error wherever the run reports it: stderr, the JSON
// report, the watermark that `status` shows. (The table's own name, an
// identifier the user wrote in the pipeline, is printed as it is.)
TEST(RunFailures, ASecretInTheConfigurationIsRedactedFromSyncErrorOutput) {
  ServerEnv mysql = MySqlServer();
  ASSERT_GE(mysql.password.size(), 4u) << "the test needs a password worth redacting";
  EmbeddedProject project("secret_in_error");
  std::string quoted = mysql.password;
  for (size_t at = 0; (at = quoted.find('\'', at)) != std::string::npos; at += 2) quoted.insert(at, "'");
  project.WriteConfig("  '" + quoted + "': {cdc_strategy: full_sync}\n", "batch_size: 500", "partition_strategy: table",
                      mysql.SourceYaml("mysql"));
  const std::string redacted = "table '***' not found";
  std::string report_path = project.dir() + "/report.json";
  CommandResult run = project.Sluice({"sync", "-p", "test", "--json-output", report_path});
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_TRUE(Contains(run.err, redacted)) << run.err;
  EXPECT_FALSE(Contains(run.err, "table '" + mysql.password + "' not found"));
  std::ifstream report_file(report_path);
  nlohmann::json report = nlohmann::json::parse(report_file, nullptr, false);
  ASSERT_TRUE(report.contains("table_results")) << report.dump(2);
  std::string error = report.at("table_results").at(mysql.password).value("error", "");
  EXPECT_TRUE(Contains(error, redacted)) << error;
  EXPECT_FALSE(Contains(error, mysql.password));
  nlohmann::json status = StatusOf(project);
  std::string last_error = status.value("last_error", "");
  EXPECT_TRUE(Contains(last_error, redacted)) << last_error;
  EXPECT_FALSE(Contains(last_error, mysql.password));
}

// SIGINT reaches the run through the token the CLI gave it: the run stops
// at its next safe point, loads nothing, keeps what it staged recorded,
// and the next run completes the table exactly.
TEST(RunFailures, SigintStopsTheRunAtASafePointAndTheNextRunCompletesIt) {
  EmbeddedProject project("sigint");
  project.Source("CREATE TABLE orders (id INTEGER PRIMARY KEY, updated_at DATETIME NOT NULL, note TEXT)");
  project.Source(
      "INSERT INTO orders WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < "
      "100000) SELECT i, datetime('2025-01-01', '+' || (i / 7) || ' seconds'), hex(randomblob(16)) "
      "FROM n");
  project.WriteConfig("  orders: {cdc_strategy: hybrid, cdc_timestamp_column: updated_at, cdc_id_column: id}\n",
                      "batch_size: 2000", "partition_strategy: table, target_file_mb: 1, compression: none");
  std::string report_path = project.dir() + "/report.json";
  int pid = project.StartSluice({"sync", "-p", "test", "--json-output", report_path});
  // Interrupt once the first file is staged: the run is past a safe point and far from done.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (project.StagedObjects().empty() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ASSERT_FALSE(project.StagedObjects().empty()) << "the run staged nothing within a minute";
  ASSERT_EQ(::kill(pid, SIGINT), 0);
  int wait_status = 0;
  ASSERT_EQ(::waitpid(pid, &wait_status, 0), pid);
  ASSERT_TRUE(WIFEXITED(wait_status)) << "killed by signal " << WTERMSIG(wait_status);
  EXPECT_EQ(WEXITSTATUS(wait_status), 1);
  std::ifstream report_file(report_path);
  nlohmann::json report = nlohmann::json::parse(report_file, nullptr, false);
  ASSERT_TRUE(report.contains("table_results")) << report.dump(2);
  const nlohmann::json& orders = report.at("table_results").at("orders");
  EXPECT_TRUE(Contains(orders.value("error", ""), "interrupted")) << orders.dump(2);
  EXPECT_GE(orders.value("files_created", 0), 1) << orders.dump(2);
  EXPECT_LT(orders.value("rows_extracted", 0), 100000) << orders.dump(2);
  EXPECT_FALSE(std::filesystem::exists(project.warehouse())) << "an interrupted run loads nothing";

  nlohmann::json next = project.Sync();
  ASSERT_EQ(next.value("status", ""), "success") << next.dump(2);
  EXPECT_EQ(JoinAll(project.SourceRows("SELECT count(*), sum(id), sum(length(note)) FROM orders")),
            JoinAll(project.TargetRows("SELECT count(*), sum(id), sum(length(note)) FROM orders")));
  EXPECT_EQ(JoinAll(project.TargetRows("SELECT count(DISTINCT id) FROM orders")), (std::vector<std::string>{"100000"}));
}

}  // namespace
}  // namespace sluice::testing
