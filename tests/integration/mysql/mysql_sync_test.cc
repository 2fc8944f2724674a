// MariaDB -> Parquet in a local store -> DuckDB, through the real `sluice`
// binary: every type compared value by value, every strategy over inserts,
// updates, ties, id gaps and late commits ending with target = source, and
// `connections test`.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "mysql_client.h"
#include "mysql_test_util.h"

namespace sluice::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

const nlohmann::json& ResultOf(const nlohmann::json& report, const std::string& table) {
  return report.at("table_results").at(table);
}

class MySqlSyncTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = MySqlServer();
    ASSERT_FALSE(server_.host.empty());
    client_ = std::make_unique<MySqlClient>(server_);
  }

  ServerEnv server_;
  std::unique_ptr<MySqlClient> client_;
};

// ---- every type -------------------------------------------------------------

constexpr const char* kTypesTable = R"(
CREATE TABLE e2e_types (
  id INT PRIMARY KEY,
  c_tiny TINYINT, c_tiny_u TINYINT UNSIGNED, c_small SMALLINT, c_small_u SMALLINT UNSIGNED,
  c_medium MEDIUMINT, c_medium_u MEDIUMINT UNSIGNED, c_int INT, c_int_u INT UNSIGNED,
  c_big BIGINT, c_big_u BIGINT UNSIGNED,
  c_dec DECIMAL(12,2), c_dec38 DECIMAL(38,10), c_dec65 DECIMAL(65,30),
  c_float FLOAT, c_double DOUBLE,
  c_bit1 BIT(1), c_bit12 BIT(12), c_bit64 BIT(64),
  c_date DATE, c_datetime DATETIME(6), c_timestamp TIMESTAMP(6) NULL, c_time TIME(6), c_year YEAR,
  c_char CHAR(5), c_varchar VARCHAR(20), c_text TEXT, c_enum ENUM('small','large'), c_set SET('a','b','c'),
  c_json JSON, c_binary BINARY(4), c_varbinary VARBINARY(10), c_blob LONGBLOB, c_geometry GEOMETRY
) CHARACTER SET utf8mb4)";

// TIME beyond a day and negative: see TimeOutsideOneDay... below.
constexpr const char* kTypesRows = R"(
INSERT INTO e2e_types VALUES
 (1, 127, 255, 32767, 65535, 8388607, 16777215, 2147483647, 4294967295,
  9223372036854775807, 18446744073709551615,
  9999999999.99, 9999999999999999999999999999.9999999999,
  99999999999999999999999999999999999.999999999999999999999999999999,
  0.1, 1.7976931348623157e308,
  b'1', b'101010101010', b'1111111111111111111111111111111111111111111111111111111111111111',
  '9999-12-31', '9999-12-31 23:59:59.999999', '2038-01-19 03:14:07.999999', '23:59:59.999999', 2155,
  'abc', 'x😀y ünï', 'line1\nline2\t"q"', 'large', 'a,c', '{"k": [1, 2.5, "😀"], "n": null}',
  x'00FF0000', x'00', x'DEADBEEF', ST_GeomFromText('POINT(1 2)')),
 (2, -128, 0, -32768, 0, -8388608, 0, -2147483648, 0,
  -9223372036854775808, 0,
  -9999999999.99, -9999999999999999999999999999.9999999999,
  -0.000000000000000000000000000001,
  -0.25, 2.2250738585072014e-308,
  b'0', b'000000000001', x'0123456789ABCDEF',
  '0001-01-01', '1000-01-01 00:00:00.000001', '1970-01-01 00:00:01.000001', '00:00:00', 1901,
  '', '', '', 'small', '', '[]', x'00000000', x'', x'', ST_GeomFromText('LINESTRING(0 0, 1.5 -2)')),
 (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
 (4, 0, 1, 0, 1, 0, 1, 0, 1, 0, 9223372036854775808, 0.00, 0, 0, 0, 0, b'0', b'0', b'0',
  '2024-02-29', '2024-02-29 12:00:00', '2024-02-29 12:00:00.5', '12:34:56.5', 1970,
  'a', 'a', 'a', NULL, 'a,b,c', '{}', x'01020304', x'FF', REPEAT(x'00FF7F80', 4194304), NULL))";

