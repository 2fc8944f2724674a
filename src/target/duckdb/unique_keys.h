// A cheap proof that no key repeats among a load's staged files, for the
// way most large loads are staged: by a read in key order (a keyset on the
// primary key, a full copy of an InnoDB table), so each file's keys
// strictly increase and the files' key ranges do not overlap. Both facts
// together prove every key unique, whatever order DuckDB returns the rows
// in: a sequence that strictly increases holds no value twice.
//
// The key columns are streamed once, holding one key per file. Keys are
// compared as integers (integer columns) or bytes (text), a strict total
// order on DuckDB's equality. When the proof fails the keys may still be
// unique; the caller then finds the repeated keys the general way (a
// GROUP BY). Other key types are not tried.
//
// Thread-safety: as Database.
#pragma once

#include <string>
#include <vector>

#include "common/status.h"
#include "target/duckdb/duckdb_api.h"

namespace sluice::target::duckdb {

// A key column of the staged files: its name and DuckDB type ("BIGINT", "VARCHAR", ...).
struct KeyColumn {
  std::string name;
  std::string type;
};

// Whether this proof can compare keys of these columns (integers, text).
bool KeysComparable(const std::vector<KeyColumn>& key_columns);

// True: no key appears twice among the rows of `paths`. False: not proved.
// REQUIRES: KeysComparable(key_columns); no key column is NULL in any row.
Result<bool> KeysProvablyUnique(Database& database, const std::vector<std::string>& paths,
                                const std::vector<KeyColumn>& key_columns);

}  // namespace sluice::target::duckdb
