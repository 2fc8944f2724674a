// Target: the warehouse sluice loads into (DuckDB, PostgreSQL, Redshift).
//
// A Target creates the table from the mapped schema and loads a set of
// staged Parquet files in ONE transaction that also records each file in
// the target's own ledger table (`_sluice_loaded_files`), so a file is
// never applied twice whatever crashed where: files already in the ledger
// are skipped inside that same transaction.
//
// Two kinds of files are loaded (SPEC §4, §8):
//
// Row files (an extract's): the table's columns and `_seq`. They are
// loaded by LoadMode. Merge deduplicates by primary key across and inside
// the files (latest wins: highest `order_columns`, then later file, then
// higher `_seq`, or the later row for files staged before `_seq`) and
// replaces existing rows with those keys. Append inserts every row.
// Replace loads into a new table and swaps it in atomically.
//
// Change files (a change log's): the table's columns and `_op` ('I'
// insert, 'U' update: after image, 'D' delete: before image),
// `_commit_ts` (TIMESTAMP adjusted to UTC: the transaction's commit),
// `_tx` (the transaction) and `_seq` (log order). They are applied by
// ApplyMode, and LoadMode is not used. A key's changes are taken in
// (file position in the load, `_seq`) order; `order_columns` are not used.
//
//   kMerge       the table holds the table's columns. For each key, its
//                latest change wins: I/U upsert that image, D deletes
//                the row (a D of a key the table does not hold: nothing).
//   kSoftDelete  the table's columns + `_deleted_at` (TIMESTAMPTZ). As
//                kMerge, but a D keeps the row, as the D's before image,
//                with `_deleted_at` = the D's `_commit_ts`; an I/U of the
//                key later clears it. A D of a key neither in the table nor
//                changed earlier in the load leaves no row.
//   kHistory     type 2: the table's columns + `_valid_from` (TIMESTAMPTZ
//                NOT NULL), `_valid_to` (TIMESTAMPTZ, NULL while current),
//                `_is_current` (BOOLEAN NOT NULL); its key is primary_key +
//                `_valid_from`. Each I/U opens a version at its
//                `_commit_ts`, closing the key's current one there; a D
//                closes it and opens none. Of several changes of one key
//                with one `_commit_ts` (one transaction) only the last
//                counts: a version is never zero-length, and a current
//                version opened in that same transaction by an earlier load
//                is replaced rather than closed.
//   kChanges     an audit log: every change row appended as it is, with
//                `_op`, `_commit_ts`, `_tx` and `_seq` as columns. Needs no key.
//
// The metadata columns are created with the table (and added by the
// apply mode's first load to a table created without them); no key
// constraint is declared (as for merge: loads delete and re-insert).
//
// Thread-safety: one thread at a time.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "store/object_store.h"
#include "types/schema.h"

namespace sluice::target {

// How row files are loaded.
enum class LoadMode { kMerge, kAppend, kReplace };

// How change files are applied (SPEC §8 `apply:`). Separate from LoadMode
// because it says what the files are, not only how they land: a request
// with an ApplyMode is a request of change files.
enum class ApplyMode { kMerge, kSoftDelete, kHistory, kChanges };

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
  LoadMode mode = LoadMode::kMerge;        // row files
  std::optional<ApplyMode> apply;          // set: the files are change files, applied so (mode is not used)
  std::vector<StagedFile> files;  // in staging order (for change files: log order)
  std::string run_id;
  // Called inside the load's transaction right before it commits; an error
  // rolls the whole load back (ledger included) and is returned. The run
  // passes its lease check here, so a run that lost its table's lease
  // cannot commit a load (fencing). Empty: no check.
  std::function<Status()> fence;
};

struct LoadResult {
  int64_t rows_in_files = 0;      // rows read from the newly loaded files
  int64_t rows_written = 0;       // rows inserted after deduplication (history: versions opened)
  std::vector<std::string> loaded_keys;          // loaded now
  std::vector<std::string> already_loaded_keys;  // found in the ledger, skipped
  std::vector<std::string> ddl;                  // statements applied (create/alter)
};

// The columns of the table `request` loads: the source schema's, then
// those its ApplyMode adds (above). Every target creates these.
Schema TableSchema(const LoadRequest& request);

// Whether `request` needs request.primary_key: row merges and every apply mode but kChanges.
bool NeedsPrimaryKey(const LoadRequest& request);

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