// One comparison per column: the same value as text on each side. Floats compare as numbers.
struct ColumnCheck {
  const char* mysql;
  const char* duckdb;
  bool numeric = false;
};

const std::vector<ColumnCheck>& TypeChecks() {
  static const std::vector<ColumnCheck> checks = {
      {"id", "id"}, {"c_tiny", "c_tiny"}, {"c_tiny_u", "c_tiny_u"}, {"c_small", "c_small"},
      {"c_small_u", "c_small_u"}, {"c_medium", "c_medium"}, {"c_medium_u", "c_medium_u"}, {"c_int", "c_int"},
      {"c_int_u", "c_int_u"}, {"c_big", "c_big"}, {"c_big_u", "CAST(c_big_u AS VARCHAR)"},
      {"c_dec", "CAST(c_dec AS VARCHAR)"}, {"c_dec38", "CAST(c_dec38 AS VARCHAR)"}, {"c_dec65", "c_dec65"},
      {"c_float", "CAST(c_float AS VARCHAR)", true}, {"c_double", "CAST(c_double AS VARCHAR)", true},
      {"CAST(c_bit1 AS UNSIGNED)", "CAST(c_bit1 AS INTEGER)"}, {"CAST(c_bit12 AS SIGNED)", "c_bit12"},
      {"CAST(c_bit64 AS SIGNED)", "c_bit64"}, {"c_date", "CAST(c_date AS VARCHAR)"},
      {"TIMESTAMPDIFF(MICROSECOND, '1970-01-01', c_datetime)", "epoch_us(c_datetime)"},
      {"TIMESTAMPDIFF(MICROSECOND, '1970-01-01', c_timestamp)", "epoch_us(c_timestamp)"},
      {"HOUR(c_time) * 3600000000 + MINUTE(c_time) * 60000000 + SECOND(c_time) * 1000000 + MICROSECOND(c_time)",
       "hour(c_time) * 3600000000 + minute(c_time) * 60000000 + microsecond(c_time)"},
      {"c_year + 0", "c_year"}, {"c_char", "c_char"}, {"c_varchar", "c_varchar"}, {"c_text", "c_text"},
      {"c_enum", "c_enum"}, {"c_set", "c_set"}, {"c_json", "CAST(c_json AS VARCHAR)"}, {"HEX(c_binary)", "hex(c_binary)"},
      {"HEX(c_varbinary)", "hex(c_varbinary)"}, {"MD5(c_blob)", "md5(c_blob)"},
      {"HEX(ST_AsBinary(c_geometry))", "hex(c_geometry)"},
  };
  return checks;
}

TEST_F(MySqlSyncTest, EveryTypeArrivesInDuckDbValueByValue) {
  client_->Exec("DROP TABLE IF EXISTS e2e_types");
  client_->Exec(kTypesTable);
  client_->Exec(kTypesRows);
  EmbeddedProject project("mysql_types");
  project.WriteConfig("  e2e_types: {cdc_strategy: id_only, cdc_id_column: id}\n", "batch_size: 2",
                      "partition_strategy: table", server_.SourceYaml("mysql", "ssl: {mode: disabled}"));
  nlohmann::json report = project.Sync();
  ASSERT_EQ(report.value("status", ""), "success") << report.dump(2);
  EXPECT_EQ(ResultOf(report, "e2e_types").at("rows_loaded"), 4);

  std::string mysql_select = "SELECT ";
  std::string duckdb_select = "SELECT ";
  for (size_t column_idx = 0; column_idx < TypeChecks().size(); ++column_idx) {
    mysql_select += std::string(column_idx ? ", " : "") + TypeChecks()[column_idx].mysql;
    duckdb_select += std::string(column_idx ? ", " : "") + TypeChecks()[column_idx].duckdb;
  }
  std::vector<Row> expected = client_->Rows(mysql_select + " FROM e2e_types ORDER BY id");
  std::vector<Row> actual = project.TargetRows(duckdb_select + " FROM e2e_types ORDER BY id");
  ASSERT_EQ(actual.size(), expected.size());
  for (size_t row = 0; row < expected.size(); ++row) {
    ASSERT_EQ(actual[row].size(), expected[row].size());
    for (size_t column_idx = 0; column_idx < expected[row].size(); ++column_idx) {
      const ColumnCheck& check = TypeChecks()[column_idx];
      const auto& want = expected[row][column_idx];
      const auto& got = actual[row][column_idx];
      if (check.numeric && want && got) {
        EXPECT_EQ(std::stod(*got), std::stod(*want)) << "row " << row + 1 << ", " << check.mysql;
      } else {
        EXPECT_EQ(got, want) << "row " << row + 1 << ", " << check.mysql;
      }
    }
  }
  // The 16 MiB BLOB and the 4-byte characters are really there, not just equal hashes of nothing.
  EXPECT_EQ(project.TargetRows("SELECT octet_length(c_blob) FROM e2e_types WHERE id = 4")[0][0], "16777216");
  EXPECT_EQ(project.TargetRows("SELECT c_varchar FROM e2e_types WHERE id = 1")[0][0], "x😀y ünï");
}

