#include "target/duckdb/load_sql.h"

#include <fmt/format.h>

#include "target/duckdb/duckdb_api.h"
#include "types/metadata_columns.h"

namespace sluice::target::duckdb {
namespace {

std::string PathList(const std::vector<std::string>& paths) {
  std::vector<std::string> literals;
  literals.reserve(paths.size());
  for (const std::string& path : paths) literals.push_back(QuoteLiteral(path));
  return fmt::format("[{}]", fmt::join(literals, ", "));
}

std::vector<std::string> Quoted(const std::vector<std::string>& names, std::string_view qualifier = "") {
  std::vector<std::string> quoted;
  quoted.reserve(names.size());
  for (const std::string& name : names) {
    quoted.push_back(qualifier.empty() ? QuoteIdentifier(name)
                                       : fmt::format("{}.{}", qualifier, QuoteIdentifier(name)));
  }
  return quoted;
}

// "left.k1 = right.k1 AND left.k2 = right.k2".
std::string KeysMatch(std::string_view left, std::string_view right, const std::vector<std::string>& key_columns) {
  std::vector<std::string> matches;
  for (const std::string& column : key_columns) {
    matches.push_back(fmt::format("{1}.{0} = {2}.{0}", QuoteIdentifier(column), left, right));
  }
  return fmt::format("{}", fmt::join(matches, " AND "));
}

std::string TempTableName(std::string_view table) {
  return fmt::format("\"temp\".\"main\".{}", QuoteIdentifier(table));
}

}  // namespace

std::string ReadParquetSql(const std::vector<std::string>& paths, std::string_view file_name_column) {
  std::string file_names =
      file_name_column.empty() ? "" : fmt::format(", filename = {}", QuoteLiteral(file_name_column));
  return fmt::format("read_parquet({}, union_by_name = true, hive_partitioning = false{})", PathList(paths),
                     file_names);
}

std::string DescribeFilesSql(const std::vector<std::string>& paths) {
  return fmt::format("DESCRIBE SELECT * FROM {}", ReadParquetSql(paths));
}

std::string FileRowCountsSql(const std::vector<std::string>& paths) {
  return fmt::format("SELECT file_name, num_rows FROM parquet_file_metadata({})", PathList(paths));
}

std::string StageTableName() { return TempTableName(kStageTable); }

std::string FilesWithOriginSql(const std::vector<std::string>& paths, const std::vector<int64_t>& positions,
                               const std::vector<std::string>& columns, RowOrder row_order) {
  std::vector<std::string> origins;
  origins.reserve(paths.size());
  for (size_t path_idx = 0; path_idx < paths.size(); ++path_idx) {
    origins.push_back(fmt::format("({}, {})", QuoteLiteral(paths[path_idx]), positions[path_idx]));
  }
  std::string seq = "files." + QuoteIdentifier(kSeqColumn);
  std::string file_row_number = "files." + QuoteIdentifier(kFileRowNumberColumn);
  std::string order = row_order == RowOrder::kSeq              ? seq
                      : row_order == RowOrder::kFileRowNumber ? file_row_number
                                                               : fmt::format("coalesce({}, {})", seq, file_row_number);
  return fmt::format(
      "(SELECT {columns}, origins.position AS {position}, {order} AS {row_number} "
      "FROM read_parquet({paths}, union_by_name = true, hive_partitioning = false, filename = {file_name_literal}, "
      "file_row_number = {numbered}) AS files "
      "JOIN (VALUES {origins}) AS origins(path, position) ON files.{file_name} = origins.path)",
      fmt::arg("columns", fmt::join(Quoted(columns, "files"), ", ")),
      fmt::arg("position", QuoteIdentifier(kFilePositionColumn)), fmt::arg("order", order),
      fmt::arg("row_number", QuoteIdentifier(kRowNumberColumn)), fmt::arg("paths", PathList(paths)),
      fmt::arg("file_name_literal", QuoteLiteral(kFileNameColumn)),
      fmt::arg("numbered", row_order == RowOrder::kSeq ? "false" : "true"),
      fmt::arg("origins", fmt::join(origins, ", ")), fmt::arg("file_name", QuoteIdentifier(kFileNameColumn)));
}

std::string CreateStageSql(const std::vector<std::string>& paths, const std::vector<int64_t>& positions,
                           const std::vector<std::string>& columns, RowOrder row_order) {
  return fmt::format("CREATE TEMP TABLE {} AS SELECT * FROM {} AS rows", QuoteIdentifier(kStageTable),
                     FilesWithOriginSql(paths, positions, columns, row_order));
}

std::string NullKeyCountsSql(const std::vector<std::string>& key_columns, std::string_view rows) {
  std::vector<std::string> aggregates;
  std::vector<std::string> any_null;
  for (const std::string& column : key_columns) {
    aggregates.push_back(fmt::format("count(*) FILTER (WHERE {0} IS NULL), min({1}) FILTER (WHERE {0} IS NULL)",
                                     QuoteIdentifier(column), QuoteIdentifier(kFilePositionColumn)));
    any_null.push_back(QuoteIdentifier(column) + " IS NULL");
  }
  return fmt::format("SELECT {} FROM {} AS rows WHERE {}", fmt::join(aggregates, ", "), rows,
                     fmt::join(any_null, " OR "));
}

std::string RepeatedTableName() { return TempTableName(kRepeatedTable); }

std::string CreateRepeatedKeysSql(const std::vector<std::string>& paths, const std::vector<std::string>& key_columns) {
  std::string keys = fmt::format("{}", fmt::join(Quoted(key_columns), ", "));
  return fmt::format("CREATE TEMP TABLE {} AS SELECT {}, count(*) AS {} FROM {} GROUP BY {} HAVING count(*) > 1",
                     QuoteIdentifier(kRepeatedTable), keys, QuoteIdentifier(kRepeatedRowsColumn), ReadParquetSql(paths),
                     keys);
}

std::string RepeatedKeysSummarySql() {
  return fmt::format("SELECT count(*), coalesce(sum({}), 0) FROM {}", QuoteIdentifier(kRepeatedRowsColumn),
                     RepeatedTableName());
}

std::string RowsOfRepeatedKeysSql(std::string_view rows, const std::vector<std::string>& key_columns) {
  return fmt::format("(SELECT rows.* FROM {} AS rows JOIN {} AS repeated ON {})", rows, RepeatedTableName(),
                     KeysMatch("rows", "repeated", key_columns));
}

std::string DuplicateKeyWithinRunSql(std::string_view rows, const std::vector<std::string>& key_columns,
                                     const std::vector<int64_t>& positions,
                                     const std::vector<int64_t>& run_of_position) {
  std::vector<std::string> runs;
  for (size_t idx = 0; idx < positions.size(); ++idx) {
    runs.push_back(fmt::format("({}, {})", positions[idx], run_of_position[idx]));
  }
  std::vector<std::string> keys = Quoted(key_columns, "stage");
  std::vector<std::string> texts;
  for (const std::string& key : keys) texts.push_back(fmt::format("CAST({} AS VARCHAR)", key));
  return fmt::format(
      "SELECT {texts}, count(*), min(stage.{position}) FROM {rows} AS stage JOIN (VALUES {runs}) AS runs(position, "
      "run) ON stage.{position} = runs.position GROUP BY runs.run, {keys} HAVING count(*) > 1 LIMIT 1",
      fmt::arg("texts", fmt::join(texts, ", ")), fmt::arg("position", QuoteIdentifier(kFilePositionColumn)),
      fmt::arg("rows", rows), fmt::arg("runs", fmt::join(runs, ", ")), fmt::arg("keys", fmt::join(keys, ", ")));
}

std::string MergeDeleteSql(std::string_view target, const std::vector<std::string>& key_columns,
                           std::string_view from) {
  return fmt::format("DELETE FROM {} AS target USING (SELECT DISTINCT {} FROM {}) AS changed WHERE {}", target,
                     fmt::join(Quoted(key_columns), ", "), from.empty() ? StageTableName() : std::string(from),
                     KeysMatch("target", "changed", key_columns));
}

std::string LatestPerKeySql(const std::vector<std::string>& key_columns, const std::vector<std::string>& order_columns,
                            std::string_view rows) {
  std::vector<std::string> ordering;
  for (const std::string& column : order_columns) ordering.push_back(QuoteIdentifier(column) + " DESC NULLS LAST");
  ordering.push_back(QuoteIdentifier(kFilePositionColumn) + " DESC");
  ordering.push_back(QuoteIdentifier(kRowNumberColumn) + " DESC");
  return fmt::format("SELECT * FROM {} AS rows QUALIFY row_number() OVER (PARTITION BY {} ORDER BY {}) = 1",
                     rows.empty() ? StageTableName() : std::string(rows), fmt::join(Quoted(key_columns), ", "),
                     fmt::join(ordering, ", "));
}

std::string MergeInsertSql(std::string_view target, const std::vector<std::string>& columns,
                           const std::vector<std::string>& key_columns, const std::vector<std::string>& order_columns,
                           std::string_view rows) {
  std::string column_list = fmt::format("{}", fmt::join(Quoted(columns), ", "));
  return fmt::format("INSERT INTO {} ({}) SELECT {} FROM ({}) AS latest", target, column_list, column_list,
                     LatestPerKeySql(key_columns, order_columns, rows));
}

std::string InsertUnrepeatedSql(std::string_view target, const std::vector<std::string>& columns,
                                const std::vector<std::string>& paths, const std::vector<std::string>& key_columns) {
  std::string column_list = fmt::format("{}", fmt::join(Quoted(columns), ", "));
  return fmt::format("INSERT INTO {} ({}) SELECT {} FROM {} AS files ANTI JOIN {} AS repeated ON {}", target,
                     column_list, fmt::join(Quoted(columns, "files"), ", "), ReadParquetSql(paths), RepeatedTableName(),
                     KeysMatch("files", "repeated", key_columns));
}

std::string ChangeRowProblemsSql() {
  return fmt::format(
      "SELECT count(*) FILTER (WHERE NOT coalesce({op} IN ('I', 'U', 'D'), false)), "
      "min({position}) FILTER (WHERE NOT coalesce({op} IN ('I', 'U', 'D'), false)), "
      "coalesce(any_value({op}) FILTER (WHERE NOT coalesce({op} IN ('I', 'U', 'D'), false)), 'NULL'), "
      "count(*) FILTER (WHERE {commit} IS NULL), min({position}) FILTER (WHERE {commit} IS NULL) FROM {stage}",
      fmt::arg("op", QuoteIdentifier(kOpColumn)), fmt::arg("position", QuoteIdentifier(kFilePositionColumn)),
      fmt::arg("commit", QuoteIdentifier(kCommitTsColumn)), fmt::arg("stage", StageTableName()));
}

std::string ApplyMergeInsertSql(std::string_view target, const std::vector<std::string>& columns,
                                const std::vector<std::string>& key_columns) {
  std::string column_list = fmt::format("{}", fmt::join(Quoted(columns), ", "));
  return fmt::format("INSERT INTO {} ({}) SELECT {} FROM ({}) AS latest WHERE {} <> 'D'", target, column_list,
                     column_list, LatestPerKeySql(key_columns, {}), QuoteIdentifier(kOpColumn));
}

std::string LatestTableName() { return TempTableName(kLatestTable); }
std::string VersionsTableName() { return TempTableName(kVersionsTable); }

std::string CreateLatestChangesSql(std::string_view target, const std::vector<std::string>& key_columns) {
  std::string keys = fmt::format("{}", fmt::join(Quoted(key_columns), ", "));
  std::string held = target.empty() ? "false"
                                    : fmt::format("EXISTS (SELECT 1 FROM {} AS held WHERE {})", target,
                                                  KeysMatch("held", "latest", key_columns));
  return fmt::format(
      "CREATE TEMP TABLE {latest_table} AS SELECT latest.*, {held} AS {held_column} FROM (SELECT *, "
      "bool_or({op} <> 'D') OVER (PARTITION BY {keys}) AS {seen} FROM {stage} QUALIFY row_number() OVER "
      "(PARTITION BY {keys} ORDER BY {position} DESC, {row_number} DESC) = 1) AS latest",
      fmt::arg("latest_table", QuoteIdentifier(kLatestTable)), fmt::arg("held", held),
      fmt::arg("held_column", QuoteIdentifier(kHeldColumn)), fmt::arg("op", QuoteIdentifier(kOpColumn)),
      fmt::arg("keys", keys), fmt::arg("seen", QuoteIdentifier(kSeenColumn)), fmt::arg("stage", StageTableName()),
      fmt::arg("position", QuoteIdentifier(kFilePositionColumn)),
      fmt::arg("row_number", QuoteIdentifier(kRowNumberColumn)));
}

std::string SoftDeleteInsertSql(std::string_view target, const std::vector<std::string>& columns) {
  std::string column_list = fmt::format("{}", fmt::join(Quoted(columns), ", "));
  return fmt::format(
      "INSERT INTO {target} ({columns}, {deleted_at}) SELECT {columns}, CASE WHEN {op} = 'D' THEN "
      "CAST({commit} AS TIMESTAMPTZ) END FROM {latest} WHERE {op} <> 'D' OR {seen} OR {held}",
      fmt::arg("target", target), fmt::arg("columns", column_list),
      fmt::arg("deleted_at", QuoteIdentifier(kDeletedAtColumn)), fmt::arg("op", QuoteIdentifier(kOpColumn)),
      fmt::arg("commit", QuoteIdentifier(kCommitTsColumn)), fmt::arg("latest", LatestTableName()),
      fmt::arg("seen", QuoteIdentifier(kSeenColumn)), fmt::arg("held", QuoteIdentifier(kHeldColumn)));
}

std::string CreateVersionsSql(const std::vector<std::string>& key_columns) {
  std::string keys = fmt::format("{}", fmt::join(Quoted(key_columns), ", "));
  return fmt::format(
      "CREATE TEMP TABLE {versions} AS SELECT *, row_number() OVER changes AS {number}, "
      "lead(CAST({commit} AS TIMESTAMPTZ)) OVER changes AS {next} FROM (SELECT * FROM {stage} QUALIFY row_number() "
      "OVER (PARTITION BY {keys}, {commit} ORDER BY {position} DESC, {row_number} DESC) = 1) AS last_of_transaction "
      "WINDOW changes AS (PARTITION BY {keys} ORDER BY {position}, {row_number})",
      fmt::arg("versions", QuoteIdentifier(kVersionsTable)), fmt::arg("number", QuoteIdentifier(kChangeNumberColumn)),
      fmt::arg("commit", QuoteIdentifier(kCommitTsColumn)), fmt::arg("next", QuoteIdentifier(kNextCommitColumn)),
      fmt::arg("stage", StageTableName()), fmt::arg("keys", keys),
      fmt::arg("position", QuoteIdentifier(kFilePositionColumn)),
      fmt::arg("row_number", QuoteIdentifier(kRowNumberColumn)));
}

namespace {

// "target.k1 = first_change.k1 AND ... AND target._is_current", over the first change of each key.
std::string CurrentVersionOfFirstChange(const std::vector<std::string>& key_columns) {
  return fmt::format("{} AND target.{}", KeysMatch("target", "first_change", key_columns),
                     QuoteIdentifier(kIsCurrentColumn));
}

std::string FirstChanges(const std::vector<std::string>& key_columns) {
  return fmt::format("(SELECT {}, CAST({} AS TIMESTAMPTZ) AS {} FROM {} WHERE {} = 1) AS first_change",
                     fmt::join(Quoted(key_columns), ", "), QuoteIdentifier(kCommitTsColumn),
                     QuoteIdentifier(kCommitTsColumn), VersionsTableName(), QuoteIdentifier(kChangeNumberColumn));
}

}  // namespace

std::string HistoryDropReopenedSql(std::string_view target, const std::vector<std::string>& key_columns) {
  return fmt::format("DELETE FROM {} AS target USING {} WHERE {} AND target.{} = first_change.{}", target,
                     FirstChanges(key_columns), CurrentVersionOfFirstChange(key_columns),
                     QuoteIdentifier(kValidFromColumn), QuoteIdentifier(kCommitTsColumn));
}

std::string HistoryCloseSql(std::string_view target, const std::vector<std::string>& key_columns) {
  return fmt::format("UPDATE {} AS target SET {} = first_change.{}, {} = false FROM {} WHERE {}", target,
                     QuoteIdentifier(kValidToColumn), QuoteIdentifier(kCommitTsColumn),
                     QuoteIdentifier(kIsCurrentColumn), FirstChanges(key_columns),
                     CurrentVersionOfFirstChange(key_columns));
}

std::string HistoryInsertSql(std::string_view target, const std::vector<std::string>& columns) {
  std::string column_list = fmt::format("{}", fmt::join(Quoted(columns), ", "));
  return fmt::format(
      "INSERT INTO {target} ({columns}, {from}, {to}, {current}) SELECT {columns}, CAST({commit} AS TIMESTAMPTZ), "
      "{next}, {next} IS NULL FROM {versions} WHERE {op} <> 'D'",
      fmt::arg("target", target), fmt::arg("columns", column_list),
      fmt::arg("from", QuoteIdentifier(kValidFromColumn)), fmt::arg("to", QuoteIdentifier(kValidToColumn)),
      fmt::arg("current", QuoteIdentifier(kIsCurrentColumn)), fmt::arg("commit", QuoteIdentifier(kCommitTsColumn)),
      fmt::arg("next", QuoteIdentifier(kNextCommitColumn)), fmt::arg("versions", VersionsTableName()),
      fmt::arg("op", QuoteIdentifier(kOpColumn)));
}

std::string ChangesInsertSql(std::string_view target, const std::vector<std::string>& columns) {
  std::string column_list = fmt::format("{}", fmt::join(Quoted(columns), ", "));
  return fmt::format(
      "INSERT INTO {target} ({columns}, {op}, {commit}, {tx}, {seq}) SELECT {columns}, {op}, CAST({commit} AS "
      "TIMESTAMPTZ), {tx}, {row_number} FROM {stage} ORDER BY {position}, {row_number}",
      fmt::arg("target", target), fmt::arg("columns", column_list), fmt::arg("op", QuoteIdentifier(kOpColumn)),
      fmt::arg("commit", QuoteIdentifier(kCommitTsColumn)), fmt::arg("tx", QuoteIdentifier(kTxColumn)),
      fmt::arg("seq", QuoteIdentifier(kSeqColumn)), fmt::arg("row_number", QuoteIdentifier(kRowNumberColumn)),
      fmt::arg("stage", StageTableName()), fmt::arg("position", QuoteIdentifier(kFilePositionColumn)));
}

std::string InsertFilesSql(std::string_view target, const std::vector<std::string>& columns,
                           const std::vector<std::string>& paths) {
  std::string column_list = fmt::format("{}", fmt::join(Quoted(columns), ", "));
  return fmt::format("INSERT INTO {} ({}) SELECT {} FROM {}", target, column_list, column_list, ReadParquetSql(paths));
}

}  // namespace sluice::target::duckdb
