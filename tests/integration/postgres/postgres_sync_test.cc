// PostgreSQL -> Parquet -> DuckDB end to end, through the real `sluice`
// binary against the private test server. Each test ends by comparing the
// target with the source value by value, both read by independent clients
// (libpq and DuckDB) into one canonical text form.
#include <sys/stat.h>

#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "harness.h"
#include "pg_fixture.h"

namespace sluice::testing {
namespace {

// One column compared: how PostgreSQL and DuckDB each print it canonically.
struct Compared {
  std::string postgres;
  std::string duckdb;
};

std::string SelectList(const std::vector<Compared>& columns, bool postgres) {
  std::string list;
  for (const Compared& column : columns) list += (list.empty() ? "" : ", ") + (postgres ? column.postgres : column.duckdb);
  return list;
}

// The orders-like table the strategy tests share: 7 rows per second from `day`, so ties straddle chunks.
constexpr const char* kCreateOrders = R"(
DROP TABLE IF EXISTS {t};
CREATE TABLE {t} (id bigint PRIMARY KEY, updated_at timestamptz NOT NULL, amount numeric(12,2), note text);
)";

std::string InsertOrders(const std::string& table, int first, int last, const std::string& day = "2025-01-01") {
  return For("INSERT INTO {t} SELECT i, timestamptz '" + day + " 00:00:00+00' + (i / 7) * interval '1 second', "
             "CASE WHEN i % 11 = 0 THEN NULL ELSE (i % 10000) / 100.0 + 0.25 END, "
             "CASE WHEN i % 13 = 0 THEN NULL ELSE 'note ' || i || ' ''q''' END "
             "FROM generate_series(" + std::to_string(first) + ", " + std::to_string(last) + ") i;",
             table);
}

// DuckDB's float text in PostgreSQL's spelling: NaN, Infinity, -Infinity, 0, -0, else shortest form.
std::string DuckDbFloatText(const std::string& value) {
  return "CASE WHEN isnan(" + value + ") THEN 'NaN' WHEN isinf(" + value + ") AND " + value +
                 " > 0 THEN 'Infinity' WHEN isinf(" + value + ") THEN '-Infinity' WHEN " + value +
                 " = 0 AND signbit(" + value + ") THEN '-0' WHEN " + value + " = 0 THEN '0' ELSE CAST(" + value +
                 " AS VARCHAR) END";
}

const std::vector<Compared> kOrderColumns = {
    {"id::text", "CAST(id AS VARCHAR)"},
    {"((extract(epoch FROM updated_at) * 1000000)::bigint)::text", "CAST(epoch_us(updated_at) AS VARCHAR)"},
    {"amount::text", "CAST(amount AS VARCHAR)"},
    {"note", "note"},
};

class PostgresSync : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = PostgresServer();
    ASSERT_FALSE(::testing::Test::HasFailure());
    fixture_ = std::make_unique<PgFixture>(server_);
  }

  std::string SourceYaml(const ServerEnv& server) const { return server.SourceYaml("postgres", "ssl: {mode: disabled}"); }

  void Configure(EmbeddedProject& project, const std::string& tables, const std::string& processing = "batch_size: 500") {
    project.WriteConfig(tables, processing, "partition_strategy: table", SourceYaml(server_));
  }

  std::vector<std::string> SourceRows(const std::string& table, const std::vector<Compared>& columns) {
    // Ordered by the table's id (a bare "id" would be the output column, the text).
    return JoinAll(fixture_->Rows("SELECT " + SelectList(columns, true) + " FROM " + table + " AS source ORDER BY source.id"));
  }
  std::vector<std::string> TargetRows(EmbeddedProject& project, const std::string& table,
                                      const std::vector<Compared>& columns) {
    return JoinAll(project.TargetRows("SELECT " + SelectList(columns, false) + " FROM " + table + " ORDER BY id"));
  }
  void ExpectTargetEqualsSource(EmbeddedProject& project, const std::string& table,
                                const std::vector<Compared>& columns = kOrderColumns) {
    std::vector<std::string> source = SourceRows(table, columns);
    std::vector<std::string> target = TargetRows(project, table, columns);
    EXPECT_FALSE(source.empty());
    ASSERT_EQ(target.size(), source.size()) << table;
    for (size_t row = 0; row < source.size(); ++row) ASSERT_EQ(target[row], source[row]) << table << " row " << row;
  }

  static const nlohmann::json& ResultOf(const nlohmann::json& report, const std::string& table) {
    return report.at("table_results").at(table);
  }

  ServerEnv server_;
  std::unique_ptr<PgFixture> fixture_;
};