TEST_F(MySqlSyncTest, TimeOutsideOneDayAndNegativeArrivesAsExactMicroseconds) {
  client_->Exec("DROP TABLE IF EXISTS e2e_long_time");
  client_->Exec("CREATE TABLE e2e_long_time (id INT PRIMARY KEY, duration TIME(6));"
                "INSERT INTO e2e_long_time VALUES (1, '10:00:00'), (2, '-01:30:00.25'), (3, '100:00:00.000001'),"
                " (4, '838:59:59.999999'), (5, '-838:59:59.999999'), (6, NULL), (7, '00:00:00')");
  EmbeddedProject project("mysql_long_time");
  project.WriteConfig("  e2e_long_time: {cdc_strategy: id_only, cdc_id_column: id}\n", "batch_size: 100",
                      "partition_strategy: table", server_.SourceYaml("mysql", "ssl: {mode: disabled}"));
  nlohmann::json report = project.Sync();
  ASSERT_EQ(report.value("status", ""), "success") << report.dump(2);
  std::vector<std::string> source = JoinAll(client_->Rows(
      "SELECT id, CAST(TIME_TO_SEC(duration) * 1000000 AS SIGNED) FROM e2e_long_time ORDER BY id"));
  EXPECT_EQ(source[2], "3|360000000001");  // the fixture really holds what the test claims
  EXPECT_EQ(JoinAll(project.TargetRows("SELECT id, epoch_us(duration) FROM e2e_long_time ORDER BY id")), source);
}

TEST_F(MySqlSyncTest, ZeroDatesAreNulledAndCountedInTheRunReport) {
  client_->Exec("DROP TABLE IF EXISTS e2e_zero");
  client_->Exec("CREATE TABLE e2e_zero (id INT PRIMARY KEY, shipped_at DATE, seen DATETIME);"
                "INSERT INTO e2e_zero VALUES (1, '2024-01-01', '2024-01-01 10:00:00'), (2, '0000-00-00', NULL),"
                " (3, '2024-00-10', '0000-00-00 00:00:00')");
  EmbeddedProject project("mysql_zero");
  project.WriteConfig("  e2e_zero: {cdc_strategy: full_sync}\n", "batch_size: 100", "partition_strategy: table",
                      server_.SourceYaml("mysql", "ssl: {mode: disabled}"));
  nlohmann::json report = project.Sync();
  ASSERT_EQ(report.value("status", ""), "success") << report.dump(2);
  EXPECT_EQ(ResultOf(report, "e2e_zero").at("zero_dates_nulled"), 3);
  EXPECT_EQ(JoinAll(project.TargetRows("SELECT id, shipped_at, seen FROM e2e_zero ORDER BY id")),
            (std::vector<std::string>{"1|2024-01-01|2024-01-01 10:00:00", "2|NULL|NULL", "3|NULL|NULL"}));

  project.WriteConfig("  e2e_zero: {cdc_strategy: full_sync}\n", "batch_size: 100, zero_dates: error",
                      "partition_strategy: table", server_.SourceYaml("mysql", "ssl: {mode: disabled}"));
  report = project.Sync({}, 1);
  ASSERT_FALSE(report.is_null());
  EXPECT_THAT(ResultOf(report, "e2e_zero").at("error").get<std::string>(),
              HasSubstr("table e2e_zero, column shipped_at, row id=2: zero date '0000-00-00'"));
}

