// Harness for integration tests of the embedded path: a temp project
// directory with a SQLite source, a local store and a DuckDB warehouse, a
// way to run the real `sluice` binary (and to kill it), and exact
// comparisons of source and target rows.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "config/config.h"
#include "support/duckdb_query.h"

namespace sluice::testing {

struct CommandResult {
  int exit_code = -1;      // -1 when killed by a signal
  int signal = 0;          // the signal that killed it, if any
  std::string out;
  std::string err;
};

class EmbeddedProject {
 public:
  // A fresh directory; `pipeline_tables` is the YAML under `tables:`.
  explicit EmbeddedProject(const std::string& name);
  ~EmbeddedProject();

  const std::string& dir() const { return dir_; }
  std::string warehouse() const { return dir_ + "/warehouse.duckdb"; }

  // Writes config/connections.yml and config/pipelines/test.yml. The source
  // is the project's SQLite file unless `source_yaml` (a flow map such as
  // "{type: mysql, host: ...}") says otherwise.
  void WriteConfig(const std::string& tables_yaml, const std::string& processing_yaml = "batch_size: 500",
                   const std::string& staging_yaml = "partition_strategy: table",
                   const std::string& source_yaml = "{type: sqlite, path: ./source.db}");
  // Runs SQL against the SQLite source (fails the test on error).
  void Source(const std::string& sql);
  // Rows of a SQLite query, each value as text (NULL as nullopt).
  std::vector<Row> SourceRows(const std::string& sql);
  // Rows of a DuckDB query against the warehouse.
  std::vector<Row> TargetRows(const std::string& sql);

  // Which build of the binary runs: the one users run, or the test build
  // that obeys SLUICE_FAILPOINTS. kAuto: the test build exactly when `env`
  // sets SLUICE_FAILPOINTS.
  enum class Binary { kAuto, kRelease, kWithFailpoints };
  // Runs `sluice --config-dir <dir>/config <args>` with extra environment.
  CommandResult Sluice(const std::vector<std::string>& args, const std::map<std::string, std::string>& env = {},
                       Binary binary = Binary::kAuto);
  // Starts sluice in the background; returns its pid.
  int StartSluice(const std::vector<std::string>& args);
  // Runs `sync -p test --json-output <file> -q` and returns the report.
  nlohmann::json Sync(const std::vector<std::string>& extra_args = {}, int expected_exit = 0);
  // Data files in the store (under stage/).
  std::vector<std::string> StagedObjects() const;
  // Writes the lease of `table` as a live run holds it: this test process
  // on this host, run `run_id`, epoch `epoch`, expiring in 2099, so every
  // sluice command sees the table being synced by another process.
  void HoldLease(const std::string& table, const std::string& run_id = "sync_other", int epoch = 1) const;

 private:
  std::string dir_;
};

// Where a private test server listens (scripts/test_servers.sh, env.sh).
struct ServerEnv {
  std::string host;
  int port = 0;
  std::string user;
  std::string password;
  std::string database;
  std::string socket;    // MySQL: socket file; PostgreSQL: socket directory
  std::string ca;        // the CA that signed the servers' certificate
  std::string other_ca;  // a CA that did not
  // A flow-map source for connections.yml, e.g. "{type: mysql, host: 127.0.0.1, ...}".
  std::string SourceYaml(const std::string& type, const std::string& extra = "") const;
  // The same server as the config loader would build it, for tests that
  // open a Source directly (TLS off unless changed).
  config::SourceConnection Connection(config::SourceType type) const;
};
// Read from SLUICE_TEST_MYSQL_* / SLUICE_TEST_PG_*. When unset, the calling
// test fails (it is never skipped) with how to start the servers.
ServerEnv MySqlServer();
ServerEnv PostgresServer();

// Sends SIGINT to the sluice process `pid` (EmbeddedProject::StartSluice)
// and waits for it to exit: adds a test failure unless it exits within
// `max_seconds` with status 1 (an interrupted run is a failed run, SPEC §1).
void ExpectSigintEndsTheRunWithin(int pid, double max_seconds);

// Starts `sync -p test` (EmbeddedProject::StartSluice) and SIGKILLs it once
// the store holds `files` staged data files: a run killed half way through
// a copy. A fatal failure when the run ends first or gets nowhere in two
// minutes.
void KillSyncOnceStaged(EmbeddedProject& project, size_t files);

// Adds a failure unless `target` equals `source` (rows as JoinAll gives
// them, in one order), naming the first rows only one side has and showing
// the watermark of `table`, so a lost or changed row is named, not counted.
void ExpectSameRows(EmbeddedProject& project, const std::string& table, const std::vector<std::string>& source,
                    const std::vector<std::string>& target);

// `sql` with each "{t}" replaced by `table`.
std::string For(std::string sql, const std::string& table);

// Formats a Row as "a|b|NULL" for readable comparisons.
std::string Join(const Row& row);
std::vector<std::string> JoinAll(const std::vector<Row>& rows);

}  // namespace sluice::testing
