// `sync --dry-run` and `sync` execute one plan (sync/table_plan.h): for
// every strategy, what the dry run prints (window, first query, load mode,
// target DDL) is what the run then does, read from the run's own log, and
// a request the run refuses the dry run refuses with the same exit code.
#include <gtest/gtest.h>

#include <map>
#include <sstream>

#include "harness.h"

namespace sluice::testing {
namespace {

constexpr const char* kTables =
    "  h: {cdc_strategy: hybrid, cdc_timestamp_column: updated_at, cdc_id_column: id}\n"
    "  t: {cdc_strategy: timestamp_only, cdc_timestamp_column: updated_at}\n"
    "  i: {cdc_strategy: id_only, cdc_id_column: id}\n"
    "  fr: {cdc_strategy: full_sync, full_sync_mode: replace}\n"
    "  fa: {cdc_strategy: full_sync, full_sync_mode: append, primary_key: [id]}\n"
    "  c:\n    cdc_strategy: custom_sql\n    cdc_timestamp_column: updated_at\n    primary_key: [id]\n"
    "    custom_sql: SELECT * FROM c WHERE updated_at > {{last_timestamp}} AND updated_at <= "
    "{{ceiling_timestamp}}\n";
const std::vector<std::string> kTableNames = {"h", "t", "i", "fr", "fa", "c"};

void CreateAndFill(EmbeddedProject& project, int first, int last) {
  for (const std::string& table : kTableNames) {
    if (first == 1) {
      project.Source("CREATE TABLE " + table + " (id INTEGER PRIMARY KEY, updated_at DATETIME NOT NULL, v TEXT)");
    }
    project.Source("INSERT INTO " + table + " WITH RECURSIVE n(i) AS (SELECT " + std::to_string(first) +
                   " UNION ALL SELECT i + 1 FROM n WHERE i < " + std::to_string(last) +
                   ") SELECT i, datetime('2025-01-01', '+' || i || ' seconds'), 'v' || i FROM n");
  }
}

// One table's plan as the dry run printed it, or as the run did it.
struct Observed {
  std::string window;
  std::string first_query;
  std::string mode;  // the first word of "load:": merge, append, replace or none
  std::vector<std::string> ddl;
};

std::string Trim(const std::string& text) {
  size_t first = text.find_first_not_of(' ');
  return first == std::string::npos ? "" : text.substr(first);
}

// Parses the dry run's per-table blocks ("table h (hybrid -> h)").
std::map<std::string, Observed> ParseDryRun(const std::string& out) {
  std::map<std::string, Observed> tables;
  std::istringstream lines(out);
  std::string line;
  Observed* current = nullptr;
  std::string pending;  // a header whose value is on the next line
  while (std::getline(lines, line)) {
    if (line.starts_with("table ")) {
      current = &tables[line.substr(6, line.find(' ', 6) - 6)];
      continue;
    }
    if (current == nullptr) continue;
    if (line.starts_with("-- ") && !current->first_query.empty()) {
      current->first_query += "\n" + line;  // Explain's parameter line
    } else if (!pending.empty()) {
      if (pending == "query") current->first_query = Trim(line);
      if (pending == "ddl") current->ddl.push_back(Trim(line));
      pending.clear();
    } else if (line.starts_with("  window:  ")) {
      current->window = line.substr(11);
    } else if (line == "  first query:") {
      pending = "query";
    } else if (line.starts_with("  load:    ")) {
      current->mode = line.substr(11, line.find(' ', 11) - 11);
    } else if (line == "  target DDL:") {
      pending = "ddl";
    }
  }
  return tables;
}

// The same from the run's JSON log (--json-logs --debug): "extracting
// <window>", the first query it read, "applied <ddl>".
std::map<std::string, Observed> ParseRunLog(const std::string& err,
                                            const std::vector<std::string>& table_names = kTableNames) {
  std::map<std::string, Observed> tables;
  std::istringstream lines(err);
  std::string line;
  while (std::getline(lines, line)) {
    nlohmann::json entry = nlohmann::json::parse(line, nullptr, false);
    if (entry.is_discarded() || !entry.contains("msg")) continue;
    std::string message = entry.at("msg");
    for (const std::string& table : table_names) {
      std::string prefix = "table " + table + ": ";
      Observed& observed = tables[table];
      if (message.starts_with(prefix + "extracting ")) {
        observed.window = message.substr(prefix.size() + 11);
      } else if (message.starts_with(prefix + "applied ")) {
        observed.ddl.push_back(message.substr(prefix.size() + 8));
      } else if (message.starts_with(table + ": ") && observed.first_query.empty() && !observed.window.empty()) {
        observed.first_query = message.substr(table.size() + 2);
      }
    }
  }
  return tables;
}

void ExpectDryRunMatchesRun(EmbeddedProject& project) {
  CommandResult plan = project.Sluice({"sync", "-p", "test", "--dry-run"});
  ASSERT_EQ(plan.exit_code, 0) << plan.out << plan.err;
  CommandResult run = project.Sluice({"--json-logs", "--debug", "sync", "-p", "test"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  std::map<std::string, Observed> planned = ParseDryRun(plan.out);
  std::map<std::string, Observed> done = ParseRunLog(run.err);
  for (const std::string& table : kTableNames) {
    SCOPED_TRACE("table " + table + "\n" + plan.out);
    EXPECT_FALSE(planned[table].window.empty());
    EXPECT_EQ(planned[table].window, done[table].window);
    EXPECT_FALSE(planned[table].first_query.empty());
    EXPECT_EQ(planned[table].first_query, done[table].first_query);
    EXPECT_EQ(planned[table].ddl, done[table].ddl);
  }
}

// `sync <args> --dry-run`, then `sync <args>` with the run's JSON log.
struct PlanAndRun {
  CommandResult plan;
  CommandResult run;
  std::map<std::string, Observed> planned;  // as the dry run printed it
  std::map<std::string, Observed> done;     // as the run's log tells it
};

PlanAndRun PlanThenRun(EmbeddedProject& project, const std::vector<std::string>& args,
                       const std::vector<std::string>& table_names) {
  std::vector<std::string> dry = {"sync", "-p", "test", "--dry-run"};
  dry.insert(dry.end(), args.begin(), args.end());
  std::vector<std::string> real = {"--json-logs", "--debug", "sync", "-p", "test"};
  real.insert(real.end(), args.begin(), args.end());
  PlanAndRun outcome;
  outcome.plan = project.Sluice(dry);
  outcome.run = project.Sluice(real);
  outcome.planned = ParseDryRun(outcome.plan.out);
  outcome.done = ParseRunLog(outcome.run.err, table_names);
  return outcome;
}

// The tables of the target (DuckDB's catalog), sorted.
std::vector<std::string> TargetTables(EmbeddedProject& project) {
  return JoinAll(project.TargetRows(
      "SELECT table_name FROM information_schema.tables WHERE table_name NOT LIKE '%sluice%' ORDER BY 1"));
}

TEST(DryRunPlan, EveryStrategyPrintsTheWindowQueryAndDdlTheRunThenUses) {
  EmbeddedProject project("plan_strategies");
  CreateAndFill(project, 1, 300);
  project.WriteConfig(kTables, "batch_size: 100");
  ExpectDryRunMatchesRun(project);  // first run: every table is created
  CreateAndFill(project, 301, 400);
  ExpectDryRunMatchesRun(project);  // second: a replace swaps its table, the others need no DDL
  for (const std::string& table : kTableNames) {
    std::string count = table == "fa" ? "700" : "400";  // an appending full copy keeps both copies
    EXPECT_EQ(JoinAll(project.TargetRows("SELECT count(*) FROM " + table)), (std::vector<std::string>{count})) << table;
  }
}

TEST(DryRunPlan, AReplacingFullCopyIsPlannedAsTheSwapTheRunDoes) {
  EmbeddedProject project("plan_replace");
  CreateAndFill(project, 1, 50);
  project.WriteConfig(
      "  fr: {cdc_strategy: full_sync, full_sync_mode: replace}\n"
      "  fa: {cdc_strategy: full_sync, full_sync_mode: append, primary_key: [id]}\n"
      "  h: {cdc_strategy: hybrid, cdc_timestamp_column: updated_at, cdc_id_column: id}\n");
  ASSERT_EQ(project.Sync().value("status", ""), "success");
  CommandResult plan = project.Sluice({"sync", "-p", "test", "--dry-run"});
  ASSERT_EQ(plan.exit_code, 0) << plan.out << plan.err;
  std::map<std::string, Observed> planned = ParseDryRun(plan.out);
  EXPECT_EQ(planned["fr"].mode, "replace") << plan.out;
  EXPECT_EQ(planned["fa"].mode, "append") << plan.out;
  EXPECT_EQ(planned["h"].mode, "merge") << plan.out;
  ASSERT_EQ(planned["fr"].ddl.size(), 3u) << plan.out;
  EXPECT_TRUE(planned["fr"].ddl[0].starts_with("CREATE TABLE")) << plan.out;
  EXPECT_TRUE(planned["fr"].ddl[1].starts_with("DROP TABLE IF EXISTS")) << plan.out;
  EXPECT_TRUE(planned["fr"].ddl[2].ends_with("RENAME TO \"fr\"")) << plan.out;
  EXPECT_TRUE(planned["fa"].ddl.empty()) << plan.out;
}

TEST(DryRunPlan, LimitOnAWholeCopyIsRefusedByTheDryRunAsByTheRun) {
  EmbeddedProject project("plan_limit");
  CreateAndFill(project, 1, 20);
  project.WriteConfig(kTables);
  for (const char* table : {"fr", "c"}) {
    CommandResult planned = project.Sluice({"sync", "-p", "test", "-t", table, "--dry-run", "--limit", "10"});
    CommandResult run = project.Sluice({"sync", "-p", "test", "-t", table, "--limit", "10"});
    EXPECT_EQ(run.exit_code, 2) << run.err;
    EXPECT_EQ(planned.exit_code, run.exit_code) << planned.out << planned.err;
    std::string refusal = std::string("--limit cannot apply to ") + table;
    EXPECT_NE(run.err.find(refusal), std::string::npos) << run.err;
    EXPECT_NE(planned.err.find(refusal), std::string::npos) << planned.err;
  }
  EXPECT_TRUE(project.StagedObjects().empty());
  // Incremental tables take --limit in both.
  CommandResult planned = project.Sluice({"sync", "-p", "test", "-t", "h", "--dry-run", "--limit", "10"});
  EXPECT_EQ(planned.exit_code, 0) << planned.out << planned.err;
}

TEST(DryRunPlan, BackupOnlyWithLoadOnlyIsRefusedByBoth) {
  EmbeddedProject project("plan_exclusive");
  CreateAndFill(project, 1, 20);
  project.WriteConfig(kTables);
  CommandResult planned = project.Sluice({"sync", "-p", "test", "--dry-run", "--backup-only", "--load-only"});
  CommandResult run = project.Sluice({"sync", "-p", "test", "--backup-only", "--load-only"});
  EXPECT_EQ(run.exit_code, 2) << run.err;
  EXPECT_EQ(planned.exit_code, run.exit_code) << planned.err;
  EXPECT_TRUE(project.StagedObjects().empty());
}

// A table the run would fail (a refused plan: a strategy changed since the
// cursor was kept, a custom_sql the source rejects, a reserved column name)
// fails the dry run with the run's exit code: 1, a failed table, not the 2
// of a refused request, although some of these errors are InvalidArgument.
TEST(DryRunPlan, ATableTheRunWouldFailFailsTheDryRunWithTheSameExitCode) {
  EmbeddedProject project("plan_table_failures");
  project.Source("CREATE TABLE s (id INTEGER PRIMARY KEY, updated_at DATETIME NOT NULL, v TEXT)");
  project.Source("INSERT INTO s VALUES (1, '2025-01-01 00:00:00', 'a')");
  project.Source("CREATE TABLE r (id INTEGER PRIMARY KEY, _seq INTEGER)");
  project.Source("CREATE TABLE q (id INTEGER PRIMARY KEY)");
  project.WriteConfig("  s: {cdc_strategy: hybrid, cdc_timestamp_column: updated_at, cdc_id_column: id}\n");
  ASSERT_EQ(project.Sluice({"sync", "-p", "test"}).exit_code, 0);
  project.WriteConfig(
      "  s: {cdc_strategy: id_only, cdc_id_column: id}\n"
      "  r: {cdc_strategy: id_only, cdc_id_column: id}\n"
      "  q: {cdc_strategy: custom_sql, custom_sql: \"selec id from q where id > {{last_id}}\", cdc_id_column: id}\n");
  for (const char* table : {"s", "r", "q"}) {
    CommandResult planned = project.Sluice({"sync", "-p", "test", "-t", table, "--dry-run"});
    CommandResult run = project.Sluice({"sync", "-p", "test", "-t", table});
    EXPECT_EQ(run.exit_code, 1) << table << ": " << run.err;
    EXPECT_EQ(planned.exit_code, run.exit_code) << table << ": " << planned.out << planned.err;
    EXPECT_NE(planned.err.find("error: "), std::string::npos) << planned.err;
  }
  // An unwritable report path is a refused request in both.
  std::vector<std::string> report = {"--json-output", project.dir() + "/missing/report.json"};
  std::vector<std::string> dry = {"sync", "-p", "test", "-t", "s", "--dry-run"};
  dry.insert(dry.end(), report.begin(), report.end());
  std::vector<std::string> real = {"sync", "-p", "test", "-t", "s"};
  real.insert(real.end(), report.begin(), report.end());
  CommandResult planned = project.Sluice(dry);
  CommandResult run = project.Sluice(real);
  EXPECT_EQ(run.exit_code, 2) << run.err;
  EXPECT_EQ(planned.exit_code, run.exit_code) << planned.err;
}

// --load-only with nothing staged loads nothing: the dry run says so and
// lists no DDL, and the run creates no table.
TEST(DryRunPlan, LoadOnlyWithNothingStagedPlansNoLoadAndTheRunCreatesNoTable) {
  EmbeddedProject project("plan_load_only_nothing");
  CreateAndFill(project, 1, 20);
  project.WriteConfig(kTables);
  PlanAndRun outcome = PlanThenRun(project, {"--load-only"}, kTableNames);
  ASSERT_EQ(outcome.plan.exit_code, 0) << outcome.plan.out << outcome.plan.err;
  ASSERT_EQ(outcome.run.exit_code, 0) << outcome.run.err;
  for (const std::string& table : kTableNames) {
    SCOPED_TRACE("table " + table + "\n" + outcome.plan.out);
    EXPECT_EQ(outcome.planned[table].mode, "none");
    EXPECT_TRUE(outcome.planned[table].ddl.empty());
    EXPECT_EQ(outcome.planned[table].ddl, outcome.done[table].ddl);
  }
  EXPECT_TRUE(TargetTables(project).empty());
}

// A table with nothing to read (its source table is empty) and nothing
// staged loads nothing, so its target table is not created, on the first
// run and on the next; a table with rows beside it is created as planned.
TEST(DryRunPlan, AnIdleTableWithoutATargetTablePlansNoLoadAndTheRunCreatesNoTable) {
  EmbeddedProject project("plan_idle");
  const std::vector<std::string> tables = {"eh", "et", "ei", "s"};
  for (const std::string& table : tables) {
    project.Source("CREATE TABLE " + table + " (id INTEGER PRIMARY KEY, updated_at DATETIME NOT NULL, v TEXT)");
  }
  project.Source("INSERT INTO s VALUES (1, '2025-01-01 00:00:00', 'a')");
  project.WriteConfig(
      "  eh: {cdc_strategy: hybrid, cdc_timestamp_column: updated_at, cdc_id_column: id}\n"
      "  et: {cdc_strategy: timestamp_only, cdc_timestamp_column: updated_at}\n"
      "  ei: {cdc_strategy: id_only, cdc_id_column: id}\n"
      "  s: {cdc_strategy: hybrid, cdc_timestamp_column: updated_at, cdc_id_column: id}\n");
  for (int run = 1; run <= 2; ++run) {
    SCOPED_TRACE("run " + std::to_string(run));
    PlanAndRun outcome = PlanThenRun(project, {}, tables);
    ASSERT_EQ(outcome.plan.exit_code, 0) << outcome.plan.out << outcome.plan.err;
    ASSERT_EQ(outcome.run.exit_code, 0) << outcome.run.err;
    for (const std::string& table : tables) {
      EXPECT_EQ(outcome.planned[table].ddl, outcome.done[table].ddl) << table << "\n" << outcome.plan.out;
      if (table == "s") continue;
      EXPECT_EQ(outcome.planned[table].mode, "none") << table << "\n" << outcome.plan.out;
      EXPECT_TRUE(outcome.planned[table].ddl.empty()) << table << "\n" << outcome.plan.out;
    }
    EXPECT_EQ(outcome.planned["s"].mode, "merge") << outcome.plan.out;
    EXPECT_EQ(outcome.planned["s"].ddl.size(), run == 1 ? 1u : 0u) << outcome.plan.out;
    EXPECT_EQ(TargetTables(project), (std::vector<std::string>{"s"}));
  }
}

// A column dropped from the source while the target still has it stops the
// table (SPEC §5a) in the dry run and in the run alike, also when no row
// changed: exit 1, naming the table, the column and the remedy.
TEST(DryRunPlan, AColumnDroppedInTheSourceFailsTheDryRunAndTheRunAlikeWithoutChangedRows) {
  EmbeddedProject project("plan_dropped_column");
  project.Source("CREATE TABLE d (id INTEGER PRIMARY KEY, updated_at DATETIME NOT NULL, v TEXT, gone TEXT)");
  project.Source("INSERT INTO d VALUES (1, '2025-01-01 00:00:00', 'a', 'x')");
  project.WriteConfig(
      "  d: {cdc_strategy: hybrid, cdc_timestamp_column: updated_at, cdc_id_column: id, lookback_seconds: 0}\n");
  ASSERT_EQ(project.Sync().value("status", ""), "success");
  project.Source("ALTER TABLE d DROP COLUMN gone");
  const std::string problem = "column \"gone\" is in the target but the source no longer has it";
  for (bool row_changed : {false, true}) {
    SCOPED_TRACE(row_changed ? "a row changed" : "no row changed");
    if (row_changed) project.Source("INSERT INTO d VALUES (2, '2025-01-02 00:00:00', 'b')");
    PlanAndRun outcome = PlanThenRun(project, {}, {"d"});
    EXPECT_EQ(outcome.run.exit_code, 1) << outcome.run.err;
    EXPECT_EQ(outcome.plan.exit_code, outcome.run.exit_code) << outcome.plan.out << outcome.plan.err;
    for (const std::string& said : std::vector<std::string>{outcome.plan.out + outcome.plan.err, outcome.run.err}) {
      EXPECT_NE(said.find("table main.d"), std::string::npos) << said;
      EXPECT_NE(said.find(problem), std::string::npos) << said;
      EXPECT_NE(said.find("ALTER TABLE \"main\".\"d\" DROP COLUMN \"gone\""), std::string::npos) << said;
    }
    EXPECT_EQ(JoinAll(project.TargetRows("SELECT id, gone FROM d ORDER BY id")), (std::vector<std::string>{"1|x"}));
  }
}

// A target out of reach (its DuckDB file held by another process) stops no
// extract: a table with rows to load stages them and fails its load, exit 1
// in the dry run as in the run; a table with nothing to load succeeds in
// both, the dry run saying the target could not be read.
TEST(DryRunPlan, ATargetOutOfReachFailsOnlyTheTablesThatLoadInTheDryRunAsInTheRun) {
  EmbeddedProject project("plan_target_locked");
  project.Source("CREATE TABLE h (id INTEGER PRIMARY KEY, updated_at DATETIME NOT NULL, v TEXT)");
  project.Source("CREATE TABLE e (id INTEGER PRIMARY KEY, updated_at DATETIME NOT NULL, v TEXT)");
  project.Source("INSERT INTO h VALUES (1, '2025-01-01 00:00:00', 'a')");
  project.WriteConfig(
      "  h: {cdc_strategy: hybrid, cdc_timestamp_column: updated_at, cdc_id_column: id}\n"
      "  e: {cdc_strategy: hybrid, cdc_timestamp_column: updated_at, cdc_id_column: id}\n");
  HeldDuckDbFile held(project.warehouse());
  for (const auto& [table, exit_code] : std::vector<std::pair<std::string, int>>{{"e", 0}, {"h", 1}}) {
    PlanAndRun outcome = PlanThenRun(project, {"-t", table}, {table});
    EXPECT_EQ(outcome.run.exit_code, exit_code) << table << ": " << outcome.run.err;
    EXPECT_EQ(outcome.plan.exit_code, outcome.run.exit_code) << table << ": " << outcome.plan.out << outcome.plan.err;
    EXPECT_NE(outcome.plan.out.find("cannot open DuckDB database"), std::string::npos) << outcome.plan.out;
  }
  EXPECT_EQ(project.StagedObjects().size(), 1u) << "the table with rows staged them although its load failed";
}

// Text in custom_sql that looks like a placeholder (inside a string literal,
// a quoted name or a comment) is the query's own: `config validate`, the
// dry run and the run all take it, only the real placeholder is bound, and
// the rows arrive (the reviewer's query validated, planned, then failed the
// sync with a parameter-count mismatch).
TEST(DryRunPlan, CustomSqlWithPlaceholderLookingTextValidatesPlansAndSyncs) {
  EmbeddedProject project("plan_custom_text");
  project.Source("CREATE TABLE c (id INTEGER PRIMARY KEY, note TEXT)");
  project.Source("INSERT INTO c VALUES (1, 'a'), (2, '{{last_id}}'), (3, 'c')");
  project.WriteConfig(
      "  c:\n    cdc_strategy: custom_sql\n    cdc_id_column: id\n    primary_key: [id]\n    custom_sql: |\n"
      "      SELECT id, note, '{{last_timestamp}}' AS \"{{ceiling_id}}\" FROM c -- after {{ceiling_timestamp}}\n"
      "      WHERE id > {{last_id}} /* not {{last_ts}} */ AND note <> 'c'\n");
  CommandResult validated = project.Sluice({"config", "validate"});
  EXPECT_EQ(validated.exit_code, 0) << validated.out << validated.err;
  PlanAndRun outcome = PlanThenRun(project, {}, {"c"});
  EXPECT_EQ(outcome.plan.exit_code, 0) << outcome.plan.out << outcome.plan.err;
  EXPECT_NE(outcome.plan.out.find("WHERE id > ? /* not {{last_ts}} */"), std::string::npos) << outcome.plan.out;
  ASSERT_EQ(outcome.run.exit_code, 0) << outcome.run.err;
  EXPECT_EQ(JoinAll(project.TargetRows("SELECT id, note, \"{{ceiling_id}}\" FROM c ORDER BY id")),
            (std::vector<std::string>{"1|a|{{last_timestamp}}", "2|{{last_id}}|{{last_timestamp}}"}));
  project.Source("INSERT INTO c VALUES (4, 'd')");
  ASSERT_EQ(project.Sync().value("status", ""), "success");
  EXPECT_EQ(JoinAll(project.TargetRows("SELECT id FROM c ORDER BY id")),
            (std::vector<std::string>{"1", "2", "4"}));
}

// id_only on a column that is not the primary key: the newest id's rows
// may still gain company, so they wait for a larger id. The dry run and
// the run's log say so, and a run that reads nothing new stages nothing.
TEST(DryRunPlan, IdOnlyOnANonUniqueIdSaysTheNewestIdIsHeldBackAndStagesNoEmptyFile) {
  EmbeddedProject project("plan_id_only_ties");
  project.Source("CREATE TABLE e (id INTEGER NOT NULL, v TEXT)");
  project.Source("INSERT INTO e VALUES (1, 'a'), (2, 'b'), (2, 'c'), (3, 'd'), (3, 'e')");
  project.WriteConfig("  e: {cdc_strategy: id_only, cdc_id_column: id}\n");
  const std::string held_back = "the rows with the newest id (3) are held back until a larger id arrives";
  CommandResult plan = project.Sluice({"sync", "-p", "test", "--dry-run"});
  EXPECT_EQ(plan.exit_code, 0) << plan.err;
  EXPECT_NE(plan.out.find("  warning: table e: "), std::string::npos) << plan.out;
  EXPECT_NE(plan.out.find(held_back), std::string::npos) << plan.out;
  CommandResult first = project.Sluice({"sync", "-p", "test"});
  EXPECT_EQ(first.exit_code, 0) << first.err;
  EXPECT_NE(first.err.find(held_back), std::string::npos) << first.err;
  EXPECT_EQ(JoinAll(project.TargetRows("SELECT id, v FROM e ORDER BY id, v")),
            (std::vector<std::string>{"1|a", "2|b", "2|c"}));
  std::vector<std::string> staged = project.StagedObjects();

  nlohmann::json idle = project.Sync();
  EXPECT_EQ(idle.at("table_results").at("e").at("rows_extracted"), 0) << idle.dump(2);
  EXPECT_EQ(idle.at("table_results").at("e").at("files_created"), 0) << idle.dump(2);
  EXPECT_EQ(project.StagedObjects(), staged);

  project.Source("INSERT INTO e VALUES (4, 'f')");
  ASSERT_EQ(project.Sync().value("status", ""), "success");
  EXPECT_EQ(JoinAll(project.TargetRows("SELECT id, v FROM e ORDER BY id, v")),
            (std::vector<std::string>{"1|a", "2|b", "2|c", "3|d", "3|e"}));
}

}  // namespace
}  // namespace sluice::testing