// A zero date sorts below every real date, so like NULL it is never past
// a cursor: both are counted (null_cursor_rows), even in a NOT NULL column.
TEST_F(MySqlSyncTest, RowsWithNoCursorValueAreCountedZeroDatesIncluded) {
  client_->Exec("DROP TABLE IF EXISTS e2e_nullcur");
  client_->Exec("CREATE TABLE e2e_nullcur (id INT PRIMARY KEY, updated_at DATETIME NOT NULL, seen DATETIME NULL);"
                "INSERT INTO e2e_nullcur VALUES (1, '2025-01-01 00:00:00', NULL), (2, '0000-00-00 00:00:00', "
                "'2025-01-01 00:00:00'), (3, '2025-01-01 00:00:01', NULL), (4, '2025-01-01 00:00:02', "
                "'2025-01-01 00:00:03')");
  EmbeddedProject project("mysql_null_cursor");
  std::string source = server_.SourceYaml("mysql", "ssl: {mode: disabled}");
  project.WriteConfig("  e2e_nullcur: {cdc_strategy: hybrid, cdc_timestamp_column: seen, cdc_id_column: id}\n",
                      "batch_size: 100", "partition_strategy: table", source);
  nlohmann::json report = project.Sync();
  EXPECT_EQ(ResultOf(report, "e2e_nullcur").at("null_cursor_rows"), 2);
  EXPECT_EQ(JoinAll(project.TargetRows("SELECT id FROM e2e_nullcur ORDER BY id")),
            (std::vector<std::string>{"2", "4"}));

  project.WriteConfig("  e2e_nullcur: {cdc_strategy: hybrid, cdc_timestamp_column: updated_at, cdc_id_column: id, "
                      "processing: {null_cursor: error}}\n",
                      "batch_size: 100", "partition_strategy: table", source);
  report = project.Sync({}, 1);
  ASSERT_FALSE(report.is_null());
  EXPECT_THAT(ResultOf(report, "e2e_nullcur").at("error").get<std::string>(),
              HasSubstr("table e2e_nullcur: 1 rows have updated_at NULL (or a MySQL zero date)"));
}

// ---- strategies -------------------------------------------------------------

constexpr const char* kCreate =
    "CREATE TABLE {t} (id BIGINT PRIMARY KEY, updated_at DATETIME(6) NOT NULL, amount DECIMAL(12,2), "
    "note VARCHAR(100), INDEX (updated_at, id))";

// Rows first..last; 7 rows share each second, so ties straddle chunk edges.
std::string InsertRows(const std::string& table, int first, int last, const std::string& day = "2025-01-01") {
  return For(fmt::format("INSERT INTO {{t}} SELECT seq, TIMESTAMP('{}') + INTERVAL (seq DIV 7) SECOND, "
                         "IF(seq % 11 = 0, NULL, (seq % 10000) / 100 + 0.25), IF(seq % 13 = 0, NULL, CONCAT('note ', seq)) "
                         "FROM seq_{}_to_{}",
                         day, first, last),
             table);
}

// MySQL's own quotes and comments (backticks, backslash escapes, # and "-- "
// comments) keep text that looks like a placeholder: it reaches the server
// as written, only the real placeholders are bound, and the rows arrive.
TEST_F(MySqlSyncTest, CustomSqlPlaceholdersInsideLiteralsAndCommentsAreLeftAsText) {
  client_->Exec("DROP TABLE IF EXISTS s_text");
  client_->Exec(For(kCreate, "s_text"));
  client_->Exec(InsertRows("s_text", 1, 300));
  EmbeddedProject project("mysql_custom_text");
  project.WriteConfig(
      "  s_text:\n    cdc_strategy: custom_sql\n    cdc_timestamp_column: updated_at\n    primary_key: [id]\n"
      "    custom_sql: |\n"
      "      SELECT id, updated_at, amount, note FROM s_text # rows after {{last_id}}\n"
      "      WHERE COALESCE(note, '') <> 'it\\'s {{ceiling_id}}' -- {{last_id}}\n"
      "        AND `id` > -1 /* {{ceiling_id}} */ AND updated_at > {{last_timestamp}}\n"
      "        AND updated_at <= {{ceiling_timestamp}}\n",
      "batch_size: 100", "partition_strategy: table", server_.SourceYaml("mysql", "ssl: {mode: disabled}"));
  CommandResult validated = project.Sluice({"config", "validate"});
  EXPECT_EQ(validated.exit_code, 0) << validated.out << validated.err;
  nlohmann::json report = project.Sync();
  ASSERT_EQ(report.value("status", ""), "success") << report.dump(2);
  EXPECT_EQ(ResultOf(report, "s_text").at("rows_extracted"), 300);
  EXPECT_EQ(TargetOf(project, "s_text"), SourceOf(*client_, "s_text"));
}