TEST_F(PostgresSync, ConnectionsTestPrintsTheServerVersion) {
  EmbeddedProject project("pg_connections");
  Configure(project, "  t: {cdc_strategy: full_sync}\n");
  CommandResult result = project.Sluice({"connections", "test", "-c", "src"});
  EXPECT_EQ(result.exit_code, 0) << result.err << result.out;
  EXPECT_NE(result.out.find("ok      source  src"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("PostgreSQL 15."), std::string::npos) << result.out;
}

TEST_F(PostgresSync, EveryTypeArrivesInDuckDbValueByValue) {
  std::string table = UniqueName("sync_types");
  fixture_->Exec(AllTypesSql(table));
  EmbeddedProject project("pg_types");
  Configure(project, "  " + table + ": {cdc_strategy: id_only, cdc_id_column: id}\n", "batch_size: 4");
  nlohmann::json report = project.Sync();
  ASSERT_EQ(report.value("status", ""), "success") << report.dump();
  EXPECT_EQ(ResultOf(report, table).at("rows_extracted"), 6);
  EXPECT_EQ(ResultOf(report, table).at("zero_dates_nulled"), 3);  // row 4: ±infinity in date, timestamp, timestamptz
  const std::vector<Compared> columns = {
      {"id::text", "CAST(id AS VARCHAR)"},
      {"i2::text", "CAST(i2 AS VARCHAR)"},
      {"i4::text", "CAST(i4 AS VARCHAR)"},
      {"i8::text", "CAST(i8 AS VARCHAR)"},
      {"n12::text", "CAST(n12 AS VARCHAR)"},
      {"n38::text", "CAST(n38 AS VARCHAR)"},
      {"n38i::text", "CAST(n38i AS VARCHAR)"},
      {"n60::text", "n60"},
      {"nany::text", "nany"},
      // Floats: special values and the sign of zero spelled out, others in shortest round-trip form.
      {"CASE WHEN r::text IN ('NaN', 'Infinity', '-Infinity', '0', '-0') THEN r::text ELSE r::float8::text END",
       DuckDbFloatText("CAST(r AS DOUBLE)")},
      {"dp::text", DuckDbFloatText("dp")},
      {"bo::text", "CAST(bo AS VARCHAR)"},
      {"CASE WHEN isfinite(d) THEN to_char(d, 'YYYY-MM-DD') END", "strftime(d, '%Y-%m-%d')"},
      {"CASE WHEN isfinite(ts) THEN ((extract(epoch FROM ts) * 1000000)::bigint)::text END",
       "CAST(epoch_us(ts) AS VARCHAR)"},
      {"CASE WHEN isfinite(tstz) THEN ((extract(epoch FROM tstz) * 1000000)::bigint)::text END",
       "CAST(epoch_us(tstz) AS VARCHAR)"},
      {"((extract(epoch FROM tm) * 1000000)::bigint)::text", "CAST(epoch_us(tm) AS VARCHAR)"},
      {"tx", "tx"},
      {"vc", "vc"},
      {"format('%s', ch)", "coalesce(ch, '')"},
      {"ci::text", "ci"},
      {"mood::text", "mood"},
      {"amount::text", "CAST(amount AS VARCHAR)"},
      {"js::text", "CAST(js AS VARCHAR)"},
      {"jb::text", "CAST(jb AS VARCHAR)"},
      {"encode(by, 'hex')", "lower(hex(\"by\"))"},
      {"uu::text", "uu"},
      {"array_to_json(ia)::text", "CAST(ia AS VARCHAR)"},
      {"array_to_json(ta)::text", "CAST(ta AS VARCHAR)"},
      {"array_to_json(nest)::text", "CAST(nest AS VARCHAR)"},
      {"array_to_json(na)::text", "CAST(na AS VARCHAR)"},
      {"iv::text", "iv"},
      {"CASE WHEN ip IS NOT NULL THEN format('%s', ip) END", "ip"},
  };
  ExpectTargetEqualsSource(project, table, columns);
}

// numeric without precision (and past 38 digits) arrives as its exact text,
// so NaN and ±Infinity arrive as PostgreSQL spells them, like a double's.
TEST_F(PostgresSync, NaNAndInfinityOfATextNumericArriveAsPostgreSqlSpellsThem) {
  std::string table = UniqueName("sync_nan");
  fixture_->Exec("DROP TABLE IF EXISTS " + table + "; CREATE TABLE " + table +
                 " (id int PRIMARY KEY, any_n numeric, wide numeric(60,20), amount numeric(12,2));"
                 "INSERT INTO " + table + " VALUES (1, 'NaN', 'NaN', 1), (2, 'Infinity', 1.5, 2), "
                 "(3, '-Infinity', NULL, NULL), (4, -2.50, -3, 4), (5, NULL, 0, 5);");
  EmbeddedProject project("pg_nan");
  Configure(project, "  " + table + ": {cdc_strategy: id_only, cdc_id_column: id}\n");
  nlohmann::json report = project.Sync();
  ASSERT_EQ(report.value("status", ""), "success") << report.dump(2);
  EXPECT_EQ(ResultOf(report, table).at("rows_loaded"), 5);
  ExpectTargetEqualsSource(project, table,
                           {{"id::text", "CAST(id AS VARCHAR)"}, {"any_n::text", "any_n"}, {"wide::text", "wide"},
                            {"amount::text", "CAST(amount AS VARCHAR)"}});
  EXPECT_EQ(JoinAll(project.TargetRows("SELECT typeof(any_n), typeof(wide) FROM " + table + " LIMIT 1")),
            (std::vector<std::string>{"VARCHAR|VARCHAR"}));
}

TEST_F(PostgresSync, HybridOverInsertsUpdatesAndTiesEndsWithTargetEqualToSource) {
  std::string table = UniqueName("sync_hybrid");
  fixture_->Exec(For(kCreateOrders, table) + InsertOrders(table, 1, 3000));
  EmbeddedProject project("pg_hybrid");
  Configure(project, "  " + table + ": {cdc_strategy: hybrid, cdc_timestamp_column: updated_at, cdc_id_column: id}\n");
  nlohmann::json first = project.Sync();
  EXPECT_EQ(ResultOf(first, table).at("rows_extracted"), 3000);
  ExpectTargetEqualsSource(project, table);
  fixture_->Exec("UPDATE " + table + " SET amount = 1.11, note = 'updated', updated_at = '2025-02-01 00:00:00+00' "
                 "WHERE id % 50 = 0;" + InsertOrders(table, 3001, 3500, "2025-02-01"));
  nlohmann::json second = project.Sync();
  EXPECT_EQ(ResultOf(second, table).at("rows_extracted"), 60 + 500);
  ExpectTargetEqualsSource(project, table);
}

TEST_F(PostgresSync, TimestampOnlyReadsTieGroupsWholeAndPicksUpUpdates) {
  std::string table = UniqueName("sync_ts_only");
  // 61 rows share each second here: every 500-row chunk ends inside a tie group.
  fixture_->Exec(For(kCreateOrders, table) + For("INSERT INTO {t} SELECT i, timestamptz '2025-01-01 00:00:00+00' + "
                                                 "(i / 61) * interval '1 second', i / 4.0, 'n' || i FROM "
                                                 "generate_series(1, 2000) i;", table));
  EmbeddedProject project("pg_ts_only");
  Configure(project, "  " + table + ": {cdc_strategy: timestamp_only, cdc_timestamp_column: updated_at, "
                     "primary_key: [id]}\n");
  nlohmann::json first = project.Sync();
  EXPECT_EQ(ResultOf(first, table).at("rows_extracted"), 2000);
  ExpectTargetEqualsSource(project, table);
  fixture_->Exec("UPDATE " + table + " SET note = 'changed', updated_at = '2025-03-01 00:00:00+00' WHERE id % 9 = 0;" +
                 For("INSERT INTO {t} SELECT i, '2025-03-01 00:00:00+00', 7, 'tie' FROM generate_series(2001, 2100) i;",
                     table));
  project.Sync();
  ExpectTargetEqualsSource(project, table);
}

// Rows with a NULL cursor column are counted in the report; id_only on a
// nullable column counts its NULL ids the same way.
TEST_F(PostgresSync, RowsWithANullCursorAreCounted) {
  std::string table = UniqueName("sync_null_cursor");
  fixture_->Exec("CREATE TABLE " + table + " (id bigint PRIMARY KEY, seq bigint UNIQUE, seen timestamptz);" +
                 "INSERT INTO " + table + " SELECT i, CASE WHEN i % 10 = 0 THEN NULL ELSE i END, "
                 "CASE WHEN i % 4 = 0 THEN NULL ELSE timestamptz '2025-01-01 00:00:00+00' + i * interval '1 second' "
                 "END FROM generate_series(1, 100) i;");
  EmbeddedProject project("pg_null_cursor");
  Configure(project, "  " + table + ": {cdc_strategy: timestamp_only, cdc_timestamp_column: seen, primary_key: [id]}\n");
  nlohmann::json by_time = project.Sync();
  EXPECT_EQ(ResultOf(by_time, table).at("null_cursor_rows"), 25);
  EXPECT_EQ(ResultOf(by_time, table).at("rows_extracted"), 75);

  EmbeddedProject by_seq_project("pg_null_cursor_seq");
  Configure(by_seq_project, "  " + table + ": {cdc_strategy: id_only, cdc_id_column: seq, primary_key: [id]}\n");
  nlohmann::json by_seq = by_seq_project.Sync();
  EXPECT_EQ(ResultOf(by_seq, table).at("null_cursor_rows"), 10);
}

TEST_F(PostgresSync, FullSyncReplaceFollowsDeletesUpdatesAndInserts) {
  std::string table = UniqueName("sync_full");
  fixture_->Exec(For(kCreateOrders, table) + InsertOrders(table, 1, 1800));
  EmbeddedProject project("pg_full");
  Configure(project, "  " + table + ": {cdc_strategy: full_sync, full_sync_mode: replace}\n");
  nlohmann::json first = project.Sync();
  EXPECT_EQ(ResultOf(first, table).at("rows_extracted"), 1800);
  ExpectTargetEqualsSource(project, table);
  fixture_->Exec("DELETE FROM " + table + " WHERE id % 3 = 0; UPDATE " + table + " SET note = 'x' WHERE id % 5 = 0;" +
                 InsertOrders(table, 5000, 5100));
  project.Sync();
  ExpectTargetEqualsSource(project, table);
}

TEST_F(PostgresSync, CustomSqlWithBoundCursorsEndsWithTargetEqualToSource) {
  std::string table = UniqueName("sync_custom");
  fixture_->Exec(For(kCreateOrders, table) + InsertOrders(table, 1, 1200));
  EmbeddedProject project("pg_custom");
  Configure(project, "  " + table + ":\n    cdc_strategy: custom_sql\n    cdc_timestamp_column: updated_at\n"
                     "    primary_key: [id]\n    custom_sql: >\n      SELECT id, updated_at, amount, note FROM " + table +
                     "\n      WHERE updated_at > {{last_timestamp}} AND updated_at <= {{ceiling_timestamp}}\n");
  nlohmann::json first = project.Sync();
  EXPECT_EQ(ResultOf(first, table).at("rows_extracted"), 1200);
  ExpectTargetEqualsSource(project, table);
  fixture_->Exec("UPDATE " + table + " SET note = 'late change', updated_at = '2025-05-01 00:00:00+00' WHERE id < 40;" +
                 InsertOrders(table, 1201, 1300, "2025-05-01"));
  nlohmann::json second = project.Sync();
  EXPECT_EQ(ResultOf(second, table).at("rows_extracted"), 39 + 100);
  ExpectTargetEqualsSource(project, table);
}

// PostgreSQL's own quotes and comments (dollar quotes, E'' strings, nested
// block comments) keep text that looks like a placeholder: it reaches the
// server as written, only the real placeholders are bound, and the rows arrive.
TEST_F(PostgresSync, CustomSqlPlaceholdersInsideLiteralsAndCommentsAreLeftAsText) {
  std::string table = UniqueName("sync_custom_text");
  fixture_->Exec(For(kCreateOrders, table) + InsertOrders(table, 1, 300));
  EmbeddedProject project("pg_custom_text");
  Configure(project, "  " + table + ":\n    cdc_strategy: custom_sql\n    cdc_timestamp_column: updated_at\n"
                     "    primary_key: [id]\n    custom_sql: |\n      SELECT id, updated_at, amount, note FROM " + table +
                     " -- rows after {{last_id}}\n"
                     "      WHERE coalesce(note, '') <> $q$ {{ceiling_id}} $q$ AND coalesce(note, '') <> E'\\' {{last_id}}'\n"
                     "        /* outer /* {{ceiling_id}} */ {{last_id}} */ AND updated_at > {{last_timestamp}}\n"
                     "        AND updated_at <= {{ceiling_timestamp}}\n");
  CommandResult validated = project.Sluice({"config", "validate"});
  EXPECT_EQ(validated.exit_code, 0) << validated.out << validated.err;
  nlohmann::json report = project.Sync();
  ASSERT_EQ(report.value("status", ""), "success") << report.dump(2);
  EXPECT_EQ(ResultOf(report, table).at("rows_extracted"), 300);
  ExpectTargetEqualsSource(project, table);
}

// The server log (log_statement for one role) counts the statements a run sends.
class QueryLog {
 public:
  QueryLog(PgFixture& fixture, const ServerEnv& server, const std::string& table) : server_(server) {
    role_ = UniqueName("sluice_logged");
    fixture.Exec("DROP ROLE IF EXISTS " + role_ + "; CREATE ROLE " + role_ + " LOGIN PASSWORD 'logged-pw';"
                 "ALTER ROLE " + role_ + " SET log_statement = 'all'; GRANT SELECT ON " + table + " TO " + role_ + ";");
    path_ = server.socket + "/server.log";
    struct stat info{};
    if (::stat(path_.c_str(), &info) != 0) ADD_FAILURE() << "cannot read the server log " << path_;
    start_ = static_cast<size_t>(info.st_size);
  }
  ServerEnv Server() const {
    ServerEnv logged = server_;
    logged.user = role_;
    logged.password = "logged-pw";
    return logged;
  }
  // Lines logged since construction that contain every one of `parts`.
  int Count(const std::vector<std::string>& parts) const {
    std::ifstream in(path_);
    in.seekg(static_cast<std::streamoff>(start_));
    std::string line;
    int count = 0;
    while (std::getline(in, line)) {
      bool all = true;
      for (const std::string& part : parts) all = all && line.find(part) != std::string::npos;
      count += all ? 1 : 0;
    }
    return count;
  }

 private:
  ServerEnv server_;
  std::string role_;
  std::string path_;
  size_t start_ = 0;
};

TEST_F(PostgresSync, IdGapsCostNothingAndLoseNothing) {
  std::string table = UniqueName("sync_gaps");
  fixture_->Exec(For(kCreateOrders, table) + InsertOrders(table, 1, 1000) + InsertOrders(table, 50000, 100000));
  QueryLog log(*fixture_, server_, table);
  EmbeddedProject project("pg_gaps");
  project.WriteConfig("  " + table + ": {cdc_strategy: id_only, cdc_id_column: id}\n", "batch_size: 1000",
                      "partition_strategy: table", SourceYaml(log.Server()));
  nlohmann::json report = project.Sync();
  EXPECT_EQ(ResultOf(report, table).at("rows_extracted"), 1000 + 50001);
  ExpectTargetEqualsSource(project, table);
  // 51 001 rows in pages of 1000: 51 full pages and one of a single row, and no probing of empty id ranges.
  EXPECT_EQ(log.Count({"statement: COPY (SELECT", table}), 52);
  EXPECT_LE(log.Count({"statement:", table}), 52 + 3);  // plus the ceiling and the catalog lookups
  fixture_->Exec(InsertOrders(table, 100001, 100500));
  nlohmann::json second = project.Sync();
  EXPECT_EQ(ResultOf(second, table).at("rows_extracted"), 500);
  ExpectTargetEqualsSource(project, table);
}

TEST_F(PostgresSync, ALateCommitWithAnOlderTimestampIsPickedUpWithLookback) {
  std::string with_lookback = UniqueName("sync_late");
  std::string without = UniqueName("sync_late_missed");
  // Stamped by the clock: 700 rows up to 5 minutes ago.
  for (const std::string& table : {with_lookback, without}) {
    fixture_->Exec(For(kCreateOrders, table) + InsertOrders(table, 1, 700) + "; UPDATE " + table +
                   " SET updated_at = now() - interval '1 second' * (1000 - id)");
  }
  EmbeddedProject project("pg_late");
  Configure(project, "  " + with_lookback + ": {cdc_strategy: hybrid, cdc_timestamp_column: updated_at, "
                     "cdc_id_column: id, lookback_seconds: 3600}\n  " + without +
                     ": {cdc_strategy: hybrid, cdc_timestamp_column: updated_at, cdc_id_column: id, "
                     "lookback_seconds: 0}\n");
  project.Sync();
  // A writer stamps its row 250 s ago but commits only after rows stamped later (ids 701..760) were
  // committed and synced: its row lands behind the cursor.
  PgFixture late_writer(server_);
  late_writer.Exec("BEGIN");
  for (const std::string& table : {with_lookback, without}) {
    late_writer.Exec("INSERT INTO " + table + " VALUES (5000, now() - interval '250 seconds', 9.99, 'late')");
    fixture_->Exec(InsertOrders(table, 701, 760) + "; UPDATE " + table +
                   " SET updated_at = now() - interval '1 second' * (900 - id) WHERE id BETWEEN 701 AND 760");
  }
  project.Sync();
  late_writer.Exec("COMMIT");
  nlohmann::json third = project.Sync();
  EXPECT_GE(ResultOf(third, with_lookback).at("rows_extracted"), 1);
  ExpectTargetEqualsSource(project, with_lookback);
  // Without lookback the late row sits behind the cursor and is never read: what lookback is for.
  EXPECT_EQ(SourceRows(without, kOrderColumns).size(), TargetRows(project, without, kOrderColumns).size() + 1);
}

}  // namespace
}  // namespace sluice::testing
