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

}  // namespace

std::string ReadParquetSql(const std::vector<std::string>& paths) {
  return fmt::format("read_parquet({}, union_by_name = true, hive_partitioning = false)", PathList(paths));
}

std::string DescribeFilesSql(const std::vector<std::string>& paths) {
  return fmt::format("DESCRIBE SELECT * FROM {}", ReadParquetSql(paths));
}

std::string FileRowCountsSql(const std::vector<std::string>& paths) {
  return fmt::format("SELECT file_name, num_rows FROM parquet_file_metadata({})", PathList(paths));
}

std::string StageTableName() { return fmt::format("\"temp\".\"main\".{}", QuoteIdentifier(kStageTable)); }

std::string CreateStageSql(const std::vector<std::string>& paths, const std::vector<int64_t>& positions,
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
      "CREATE TEMP TABLE {stage} AS SELECT {columns}, origins.position AS {position}, {order} AS {row_number} "
      "FROM read_parquet({paths}, union_by_name = true, hive_partitioning = false, filename = {file_name_literal}, "
      "file_row_number = {numbered}) AS files "
      "JOIN (VALUES {origins}) AS origins(path, position) ON files.{file_name} = origins.path",
      fmt::arg("stage", QuoteIdentifier(kStageTable)), fmt::arg("columns", fmt::join(Quoted(columns, "files"), ", ")),
      fmt::arg("position", QuoteIdentifier(kFilePositionColumn)), fmt::arg("order", order),
      fmt::arg("row_number", QuoteIdentifier(kRowNumberColumn)), fmt::arg("paths", PathList(paths)),
      fmt::arg("file_name_literal", QuoteLiteral(kFileNameColumn)),
      fmt::arg("numbered", row_order == RowOrder::kSeq ? "false" : "true"),
      fmt::arg("origins", fmt::join(origins, ", ")), fmt::arg("file_name", QuoteIdentifier(kFileNameColumn)));
}

std::string NullKeyCountsSql(const std::vector<std::string>& key_columns) {
  std::vector<std::string> aggregates;
  for (const std::string& column : key_columns) {
    aggregates.push_back(fmt::format("count(*) FILTER (WHERE {0} IS NULL), min({1}) FILTER (WHERE {0} IS NULL)",
                                     QuoteIdentifier(column), QuoteIdentifier(kFilePositionColumn)));
  }
  return fmt::format("SELECT {} FROM {}", fmt::join(aggregates, ", "), StageTableName());
}

std::string DuplicateKeyWithinRunSql(const std::vector<std::string>& key_columns,
                                     const std::vector<int64_t>& positions, const std::vector<int64_t>& run_of_position) {
  std::vector<std::string> runs;
  for (size_t idx = 0; idx < positions.size(); ++idx) {
    runs.push_back(fmt::format("({}, {})", positions[idx], run_of_position[idx]));
  }
  std::vector<std::string> keys = Quoted(key_columns, "stage");
  std::vector<std::string> texts;
  for (const std::string& key : keys) texts.push_back(fmt::format("CAST({} AS VARCHAR)", key));
  return fmt::format(
      "SELECT {texts}, count(*), min(stage.{position}) FROM {stage} AS stage JOIN (VALUES {runs}) AS runs(position, "
      "run) ON stage.{position} = runs.position GROUP BY runs.run, {keys} HAVING count(*) > 1 LIMIT 1",
      fmt::arg("texts", fmt::join(texts, ", ")), fmt::arg("position", QuoteIdentifier(kFilePositionColumn)),
      fmt::arg("stage", StageTableName()), fmt::arg("runs", fmt::join(runs, ", ")),
      fmt::arg("keys", fmt::join(keys, ", ")));
}

std::string MergeDeleteSql(std::string_view target, const std::vector<std::string>& key_columns) {
  std::vector<std::string> matches;
  for (const std::string& column : key_columns) {
    matches.push_back(fmt::format("target.{0} = changed.{0}", QuoteIdentifier(column)));
  }
  return fmt::format("DELETE FROM {} AS target USING (SELECT DISTINCT {} FROM {}) AS changed WHERE {}", target,
                     fmt::join(Quoted(key_columns), ", "), StageTableName(), fmt::join(matches, " AND "));
}

std::string MergeInsertSql(std::string_view target, const std::vector<std::string>& columns,
                           const std::vector<std::string>& key_columns, const std::vector<std::string>& order_columns) {
  std::vector<std::string> ordering;
  for (const std::string& column : order_columns) ordering.push_back(QuoteIdentifier(column) + " DESC NULLS LAST");
  ordering.push_back(QuoteIdentifier(kFilePositionColumn) + " DESC");
  ordering.push_back(QuoteIdentifier(kRowNumberColumn) + " DESC");
  std::string column_list = fmt::format("{}", fmt::join(Quoted(columns), ", "));
  return fmt::format(
      "INSERT INTO {} ({}) SELECT {} FROM {} QUALIFY row_number() OVER (PARTITION BY {} ORDER BY {}) = 1", target,
      column_list, column_list, StageTableName(), fmt::join(Quoted(key_columns), ", "), fmt::join(ordering, ", "));
}

std::string InsertFilesSql(std::string_view target, const std::vector<std::string>& columns,
                           const std::vector<std::string>& paths) {
  std::string column_list = fmt::format("{}", fmt::join(Quoted(columns), ", "));
  return fmt::format("INSERT INTO {} ({}) SELECT {} FROM {}", target, column_list, column_list, ReadParquetSql(paths));
}

}  // namespace sluice::target::duckdb
