// The SQL of a load's data steps, built from names and paths; pure text
// builders (the executor is load_run.cc). Every identifier is quoted.
//
// Staged files are read with read_parquet over explicit local paths, with
// union_by_name (files staged before and after a schema change line up by
// column name; a column a file lacks reads as NULL) and hive_partitioning
// off (staged keys contain "year=2025/" segments that must not become
// columns).
//
// Merge stages the new files' rows in a temporary table with each row's
// origin (the file's position in LoadRequest::files and the row's order
// inside the file: its `_seq`, SPEC §4), deletes the target rows whose key
// appears there, and inserts the latest row of each key: highest order
// columns (NULL counts as oldest), then later file, then later row. Files
// staged before staged files carried `_seq` are ordered by the row number
// DuckDB gives (read_parquet's file_row_number).
//
// Names starting with "__sluice_" are reserved for these helper columns.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::target::duckdb {

inline constexpr std::string_view kStageTable = "__sluice_stage";
inline constexpr std::string_view kFileNameColumn = "__sluice_file_name";
inline constexpr std::string_view kFilePositionColumn = "__sluice_file_position";
inline constexpr std::string_view kRowNumberColumn = "__sluice_row_number";
// read_parquet's own column for a row's number in its file; a file with a
// column of this name cannot be read with it (DuckDB refuses).
inline constexpr std::string_view kFileRowNumberColumn = "file_row_number";

// "read_parquet(['/a.parquet', ...], union_by_name = true, hive_partitioning = false)".
std::string ReadParquetSql(const std::vector<std::string>& paths);

// The columns the files hold, in order (DESCRIBE over the union of their schemas).
std::string DescribeFilesSql(const std::vector<std::string>& paths);

// file_name, num_rows of each file, from the Parquet footers alone.
std::string FileRowCountsSql(const std::vector<std::string>& paths);

// "temp"."main"."__sluice_stage".
std::string StageTableName();

// Where a staged row's order within its file comes from.
enum class RowOrder {
  kSeq,                    // every file has `_seq`
  kSeqElseFileRowNumber,   // some files may lack it (staged by an older sluice)
  kFileRowNumber,          // no file has it
};

// CREATE TEMP TABLE __sluice_stage: `columns` of every row of the files,
// with its file's position (positions[i] for paths[i]) and its order in
// the file (kRowNumberColumn).
std::string CreateStageSql(const std::vector<std::string>& paths, const std::vector<int64_t>& positions,
                           const std::vector<std::string>& columns, RowOrder row_order);

// One row: for each key column, the count of staged rows with NULL in it,
// then the least file position among them (NULL when none).
std::string NullKeyCountsSql(const std::vector<std::string>& key_columns);

// The first key that appears more than once among the staged rows of one
// run (`run_of_position[p]`: the run index of the file at position p):
// key columns, the number of rows, the least file position. No row: none.
std::string DuplicateKeyWithinRunSql(const std::vector<std::string>& key_columns,
                                     const std::vector<int64_t>& positions, const std::vector<int64_t>& run_of_position);

// Deletes the target rows whose key appears among the staged rows.
std::string MergeDeleteSql(std::string_view target, const std::vector<std::string>& key_columns);

// Inserts the latest staged row of each key.
std::string MergeInsertSql(std::string_view target, const std::vector<std::string>& columns,
                           const std::vector<std::string>& key_columns, const std::vector<std::string>& order_columns);

// Inserts every row of the files (append, replace).
std::string InsertFilesSql(std::string_view target, const std::vector<std::string>& columns,
                           const std::vector<std::string>& paths);

}  // namespace sluice::target::duckdb
