// The SQL of a load's data steps, built from names and paths; pure text
// builders (the executor is load_run.cc). Every identifier is quoted.
//
// Staged files are read with read_parquet over explicit local paths, with
// union_by_name (files staged before and after a schema change line up by
// column name; a column a file lacks reads as NULL) and hive_partitioning
// off (staged keys contain "year=2025/" segments that must not become
// columns).
//
// Merge reads the files where they are and never copies the run into a
// table: it finds the keys that more than one row holds (one GROUP BY over
// the key columns, kept in a small temporary table), deletes the target
// rows whose key appears in the files, inserts the rows of every other key
// straight from the files, and of each repeated key the latest row:
// highest order columns (NULL counts as oldest), then later file, then
// later row. A row's file is its position in LoadRequest::files; its order
// inside the file is its `_seq` (SPEC §4), or for files staged before
// staged files carried `_seq` the row number DuckDB gives (read_parquet's
// file_row_number). Change files are copied into a temporary stage table
// with the same origin columns (their apply modes read them several times).
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
inline constexpr std::string_view kRepeatedTable = "__sluice_repeated";
inline constexpr std::string_view kRepeatedRowsColumn = "__sluice_rows";
inline constexpr std::string_view kLatestTable = "__sluice_latest";
inline constexpr std::string_view kVersionsTable = "__sluice_versions";
inline constexpr std::string_view kSeenColumn = "__sluice_seen";
inline constexpr std::string_view kHeldColumn = "__sluice_held";
inline constexpr std::string_view kChangeNumberColumn = "__sluice_change_number";
inline constexpr std::string_view kNextCommitColumn = "__sluice_next_commit";

// "read_parquet(['/a.parquet', ...], union_by_name = true, hive_partitioning = false)"; with
// `file_name_column`, each row also names its file's path in that column.
std::string ReadParquetSql(const std::vector<std::string>& paths, std::string_view file_name_column = "");

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

// The rows of the files as a subquery to read FROM: `columns`, then each
// row's file position (kFilePositionColumn: positions[i] for paths[i]) and
// its order in the file (kRowNumberColumn).
std::string FilesWithOriginSql(const std::vector<std::string>& paths, const std::vector<int64_t>& positions,
                               const std::vector<std::string>& columns, RowOrder row_order);

// CREATE TEMP TABLE __sluice_stage AS the rows of FilesWithOriginSql.
std::string CreateStageSql(const std::vector<std::string>& paths, const std::vector<int64_t>& positions,
                           const std::vector<std::string>& columns, RowOrder row_order);

// One row: for each key column, the count of rows of `rows` (a table or
// FilesWithOriginSql) with NULL in it, then the least file position among
// them (NULL when none). Reads only rows with a NULL key column.
std::string NullKeyCountsSql(const std::vector<std::string>& key_columns, std::string_view rows);

// "temp"."main"."__sluice_repeated".
std::string RepeatedTableName();

// CREATE TEMP TABLE __sluice_repeated: each key that more than one row of
// the files holds, with its number of rows (kRepeatedRowsColumn).
std::string CreateRepeatedKeysSql(const std::vector<std::string>& paths, const std::vector<std::string>& key_columns);

// One row: the number of repeated keys, and of the rows that hold them.
std::string RepeatedKeysSummarySql();

// The rows of `rows` (FilesWithOriginSql) whose key is repeated, as a subquery to read FROM.
std::string RowsOfRepeatedKeysSql(std::string_view rows, const std::vector<std::string>& key_columns);

// The first key that appears more than once among the rows of `rows` (with
// origin columns) of one run (`run_of_position[i]`: the run index of the
// file at positions[i]): key columns, the number of rows, the least file
// position. No row: none.
std::string DuplicateKeyWithinRunSql(std::string_view rows, const std::vector<std::string>& key_columns,
                                     const std::vector<int64_t>& positions,
                                     const std::vector<int64_t>& run_of_position);

// Deletes the target rows whose key appears among the rows of `from` (default: the staged rows).
std::string MergeDeleteSql(std::string_view target, const std::vector<std::string>& key_columns,
                           std::string_view from = "");

// Every column of the latest row of each key among `rows` (default: the
// staged rows): highest order columns, then later file, then later row.
std::string LatestPerKeySql(const std::vector<std::string>& key_columns, const std::vector<std::string>& order_columns,
                            std::string_view rows = "");

// Inserts the latest row of each key among `rows` (with origin columns).
std::string MergeInsertSql(std::string_view target, const std::vector<std::string>& columns,
                           const std::vector<std::string>& key_columns, const std::vector<std::string>& order_columns,
                           std::string_view rows);

// Inserts every row of the files whose key is not repeated.
std::string InsertUnrepeatedSql(std::string_view target, const std::vector<std::string>& columns,
                                const std::vector<std::string>& paths, const std::vector<std::string>& key_columns);

// ---- Change files (target.h, ApplyMode). The staged rows carry `_op`,
// `_commit_ts` and `_tx`; kRowNumberColumn is their `_seq`.

// One row: the number of staged rows whose `_op` is not 'I', 'U' or 'D',
// the least file position among them and one such `_op` (text); then the
// number of rows with a NULL `_commit_ts` and the least file position among them.
std::string ChangeRowProblemsSql();

// kMerge: inserts the latest change of each key unless it is a delete.
std::string ApplyMergeInsertSql(std::string_view target, const std::vector<std::string>& columns,
                                const std::vector<std::string>& key_columns);

// kSoftDelete: CREATE TEMP TABLE __sluice_latest, the latest change of each
// key with whether the key had an insert or update in the load
// (kSeenColumn) and whether `target` holds it (kHeldColumn; false when
// `target` is empty: the table is new).
std::string CreateLatestChangesSql(std::string_view target, const std::vector<std::string>& key_columns);
std::string LatestTableName();
// kSoftDelete: inserts the latest changes; a delete of a key held or seen
// keeps its before image with `_deleted_at` = its commit time.
std::string SoftDeleteInsertSql(std::string_view target, const std::vector<std::string>& columns);

// kHistory: CREATE TEMP TABLE __sluice_versions, the last change of each
// (key, `_commit_ts`), numbered per key in log order (kChangeNumberColumn)
// with the next one's commit time (kNextCommitColumn).
std::string CreateVersionsSql(const std::vector<std::string>& key_columns);
std::string VersionsTableName();
// kHistory: deletes the current version of a key whose first change here has
// the commit time the version opened at (one transaction split over loads).
std::string HistoryDropReopenedSql(std::string_view target, const std::vector<std::string>& key_columns);
// kHistory: closes the current version of each changed key at its first change.
std::string HistoryCloseSql(std::string_view target, const std::vector<std::string>& key_columns);
// kHistory: one version per insert or update, closed by the key's next change.
std::string HistoryInsertSql(std::string_view target, const std::vector<std::string>& columns);

// kChanges: every staged change row with its metadata columns.
std::string ChangesInsertSql(std::string_view target, const std::vector<std::string>& columns);

// Inserts every row of the files (append, replace).
std::string InsertFilesSql(std::string_view target, const std::vector<std::string>& columns,
                           const std::vector<std::string>& paths);

}  // namespace sluice::target::duckdb