TEST_F(MySqlSyncTest, EveryStrategyOverInsertsUpdatesAndTiesEndsWithTargetEqualToSource) {
  const std::vector<std::string> tables = {"s_h", "s_t", "s_i", "s_f", "s_c"};
  for (const std::string& table : tables) {
    client_->Exec("DROP TABLE IF EXISTS " + table);
    client_->Exec(For(kCreate, table));
    client_->Exec(InsertRows(table, 1, 1500));
  }
  EmbeddedProject project("mysql_strategies");
  project.WriteConfig(
      "  s_h: {cdc_strategy: hybrid, cdc_timestamp_column: updated_at, cdc_id_column: id}\n"
      "  s_t: {cdc_strategy: timestamp_only, cdc_timestamp_column: updated_at}\n"
      "  s_i: {cdc_strategy: id_only, cdc_id_column: id}\n"
      "  s_f: {cdc_strategy: full_sync, full_sync_mode: replace}\n"
      "  s_c:\n    cdc_strategy: custom_sql\n    cdc_timestamp_column: updated_at\n    primary_key: [id]\n"
      "    custom_sql: SELECT * FROM s_c WHERE updated_at > {{last_timestamp}} AND updated_at <= "
      "{{ceiling_timestamp}}\n",
      "batch_size: 200", "partition_strategy: table", server_.SourceYaml("mysql", "ssl: {mode: disabled}"));
  nlohmann::json first = project.Sync();
  ASSERT_EQ(first.value("status", ""), "success") << first.dump(2);
  for (const std::string& table : tables) {
    EXPECT_EQ(ResultOf(first, table).at("rows_loaded"), 1500) << table;
    EXPECT_EQ(TargetOf(project, table), SourceOf(*client_, table)) << table;
  }
  // Updates (id_only is for append-only tables and does not see them) into one tie group of
  // ~214 rows, more than a chunk; inserts; deletes (seen by the full copy).
  for (const char* table : {"s_h", "s_t", "s_f", "s_c"}) {
    client_->Exec(For("UPDATE {t} SET note = 'changed', updated_at = '2025-03-01 00:00:00' WHERE id % 7 = 3", table));
  }
  for (const std::string& table : tables) client_->Exec(InsertRows(table, 1501, 1800, "2025-03-01"));
  client_->Exec("DELETE FROM s_f WHERE id % 10 = 0");
  nlohmann::json second = project.Sync();
  ASSERT_EQ(second.value("status", ""), "success") << second.dump(2);
  for (const std::string& table : tables) EXPECT_EQ(TargetOf(project, table), SourceOf(*client_, table)) << table;
  EXPECT_EQ(ResultOf(second, "s_i").at("rows_extracted"), 300);
}

