#include "target/duckdb/load_run.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <map>
#include <set>

#include "target/duckdb/catalog.h"
#include "target/duckdb/ledger.h"
#include "target/duckdb/load_sql.h"
#include "target/duckdb/local_files.h"
#include "target/duckdb/unique_keys.h"
#include "types/metadata_columns.h"

namespace sluice::target::duckdb {
namespace {

// Replace builds the new table under this suffix, then renames it.
constexpr std::string_view kReplacementSuffix = "__sluice_new";

TableRef RefOf(const TargetSettings& settings, const LoadRequest& request) {
  return TableRef{settings.schema, request.target_table, request.pipeline, request.source_table};
}

bool ContainsName(const std::vector<std::string>& names, std::string_view name) {
  for (const std::string& candidate : names) {
    if (SameIdentifier(candidate, name)) return true;
  }
  return false;
}

std::vector<std::string> FieldNames(const Schema& schema) {
  std::vector<std::string> names;
  for (const Field& field : schema.fields) names.push_back(field.name);
  return names;
}

// The staged files one load reads: positions in LoadRequest::files, local paths, and what their footers say.
struct FileSet {
  std::vector<int64_t> positions;
  std::vector<std::string> paths;
  std::vector<int64_t> rows;         // rows[i]: rows of paths[i]
  std::vector<std::string> columns;   // union of the files' table columns, by name
  std::vector<std::string> column_types;  // column_types[i]: DuckDB's type of columns[i]
  std::vector<std::string> metadata;  // union of the files' metadata columns (`_seq`, `_op`, ...)
  int64_t total_rows = 0;

