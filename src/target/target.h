// Target: the warehouse sluice loads into (DuckDB, PostgreSQL, Redshift).
//
// A Target creates the table from the mapped schema and loads a set of
// staged Parquet files in ONE transaction that also records each file in
// the target's own ledger table (`_sluice_loaded_files`), so a file is
// never applied twice whatever crashed where: files already in the ledger
// are skipped inside that same transaction.
//
// Merge mode deduplicates by primary key across and inside the files
// (latest wins: highest `order_columns`, then later file, then later row)
// and replaces existing rows with those keys. Append inserts every row.
// Replace loads into a new table and swaps it in atomically.
//
// Thread-safety: one thread at a time.
#pragma once

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "store/object_store.h"
#include "types/schema.h"

namespace sluice::target {

enum class LoadMode { kMerge, kAppend, kReplace };

struct StagedFile {
  std::string key;  // store key; the ledger's identity of the file
  int64_t rows = 0;
  uint64_t bytes = 0;
  // The extract run that wrote it ("" when unknown). A run reads each
  // source row once, so a key twice among one run's rows means the
  // primary key is not unique: merge refuses that instead of dropping rows.
  std::string run_id;
};

struct LoadRequest {
  std::string pipeline;
  std::string source_table;  // ledger scope, as configured ("settlement.orders")
  std::string target_table;  // table name inside the target's schema
  SchemaPtr schema;          // columns of the staged files (the source schema)
  std::vector<std::string> primary_key;    // merge key (kMerge)
  std::vector<std::string> order_columns;  // "latest" for dedup: cursor columns, descending
  LoadMode mode = LoadMode::kMerge;
  std::vector<StagedFile> files;  // in staging order
  std::string run_id;
};

struct LoadResult {
  int64_t rows_in_files = 0;      // rows read from the newly loaded files
  int64_t rows_written = 0;       // rows inserted after deduplication
  std::vector<std::string> loaded_keys;          // loaded now
  std::vector<std::string> already_loaded_keys;  // found in the ledger, skipped
  std::vector<std::string> ddl;                  // statements applied (create/alter)
};

class Target {
 public:
  virtual ~Target() = default;

  // The ledger's file keys for (pipeline, source_table).
  virtual Result<std::set<std::string>> LoadedFiles(const std::string& pipeline, const std::string& source_table) = 0;
  // The DDL Load would run now for `request` (create table, add columns); empty when none.
  virtual Result<std::vector<std::string>> PlanDdl(const LoadRequest& request) = 0;
  // Loads request.files not yet in the ledger, reading them through `store`; all or nothing.
  virtual Result<LoadResult> Load(const LoadRequest& request, store::ObjectStore& store) = 0;
  // Rows in the target table (0 when it does not exist), for validation and `verify`.
  virtual Result<int64_t> CountRows(const std::string& target_table) = 0;
  // "DuckDB v1.4.4", "PostgreSQL 15.8", ...
  virtual Result<std::string> ServerVersion() = 0;
};

// kPlanOnly: for --dry-run; the target is only read (LoadedFiles, PlanDdl,
// CountRows) and nothing is created, not even an empty database file.
enum class TargetAccess { kReadWrite, kPlanOnly };

}  // namespace sluice::target