TEST_F(MySqlSyncTest, IdGapsSyncInOneRunWithQueriesProportionalToRows) {
  client_->Exec("DROP TABLE IF EXISTS s_gaps");
  client_->Exec(For(kCreate, "s_gaps"));
  client_->Exec(InsertRows("s_gaps", 1, 1000));
  client_->Exec(InsertRows("s_gaps", 50000, 100000));
  EmbeddedProject project("mysql_gaps");
  project.WriteConfig("  s_gaps: {cdc_strategy: id_only, cdc_id_column: id}\n", "batch_size: 1000",
                      "partition_strategy: table", server_.SourceYaml("mysql", "ssl: {mode: disabled}"));
  // The server's general log counts the statements that name this table, so other tests
  // running against the same server at the same time do not disturb the count.
  client_->Exec("SET GLOBAL log_output = 'TABLE'");
  client_->Exec("TRUNCATE TABLE mysql.general_log");
  client_->Exec("SET GLOBAL general_log = 1");
  nlohmann::json report = project.Sync({"--backup-only"});
  client_->Exec("SET GLOBAL general_log = 0");
  int64_t executes = std::stoll(client_->Scalar(
      "SELECT COUNT(*) FROM mysql.general_log WHERE command_type IN ('Execute', 'Query') "
      "AND CONVERT(argument USING utf8mb4) LIKE '%s\\_gaps%'"));
  ASSERT_EQ(report.value("status", ""), "success") << report.dump(2);
  EXPECT_EQ(ResultOf(report, "s_gaps").at("rows_extracted"), 51001);
  // 51 001 rows in chunks of 1000 need 52 range queries; the rest is the catalog and the
  // ceiling (and this test's own SET GLOBAL). Probing the empty 1001..49999 range in id windows would add ~49 more.
  constexpr int64_t kChunkQueries = 52;
  constexpr int64_t kOtherQueries = 8;
  EXPECT_GE(executes, kChunkQueries);
  EXPECT_LE(executes, kChunkQueries + kOtherQueries) << "statements executed by the run";
  nlohmann::json loaded = project.Sync({"--load-only"});
  ASSERT_EQ(loaded.value("status", ""), "success") << loaded.dump(2);
  EXPECT_EQ(TargetOf(project, "s_gaps"), SourceOf(*client_, "s_gaps"));
}

TEST_F(MySqlSyncTest, ALateCommitWithAnOlderTimestampIsPickedUpWithLookback) {
  client_->Exec("DROP TABLE IF EXISTS s_late");
  client_->Exec(For(kCreate, "s_late"));
  // Stamped by the writers' clock (the server's zone, as sluice assumes): 700 rows up to 5 minutes ago.
  client_->Exec(InsertRows("s_late", 1, 700));
  client_->Exec("UPDATE s_late SET updated_at = NOW(6) - INTERVAL (1000 - id) SECOND");
  EmbeddedProject project("mysql_late");
  project.WriteConfig(
      "  s_late: {cdc_strategy: hybrid, cdc_timestamp_column: updated_at, cdc_id_column: id, lookback_seconds: 600}\n",
      "batch_size: 100", "partition_strategy: table", server_.SourceYaml("mysql", "ssl: {mode: disabled}"));
  nlohmann::json first = project.Sync();
  ASSERT_EQ(first.value("status", ""), "success") << first.dump(2);
  // Committed after the first run, stamped before its cursor: transactions that began up to 400 s ago.
  client_->Exec("INSERT INTO s_late VALUES (701, NOW(6) - INTERVAL 400 SECOND, 7.01, 'late insert')");
  client_->Exec("UPDATE s_late SET note = 'late update', updated_at = NOW(6) - INTERVAL 350 SECOND WHERE id = 5");
  nlohmann::json second = project.Sync();
  ASSERT_EQ(second.value("status", ""), "success") << second.dump(2);
  EXPECT_EQ(TargetOf(project, "s_late"), SourceOf(*client_, "s_late"));
  EXPECT_EQ(JoinAll(project.TargetRows("SELECT count(*), count(DISTINCT id) FROM s_late")),
            (std::vector<std::string>{"701|701"}));
  // The window is what can have been written since the last run's clock minus the lookback: a third run
  // re-reads it again, and nothing is lost or doubled.
  nlohmann::json third = project.Sync();
  ASSERT_EQ(third.value("status", ""), "success") << third.dump(2);
  EXPECT_EQ(TargetOf(project, "s_late"), SourceOf(*client_, "s_late"));
}

