// TableSpec: what a change-capture strategy needs to know about one table,
// resolved from its configuration and the source's schema, and checked:
// the cursor columns exist and have usable types, the strategy's needs are
// met. Errors name the table, the column and the remedy.
#pragma once

#include <string>
#include <vector>

#include "config/config.h"
#include "types/schema.h"

namespace sluice::cdc {

struct TableSpec {
  config::CdcStrategy strategy = config::CdcStrategy::kHybrid;
  std::string table;  // as configured
  SchemaPtr schema;
  std::string timestamp_column;          // "" when the strategy uses none
  std::string id_column;                 // "" when the strategy uses none
  std::vector<std::string> primary_key;  // configured, else the source's
  int64_t lookback_seconds = 0;  // resolved: as configured, else the default (see MakeTableSpec)
  int64_t batch_size = 50000;
  std::string custom_sql;
  // hybrid and timestamp_only: a first run copies the table in the order
  // cheapest for the source, heap or primary key (ChunkPlanner, "first
  // copy"). Off: in cursor order, as later runs read; the planner's tests
  // of that keyset turn it off.
  bool first_copy = true;

  // True when the id column alone is the primary key (so its values are unique).
  bool IdIsUnique() const { return primary_key.size() == 1 && primary_key[0] == id_column; }
};

// REQUIRES: `schema` is the table's (or, for custom_sql, the query's) schema.
// Resolves lookback_seconds: as configured, else kDefaultLookbackSeconds for
// hybrid, timestamp_only and id_only tables with a primary key, else 0; a
// configured lookback on a table without a primary key is refused.
Result<TableSpec> MakeTableSpec(const config::TableConfig& table, SchemaPtr schema);

// What this table's configuration leaves uncovered, for a warning at each
// run and in --dry-run: late commits without a lookback, a configured
// primary key the source does not declare. Empty when nothing.
std::vector<std::string> SpecWarnings(const config::TableConfig& table, const TableSpec& spec);

// Default lookback of an incremental table with a primary key whose config
// does not set lookback_seconds (SPEC §3).
inline constexpr int64_t kDefaultLookbackSeconds = 300;

}  // namespace sluice::cdc