  bool Has(std::string_view metadata_column) const { return ContainsName(metadata, metadata_column); }
};

Status ReadFooters(Database& database, const LoadRequest& request, FileSet& files) {
  SLUICE_ASSIGN_OR_RETURN(QueryResult counts, database.Query(FileRowCountsSql(files.paths)));
  std::map<std::string, int64_t> rows_by_path;
  for (uint64_t row_idx = 0; row_idx < counts.row_count(); ++row_idx) {
    rows_by_path[counts.Text(0, row_idx).value_or("")] = counts.Int64(1, row_idx);
  }
  for (size_t file_idx = 0; file_idx < files.paths.size(); ++file_idx) {
    auto found = rows_by_path.find(files.paths[file_idx]);
    if (found == rows_by_path.end()) return Internal("DuckDB reported no footer for {}", files.paths[file_idx]);
    const StagedFile& staged = request.files[files.positions[file_idx]];
    // A file whose row count disagrees with what staging recorded is not the file that was staged.
    if (staged.rows > 0 && staged.rows != found->second) {
      return DataError("staged file '{}' holds {} rows but was staged with {}; nothing was loaded", staged.key,
                       found->second, staged.rows);
    }
    files.rows.push_back(found->second);
    files.total_rows += found->second;
  }
  SLUICE_ASSIGN_OR_RETURN(QueryResult described, database.Query(DescribeFilesSql(files.paths)));
  for (uint64_t row_idx = 0; row_idx < described.row_count(); ++row_idx) {
    std::string column = described.Text(0, row_idx).value_or("");
    if (IsMetadataColumn(column)) {
      files.metadata.push_back(std::move(column));
    } else {
      files.columns.push_back(std::move(column));
      files.column_types.push_back(described.Text(1, row_idx).value_or(""));
    }
  }
  return Status::Ok();
}

// What a load read of the files must add up to: every row of their footers.
Status CheckRowsRead(const FileSet& files, int64_t rows_read) {
  if (rows_read == files.total_rows) return Status::Ok();
  return Internal("reading the {} rows of {} staged files yielded {} rows", files.total_rows, files.paths.size(),
                  rows_read);
}

// Change files carry every change column; row files none but `_seq`.
Status CheckMetadataColumns(const TableRef& table, const LoadRequest& request, const FileSet& files) {
  if (request.apply) {
    for (std::string_view column : {kOpColumn, kCommitTsColumn, kTxColumn, kSeqColumn}) {
      if (files.Has(column)) continue;
      return InvalidArgument(
          "table {}: the files to apply as changes have no column \"{}\" (change files carry _op, _commit_ts, "
          "_tx and _seq); nothing was loaded. Remedy: load row files without an apply mode",
          table.Label(), column);
    }
    return Status::Ok();
  }
  for (const std::string& column : files.metadata) {
    if (SameIdentifier(column, kSeqColumn)) continue;
    return InvalidArgument(
        "table {}: the staged files have a column \"{}\": they are change files, which are applied with an apply "
        "mode (merge, soft_delete, history, changes), not loaded as rows; nothing was loaded",
        table.Label(), column);
  }
  return Status::Ok();
}

// Every column of the files must land in a column of the table; merge needs its key and order columns.
Status CheckFileColumns(const TableRef& table, const LoadRequest& request, const TablePlan& plan,
                        const FileSet& files) {
  SLUICE_RETURN_IF_ERROR(CheckMetadataColumns(table, request, files));
  for (const std::string& column : files.columns) {
    if (ContainsName(plan.columns, column)) continue;
    return SchemaMismatch(
        "table {}: the staged files have a column \"{}\" that is neither in the source schema nor in the target "
        "table; nothing was loaded. Remedy: add the column to the target table, or drop the table and run `sluice "
        "watermark reset -p {} -t {} --yes` to reload it in full",
        table.Label(), column, table.pipeline, table.source_table);
  }
  if (!NeedsPrimaryKey(request)) return Status::Ok();
  if (!files.Has(kSeqColumn) && ContainsName(files.columns, kFileRowNumberColumn)) {
    return NotSupported(
        "table {}: the staged files were written by a sluice older than `_seq` and have a column named \"{}\", "
        "which DuckDB's read_parquet reserves for the row number merge needs; nothing was loaded. Remedy: run "
        "`sluice watermark reset -p {} -t {} --yes` so the rows are staged again (with `_seq`)",
        table.Label(), kFileRowNumberColumn, table.pipeline, table.source_table);
  }
  for (const std::vector<std::string>* names : {&request.primary_key, &request.order_columns}) {
    for (const std::string& name : *names) {
      if (!ContainsName(files.columns, name)) {
        return InvalidArgument("merge column \"{}\" is not in the staged files", name);
      }
    }
  }
  return Status::Ok();
}

// Rows without a complete key cannot be matched to target rows: refuse the
// load. `rows`: the stage table or FilesWithOriginSql.
Status CheckNoNullKeys(Database& database, const LoadRequest& request, std::string_view rows) {
  SLUICE_ASSIGN_OR_RETURN(QueryResult counts, database.Query(NullKeyCountsSql(request.primary_key, rows)));
  for (size_t key_idx = 0; key_idx < request.primary_key.size(); ++key_idx) {
    int64_t null_rows = counts.Int64(2 * key_idx, 0);
    if (null_rows == 0) continue;
    const std::string& first_file = request.files[counts.Int64(2 * key_idx + 1, 0)].key;
    return DataError(
        "{} staged rows have NULL in primary-key column \"{}\" (the first in file '{}'); a row without "
        "a key cannot be merged, so nothing was loaded. Remedy: make the column NOT NULL in the source, or "
        "configure a primary_key whose columns are never NULL",
        null_rows, request.primary_key[key_idx], first_file);
  }
  return Status::Ok();
}

// A key twice among one run's rows: two source rows share the configured
// primary key, and a merge would keep one and drop the other silently.
// Only for a configured key that is not the source's own primary key: the
// source guarantees that one unique, so a key read twice by one run is a
// row updated while the run read (its newer version wins, as across runs).
// `repeated_rows`: the rows whose key repeats among the files (no other can be twice in a run).
Status CheckKeysUniqueWithinRuns(Database& database, const LoadRequest& request, const FileSet& files,
                                 std::string_view repeated_rows) {
  if (request.primary_key == request.schema->primary_key) return Status::Ok();
  std::map<std::string, int64_t> run_index;
  std::vector<int64_t> positions;
  std::vector<int64_t> run_of_position;
  for (int64_t position : files.positions) {
    const std::string& run = request.files[position].run_id;
    if (run.empty()) continue;  // provenance unknown: not checked
    positions.push_back(position);
    run_of_position.push_back(run_index.emplace(run, static_cast<int64_t>(run_index.size())).first->second);
  }
  if (positions.empty()) return Status::Ok();
  SLUICE_ASSIGN_OR_RETURN(QueryResult found, database.Query(DuplicateKeyWithinRunSql(repeated_rows, request.primary_key,
                                                                                     positions, run_of_position)));
  if (found.row_count() == 0) return Status::Ok();
  std::vector<std::string> key;
  for (size_t key_idx = 0; key_idx < request.primary_key.size(); ++key_idx) {
    key.push_back(fmt::format("{} = {}", request.primary_key[key_idx], found.Text(key_idx, 0).value_or("NULL")));
  }
  size_t columns = request.primary_key.size();
  return DataError(
      "table {}: {} rows read by one run share the configured primary key ({}) (first in staged file '{}'): the "
      "key is not unique in the source, and merging would keep one of them and drop the rest, so nothing was "
      "loaded. Remedy: set primary_key: to columns that identify a row (the staged files load with the new key), "
      "and if rows were merged away before, `sluice watermark reset -p {} -t {} --yes` to reload the table",
      request.target_table, found.Int64(columns, 0), fmt::join(key, ", "),
      request.files[found.Int64(columns + 1, 0)].key, request.pipeline, request.source_table);
}

// Where the rows' order in their files comes from: `_seq`, and for files
// staged before `_seq` existed (waiting across an upgrade), DuckDB's row
// number, unless a table column takes its name (then `_seq` alone).
RowOrder OrderOf(const FileSet& files) {
  if (!files.Has(kSeqColumn)) return RowOrder::kFileRowNumber;
  return ContainsName(files.columns, kFileRowNumberColumn) ? RowOrder::kSeq : RowOrder::kSeqElseFileRowNumber;
}

// Copies `columns` of every row of the files into the stage table, with each row's origin.
Status StageFiles(Database& database, const FileSet& files, const std::vector<std::string>& columns) {
  SLUICE_RETURN_IF_ERROR(database.Execute(CreateStageSql(files.paths, files.positions, columns, OrderOf(files))));
  SLUICE_ASSIGN_OR_RETURN(QueryResult staged, database.Query("SELECT count(*) FROM " + StageTableName()));
  return CheckRowsRead(files, staged.Int64(0, 0));
}

// The keys that more than one row of the files holds (RepeatedTableName()).
struct RepeatedKeys {
  bool table_created = false;
  int64_t keys = 0;
  int64_t rows = 0;  // the rows holding them
};

// Creates RepeatedTableName() unless the keys are proved unique (unique_keys.h) first.
Result<RepeatedKeys> FindRepeatedKeys(Database& database, const LoadRequest& request, const FileSet& files) {
  std::vector<KeyColumn> key_columns;
  for (const std::string& name : request.primary_key) {
    for (size_t column_idx = 0; column_idx < files.columns.size(); ++column_idx) {
      if (SameIdentifier(files.columns[column_idx], name))
        key_columns.push_back({name, files.column_types[column_idx]});
    }
  }
  if (KeysComparable(key_columns)) {
    SLUICE_ASSIGN_OR_RETURN(bool unique, KeysProvablyUnique(database, files.paths, key_columns));
    if (unique) return RepeatedKeys{};
  }
  SLUICE_RETURN_IF_ERROR(database.Execute(CreateRepeatedKeysSql(files.paths, request.primary_key)));
  SLUICE_ASSIGN_OR_RETURN(QueryResult summary, database.Query(RepeatedKeysSummarySql()));
  return RepeatedKeys{true, summary.Int64(0, 0), summary.Int64(1, 0)};
}

// Whether `table` holds no row.
Result<bool> TableIsEmpty(Database& database, const std::string& table) {
  SLUICE_ASSIGN_OR_RETURN(QueryResult any, database.Query(fmt::format("SELECT 1 FROM {} LIMIT 1", table)));
  return any.row_count() == 0;
}

// Merges row files (target.h) without copying them: the rows of keys that
// appear once stream from the files into the table, and only the keys that
// repeat among the files are deduplicated. Target rows with the files' keys
// are deleted first (not needed for a new or empty table).
Result<int64_t> WriteMerge(Database& database, const LoadRequest& request, const TablePlan& plan,
                           const FileSet& files) {
  const std::vector<std::string>& key = request.primary_key;
  const std::string rows = FilesWithOriginSql(files.paths, files.positions, files.columns, OrderOf(files));
  SLUICE_RETURN_IF_ERROR(CheckNoNullKeys(database, request, rows));
  SLUICE_ASSIGN_OR_RETURN(RepeatedKeys repeated, FindRepeatedKeys(database, request, files));
  const std::string repeated_rows = RowsOfRepeatedKeysSql(rows, key);
  if (repeated.keys > 0) SLUICE_RETURN_IF_ERROR(CheckKeysUniqueWithinRuns(database, request, files, repeated_rows));
  bool target_empty = plan.table_is_new;
  if (!target_empty) {
    SLUICE_ASSIGN_OR_RETURN(target_empty, TableIsEmpty(database, plan.write_table));
  }
  if (!target_empty) {
    SLUICE_RETURN_IF_ERROR(database.Execute(MergeDeleteSql(plan.write_table, key, ReadParquetSql(files.paths))));
  }
  int64_t rows_written = 0;
  if (repeated.keys == 0) {
    SLUICE_ASSIGN_OR_RETURN(QueryResult inserted,
                            database.Query(InsertFilesSql(plan.write_table, files.columns, files.paths)));
    rows_written = inserted.rows_changed();
    SLUICE_RETURN_IF_ERROR(CheckRowsRead(files, rows_written));
  } else {
    SLUICE_ASSIGN_OR_RETURN(QueryResult unrepeated,
                            database.Query(InsertUnrepeatedSql(plan.write_table, files.columns, files.paths, key)));
    SLUICE_ASSIGN_OR_RETURN(QueryResult latest, database.Query(MergeInsertSql(plan.write_table, files.columns, key,
                                                                              request.order_columns, repeated_rows)));
    SLUICE_RETURN_IF_ERROR(CheckRowsRead(files, unrepeated.rows_changed() + repeated.rows));
    if (latest.rows_changed() != repeated.keys) {
      return Internal("merging {} repeated keys inserted {} rows", repeated.keys, latest.rows_changed());
    }
    rows_written = unrepeated.rows_changed() + latest.rows_changed();
  }
  if (repeated.table_created) SLUICE_RETURN_IF_ERROR(database.Execute("DROP TABLE " + RepeatedTableName()));
  return rows_written;
}

// Every change row says what it is and when it committed.
Status CheckChangeRows(Database& database, const LoadRequest& request) {
  SLUICE_ASSIGN_OR_RETURN(QueryResult problems, database.Query(ChangeRowProblemsSql()));
  if (int64_t bad_ops = problems.Int64(0, 0); bad_ops > 0) {
    return DataError(
        "table {}: {} change rows have _op '{}' or another value that is not 'I', 'U' or 'D' (the first in file "
        "'{}'); nothing was loaded. Change files must say each row's operation",
        request.target_table, bad_ops, problems.Text(2, 0).value_or("NULL"),
        request.files[problems.Int64(1, 0)].key);
  }
  if (int64_t no_commit = problems.Int64(3, 0); no_commit > 0) {
    return DataError("table {}: {} change rows have no _commit_ts (the first in file '{}'); nothing was loaded",
                     request.target_table, no_commit, request.files[problems.Int64(4, 0)].key);
  }
  return Status::Ok();
}

// Applies change files by request.apply (target.h); returns the rows inserted.
Result<int64_t> ApplyChanges(Database& database, const LoadRequest& request, const TablePlan& plan,
                             const FileSet& files) {
  std::vector<std::string> staged_columns = files.columns;
  for (std::string_view column : {kOpColumn, kCommitTsColumn, kTxColumn}) staged_columns.emplace_back(column);
  SLUICE_RETURN_IF_ERROR(StageFiles(database, files, staged_columns));
  SLUICE_RETURN_IF_ERROR(CheckChangeRows(database, request));
  if (NeedsPrimaryKey(request)) SLUICE_RETURN_IF_ERROR(CheckNoNullKeys(database, request, StageTableName()));
  const std::string& target = plan.write_table;
  const std::vector<std::string>& key = request.primary_key;
  std::vector<std::string> statements;
  std::string insert;
  switch (*request.apply) {
    case ApplyMode::kMerge:
      if (!plan.table_is_new) statements.push_back(MergeDeleteSql(target, key));
      insert = ApplyMergeInsertSql(target, files.columns, key);
      break;
    case ApplyMode::kSoftDelete:
      statements.push_back(CreateLatestChangesSql(plan.table_is_new ? "" : target, key));
      if (!plan.table_is_new) statements.push_back(MergeDeleteSql(target, key, LatestTableName()));
      insert = SoftDeleteInsertSql(target, files.columns);
      break;
    case ApplyMode::kHistory:
      statements.push_back(CreateVersionsSql(key));
      if (!plan.table_is_new) {
        statements.push_back(HistoryDropReopenedSql(target, key));
        statements.push_back(HistoryCloseSql(target, key));
      }
      insert = HistoryInsertSql(target, files.columns);
      break;
    case ApplyMode::kChanges:
      insert = ChangesInsertSql(target, files.columns);
      break;
  }
  for (const std::string& statement : statements) SLUICE_RETURN_IF_ERROR(database.Execute(statement));
  SLUICE_ASSIGN_OR_RETURN(QueryResult inserted, database.Query(insert));
  for (std::string table : {StageTableName(), LatestTableName(), VersionsTableName()}) {
    SLUICE_RETURN_IF_ERROR(database.Execute("DROP TABLE IF EXISTS " + table));
  }
  return inserted.rows_changed();
}

// Applies the plan and writes the rows of `files`; returns the rows written.
Result<int64_t> WriteRows(Database& database, const LoadRequest& request, const TablePlan& plan, const FileSet& files,
                          LoadResult& result) {
  for (const std::string& statement : plan.before) {
    SLUICE_RETURN_IF_ERROR(database.Execute(statement));
    result.ddl.push_back(statement);
  }
  int64_t rows_written = 0;
  if (request.apply) {
    SLUICE_ASSIGN_OR_RETURN(rows_written, ApplyChanges(database, request, plan, files));
  } else if (request.mode == LoadMode::kMerge) {
    SLUICE_ASSIGN_OR_RETURN(rows_written, WriteMerge(database, request, plan, files));
  } else {
    SLUICE_ASSIGN_OR_RETURN(QueryResult inserted,
                            database.Query(InsertFilesSql(plan.write_table, files.columns, files.paths)));
    rows_written = inserted.rows_changed();
  }
  for (const std::string& statement : plan.after) {
    SLUICE_RETURN_IF_ERROR(database.Execute(statement));
    result.ddl.push_back(statement);
  }
  return rows_written;
}

// Creates the target schema (reported as DDL) and the ledger when missing.
Status PrepareLedger(Database& database, const TargetSettings& settings, LoadResult& result) {
  if (!SameIdentifier(settings.schema, "main")) {
    SLUICE_ASSIGN_OR_RETURN(bool schema_exists, SchemaExists(database, settings.schema));
    if (!schema_exists) {
      std::string statement = "CREATE SCHEMA IF NOT EXISTS " + QuoteIdentifier(settings.schema);
      SLUICE_RETURN_IF_ERROR(database.Execute(statement));
      result.ddl.push_back(std::move(statement));
    }
  }
  return database.Execute(LedgerCreateSql(settings.schema));
}

// Says which load failed and, when DuckDB's message names a local path, which staged file that is.
Status InLoadContext(const Status& error, const TableRef& table, const FileSet& files,
                     const std::vector<std::string>& keys) {
  if (error.code() == StatusCode::kSchemaMismatch) return error;  // names the table and the remedy already
  std::string context =
      fmt::format("loading {} staged file{} into {}", keys.size(), keys.size() == 1 ? "" : "s", table.Label());
  for (size_t file_idx = 0; file_idx < files.paths.size(); ++file_idx) {
    if (error.message().find(files.paths[file_idx]) != std::string::npos) {
      context += fmt::format(" (staged file '{}')", keys[file_idx]);
      break;
    }
  }
  return error.WithContext(context);
}

// Reads `positions` of request.files into the table; fills `result` but the ledger.
Result<FileSet> LoadFiles(Database& database, const TargetSettings& settings, const LoadRequest& request,
                          store::ObjectStore& store, std::vector<int64_t> positions, LoadResult& result) {
  const TableRef table = RefOf(settings, request);
  SLUICE_ASSIGN_OR_RETURN(TablePlan plan, PlanTable(database, settings, request));
  FileSet files;
  files.positions = std::move(positions);
  std::vector<std::string> keys;
  for (int64_t position : files.positions) keys.push_back(request.files[position].key);
  SLUICE_ASSIGN_OR_RETURN(LocalFiles local, LocalFiles::Prepare(store, keys));
  files.paths = local.paths();
  Status status = ReadFooters(database, request, files);
  if (status.ok()) status = CheckFileColumns(table, request, plan, files);
  Result<int64_t> written = status.ok() ? WriteRows(database, request, plan, files, result) : status;
  if (!written.has_value()) return InLoadContext(written.error(), table, files, keys);
  result.rows_in_files = files.total_rows;
  result.rows_written = *written;
  return files;
}

}  // namespace

std::vector<std::string> TablePlan::All() const {
  std::vector<std::string> statements = before;
  statements.insert(statements.end(), after.begin(), after.end());
  return statements;
}

Result<TablePlan> PlanTable(Database& database, const TargetSettings& settings, const LoadRequest& request) {
  const TableRef table = RefOf(settings, request);
  const Schema schema = TableSchema(request);
  TablePlan plan;
  if (!SameIdentifier(settings.schema, "main")) {
    SLUICE_ASSIGN_OR_RETURN(bool schema_exists, SchemaExists(database, settings.schema));
    if (!schema_exists) plan.before.push_back("CREATE SCHEMA IF NOT EXISTS " + QuoteIdentifier(settings.schema));
  }
  plan.columns = FieldNames(schema);
  if (!request.apply && request.mode == LoadMode::kReplace) {
    std::string replacement = request.target_table + std::string(kReplacementSuffix);
    plan.write_table = QualifiedName(settings.schema, replacement);
    plan.table_is_new = true;
    plan.before.push_back(CreateTableSql(plan.write_table, schema, settings.json_available));
    plan.after.push_back("DROP TABLE IF EXISTS " + table.QualifiedName());
    plan.after.push_back(
        fmt::format("ALTER TABLE {} RENAME TO {}", plan.write_table, QuoteIdentifier(request.target_table)));
    return plan;
  }
  plan.write_table = table.QualifiedName();
  SLUICE_ASSIGN_OR_RETURN(std::vector<ExistingColumn> existing,
                          TableColumns(database, settings.schema, request.target_table));
  if (existing.empty()) {
    plan.table_is_new = true;
    plan.before.push_back(CreateTableSql(plan.write_table, schema, settings.json_available));
    return plan;
  }
  SLUICE_ASSIGN_OR_RETURN(std::vector<std::string> alters,
                          AlterTableSql(table, existing, schema, settings.json_available));
  plan.before.insert(plan.before.end(), alters.begin(), alters.end());
  for (const ExistingColumn& column : existing) {
    if (!ContainsName(plan.columns, column.name)) plan.columns.push_back(column.name);
  }
  return plan;
}

Status ValidateRequest(const LoadRequest& request) {
  if (request.target_table.empty())
    return InvalidArgument("load request for '{}': no target table", request.source_table);
  if (request.schema == nullptr || request.schema->fields.empty()) {
    return InvalidArgument("load request for table {}: no schema", request.target_table);
  }
  SLUICE_RETURN_IF_ERROR(CheckNoMetadataColumns(request.source_table.empty() ? request.target_table : request.source_table,
                                                *request.schema, /*custom_sql=*/false));
  for (const std::vector<std::string>* names : {&request.primary_key, &request.order_columns}) {
    for (const std::string& name : *names) {
      if (!ContainsName(FieldNames(*request.schema), name)) {
        return InvalidArgument("table {}: merge column \"{}\" is not a column of the source schema",
                               request.target_table, name);
      }
    }
  }
  return Status::Ok();
}

Result<LoadResult> RunLoad(Database& database, const TargetSettings& settings, const LoadRequest& request,
                           store::ObjectStore& store) {
  SLUICE_RETURN_IF_ERROR(ValidateRequest(request));
  if (NeedsPrimaryKey(request) && request.primary_key.empty()) {
    return InvalidArgument("table {}: {} needs a primary key; configure primary_key or {}", request.target_table,
                           request.apply ? "applying changes by merge, soft_delete or history" : "merge",
                           request.apply ? "apply them as changes (an audit log)" : "load in append mode");
  }
  std::set<std::string> distinct_keys;
  for (const StagedFile& file : request.files) {
    if (!distinct_keys.insert(file.key).second) return InvalidArgument("staged file '{}' is listed twice", file.key);
  }
  LoadResult result;
  if (request.files.empty()) return result;
  SLUICE_ASSIGN_OR_RETURN(Transaction transaction, Transaction::Begin(database));
  SLUICE_RETURN_IF_ERROR(PrepareLedger(database, settings, result));
  SLUICE_ASSIGN_OR_RETURN(std::set<std::string> recorded,
                          LedgerKeys(database, settings.schema, request.pipeline, request.source_table));
  std::vector<int64_t> new_positions;
  std::vector<int64_t> all_positions;
  for (size_t position = 0; position < request.files.size(); ++position) {
    const std::string& key = request.files[position].key;
    all_positions.push_back(static_cast<int64_t>(position));
    if (recorded.count(key)) {
      result.already_loaded_keys.push_back(key);
    } else {
      new_positions.push_back(static_cast<int64_t>(position));
    }
  }
  if (new_positions.empty()) {
    SLUICE_RETURN_IF_ERROR(transaction.Commit());
    return result;
  }
  // A replace rebuilds the table from all its files: they are its whole new contents.
  SLUICE_ASSIGN_OR_RETURN(FileSet files,
                          LoadFiles(database, settings, request, store,
                                    !request.apply && request.mode == LoadMode::kReplace ? all_positions
                                                                                         : new_positions,
                                    result));
  std::vector<LedgerEntry> entries;
  for (size_t file_idx = 0; file_idx < files.positions.size(); ++file_idx) {
    const std::string& key = request.files[files.positions[file_idx]].key;
    if (recorded.count(key)) continue;
    entries.push_back(LedgerEntry{key, files.rows[file_idx]});
    result.loaded_keys.push_back(key);
  }
  LedgerScope scope{settings.schema, request.pipeline, request.source_table, request.target_table, request.run_id};
  SLUICE_RETURN_IF_ERROR(RecordLoadedFiles(database, scope, entries));
  if (request.fence) SLUICE_RETURN_IF_ERROR(request.fence());  // the transaction rolls back on return
  SLUICE_RETURN_IF_ERROR(transaction.Commit());
  return result;
}

}  // namespace sluice::target::duckdb