TEST_F(MySqlSyncTest, IdOnlyReadsARowWhoseTransactionCommittedAfterALaterIdWasSynced) {
  // Ids are given out at insert, rows become visible at commit: a slow transaction holding id
  // N commits after N + 1 was synced. The id lookback (on by default with a primary key)
  // re-reads what can have been written since an earlier run, so N is not lost.
  client_->Exec("DROP TABLE IF EXISTS s_out_of_order");
  client_->Exec("CREATE TABLE s_out_of_order (id BIGINT AUTO_INCREMENT PRIMARY KEY, note VARCHAR(20))");
  client_->Exec("INSERT INTO s_out_of_order (note) SELECT CONCAT('row ', seq) FROM seq_1_to_1000");
  EmbeddedProject project("mysql_out_of_order");
  project.WriteConfig("  s_out_of_order: {cdc_strategy: id_only, cdc_id_column: id}\n", "batch_size: 100",
                      "partition_strategy: table", server_.SourceYaml("mysql", "ssl: {mode: disabled}"));
  ASSERT_EQ(project.Sync().value("status", ""), "success");
  MySqlClient slow(server_);
  slow.Exec("BEGIN");
  slow.Exec("INSERT INTO s_out_of_order (note) VALUES ('slow')");
  std::string slow_id = slow.Scalar("SELECT LAST_INSERT_ID()");
  client_->Exec("INSERT INTO s_out_of_order (note) VALUES ('fast')");  // a higher id, committed
  ASSERT_LT(std::stoll(slow_id), std::stoll(client_->Scalar("SELECT MAX(id) FROM s_out_of_order")));
  nlohmann::json during = project.Sync();
  ASSERT_EQ(during.value("status", ""), "success") << during.dump(2);
  slow.Exec("COMMIT");
  nlohmann::json after = project.Sync();
  ASSERT_EQ(after.value("status", ""), "success") << after.dump(2);
  std::string query = "SELECT id, note FROM s_out_of_order ORDER BY id";
  EXPECT_EQ(JoinAll(project.TargetRows(query)), JoinAll(client_->Rows(query)));
  EXPECT_EQ(JoinAll(project.TargetRows("SELECT count(*), count(DISTINCT id) FROM s_out_of_order")),
            (std::vector<std::string>{"1002|1002"}));
  // Without a lookback the same transaction is lost: what the default is for.
  client_->Exec("DROP TABLE IF EXISTS s_out_of_order_bare");
  client_->Exec("CREATE TABLE s_out_of_order_bare LIKE s_out_of_order");
  client_->Exec("INSERT INTO s_out_of_order_bare (note) SELECT CONCAT('row ', seq) FROM seq_1_to_1000");
  project.WriteConfig("  s_out_of_order_bare: {cdc_strategy: id_only, cdc_id_column: id, lookback_seconds: 0}\n",
                      "batch_size: 100", "partition_strategy: table",
                      server_.SourceYaml("mysql", "ssl: {mode: disabled}"));
  project.Sync();
  slow.Exec("BEGIN");
  slow.Exec("INSERT INTO s_out_of_order_bare (note) VALUES ('slow')");
  client_->Exec("INSERT INTO s_out_of_order_bare (note) VALUES ('fast')");
  project.Sync();
  slow.Exec("COMMIT");
  project.Sync();
  EXPECT_EQ(JoinAll(project.TargetRows("SELECT count(*) FROM s_out_of_order_bare")), (std::vector<std::string>{"1001"}));
}

// ---- watermark set: ids the column can hold ----------------------------

