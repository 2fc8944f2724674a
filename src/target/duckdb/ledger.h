// The ledger of loaded files: the table "_sluice_loaded_files" in the
// target schema, one row per staged file a load committed (SPEC §4: a file
// is never applied twice). Load reads and writes it inside the load's own
// transaction, so the ledger and the data change together or not at all.
//
//   pipeline VARCHAR, source_table VARCHAR, file_key VARCHAR,
//   target_table VARCHAR, rows BIGINT, run_id VARCHAR, loaded_at TIMESTAMPTZ,
//   PRIMARY KEY (pipeline, source_table, file_key)
//
// Thread-safety: as Database.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "config/config.h"
#include "target/duckdb/duckdb_api.h"

namespace sluice::target::duckdb {

inline constexpr std::string_view kLedgerTable = config::kLedgerTableName;

// CREATE TABLE IF NOT EXISTS for the ledger in `schema`.
std::string LedgerCreateSql(std::string_view schema);

// The file keys recorded for (pipeline, source_table); empty when the ledger does not exist yet.
Result<std::set<std::string>> LedgerKeys(Database& database, std::string_view schema, std::string_view pipeline,
                                         std::string_view source_table);

struct LedgerEntry {
  std::string file_key;
  int64_t rows = 0;
};

struct LedgerScope {
  std::string schema;
  std::string pipeline;
  std::string source_table;
  std::string target_table;
  std::string run_id;
};

// Inserts one row per entry, stamped with the transaction's start time.
// REQUIRES: the ledger exists; no entry's key is recorded for the scope yet.
Status RecordLoadedFiles(Database& database, const LedgerScope& scope, const std::vector<LedgerEntry>& entries);

}  // namespace sluice::target::duckdb