TEST_F(MySqlSyncTest, WatermarkSetRefusesAnIdTheColumnCannotHoldNamingItsTypeAndRange) {
  for (const char* table : {"wm_big_u", "wm_big", "wm_int"}) client_->Exec(std::string("DROP TABLE IF EXISTS ") + table);
  client_->Exec("CREATE TABLE wm_big_u (id BIGINT UNSIGNED PRIMARY KEY, note VARCHAR(10))");
  client_->Exec("CREATE TABLE wm_big (id BIGINT PRIMARY KEY, note VARCHAR(10))");
  client_->Exec("CREATE TABLE wm_int (id INT PRIMARY KEY, note VARCHAR(10))");
  for (const char* table : {"wm_big_u", "wm_big", "wm_int"}) {
    client_->Exec(std::string("INSERT INTO ") + table + " VALUES (1, 'a'), (2, 'b'), (3, 'c')");
  }
  EmbeddedProject project("mysql_watermark_range");
  project.WriteConfig(
      "  wm_big_u: {cdc_strategy: id_only, cdc_id_column: id}\n"
      "  wm_big: {cdc_strategy: id_only, cdc_id_column: id}\n"
      "  wm_int: {cdc_strategy: id_only, cdc_id_column: id}\n",
      "batch_size: 100", "partition_strategy: table", server_.SourceYaml("mysql", "ssl: {mode: disabled}"));
  ASSERT_EQ(project.Sync().value("status", ""), "success");  // records each column's type

  struct Refused {
    const char* table;
    const char* id;
    const char* message;
  };
  for (const Refused& refused : std::vector<Refused>{
           {"wm_big_u", "18446744073709551616",
            "--id: table wm_big_u: id 18446744073709551616 is outside the range of cdc_id_column 'id' (decimal(20,0) "
            "(bigint(20) unsigned): 0 to 18446744073709551615)"},
           {"wm_big_u", "-1", "(decimal(20,0) (bigint(20) unsigned): 0 to 18446744073709551615)"},
           {"wm_big", "9223372036854775808",
            "--id: table wm_big: id 9223372036854775808 is outside the range of cdc_id_column 'id' (int64 (bigint(20)): "
            "-9223372036854775808 to 9223372036854775807)"},
           {"wm_int", "2147483648",
            "--id: table wm_int: id 2147483648 is outside the range of cdc_id_column 'id' (int32 (int(11)): "
            "-2147483648 to 2147483647)"},
       }) {
    CommandResult result =
        project.Sluice({"watermark", "set", "-p", "test", "-t", refused.table, "--id", refused.id, "--yes"});
    EXPECT_EQ(result.exit_code, 2) << refused.table << " " << refused.id << ": " << result.out;
    EXPECT_THAT(result.err, HasSubstr(refused.message));
    CommandResult get = project.Sluice({"watermark", "get", "-p", "test", "-t", refused.table});
    EXPECT_THAT(get.out, HasSubstr("cursor:     timestamp none, id 3")) << "the refused set changed the cursor";
  }

  // The largest BIGINT UNSIGNED is a value of the column; past the table's maximum, the run says so.
  CommandResult set = project.Sluice(
      {"watermark", "set", "-p", "test", "-t", "wm_big_u", "--id", "18446744073709551615", "--yes"});
  ASSERT_EQ(set.exit_code, 0) << set.err;
  CommandResult run = project.Sluice({"sync", "-p", "test", "-t", "wm_big_u"});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_THAT(run.err, HasSubstr("table wm_big_u: the cursor (id 18446744073709551615) is ahead of the source: this "
                                 "run's ceiling, MAX(id) at its start, is 3"));

  // A stored cursor past 2^64 (an older sluice took it) stops the run, saying why, instead of reading nothing.
  std::string path = project.dir() + "/stage/test/watermarks/test/wm_big_u.json";
  std::ifstream in(path);
  nlohmann::json watermark = nlohmann::json::parse(in);
  in.close();
  watermark["cursor"]["id"] = "18446744073709551616";
  std::ofstream(path, std::ios::trunc) << watermark.dump(2);
  nlohmann::json report = project.Sync({"-t", "wm_big_u"}, 1);
  EXPECT_THAT(ResultOf(report, "wm_big_u").value("error", ""),
              HasSubstr("table wm_big_u: the watermark's cursor id 18446744073709551616 is outside the range of "
                        "cdc_id_column 'id' (decimal(20,0) (bigint(20) unsigned): 0 to 18446744073709551615)"));
}

TEST_F(MySqlSyncTest, ConnectionsTestReportsTheServerVersion) {
  EmbeddedProject project("mysql_connections");
  project.WriteConfig("  t: {cdc_strategy: full_sync}\n", "batch_size: 100", "partition_strategy: table",
                      server_.SourceYaml("mysql", "ssl: {mode: required}"));
  CommandResult result = project.Sluice({"connections", "test", "-c", "src"});
  EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_THAT(result.out, ::testing::MatchesRegex(R"((.|\n)*ok +source +src .*MariaDB 1[0-9]\.[0-9]+\.[0-9]+(.|\n)*)"));

  ServerEnv nowhere = server_;
  nowhere.port = 1;  // nothing listens there
  project.WriteConfig("  t: {cdc_strategy: full_sync}\n", "batch_size: 100", "partition_strategy: table",
                      nowhere.SourceYaml("mysql", "ssl: {mode: disabled}"));
  result = project.Sluice({"connections", "test", "-c", "src"});
  EXPECT_NE(result.exit_code, 0);
  EXPECT_THAT(result.out, HasSubstr("FAILED"));
  EXPECT_THAT(result.out, Not(HasSubstr(server_.password)));
}

}  // namespace
}  // namespace sluice::testing
