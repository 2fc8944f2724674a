// What a run reads from the source before it plans: the ceiling (SPEC §3,
// the cursor columns' MAX at run start, the timestamp one capped below the
// writers' clock so its tie group is closed), the rows no cursor can see,
// and columns added since the last run that already hold values. Used by
// sync and by --dry-run, which prints the same findings.
#pragma once

#include <string>
#include <vector>

#include "cdc/planner.h"
#include "config/config.h"
#include "source/source.h"
#include "state/watermark.h"

namespace sluice::sync {

// `notes` (optional) gets one human line per ceiling column read, e.g.
// "MAX(updated_at) = 2025-11-27T15:30:00.000000Z".
Result<cdc::Ceiling> ReadCeiling(source::Source& source, const config::TableConfig& table,
                                 const cdc::TableSpec& spec, std::vector<std::string>* notes = nullptr);

// Rows an incremental strategy never reads because a cursor column holds
// no value it can order (NULL; MySQL zero dates), at run start.
struct NullCursorRows {
  int64_t rows = 0;
  std::string column;  // the cursor column counted
};

// Counts them for hybrid, timestamp_only and id_only (other strategies,
// NOT NULL columns and null_cursor: ignore: 0, no query). `notes` as for ReadCeiling.
Result<NullCursorRows> CountNullCursorRows(source::Source& source, const config::TableConfig& table,
                                          const cdc::TableSpec& spec, std::vector<std::string>* notes = nullptr);

// The run's answer to them (processing.null_cursor): a warning in the log,
// or (error) a DataError naming table, column and remedies.
Status CheckNullCursorRows(const config::TableConfig& table, const cdc::TableSpec& spec,
                           const NullCursorRows& found);

// Columns of `schema` missing from `recorded` (the schema of the last
// extract) that already hold values in the source (a DEFAULT, a backfill):
// rows loaded before lack them, so the table must be read again. Empty
// without a recorded schema, for full_sync (it reads everything anyway) and
// custom_sql (its columns are the query's).
Result<std::vector<std::string>> AddedColumnsWithValues(source::Source& source, const config::TableConfig& table,
                                                        const std::optional<Schema>& recorded, const Schema& schema);

// A cursor kept by another strategy than the one the configuration now
// names means something else to it (a timestamp where an id is expected, a
// position taken without ties), so the table stops with the remedy. Fine
// when the watermark has no cursor, or the new strategy is full_sync.
Status CheckStrategyUnchanged(const config::TableConfig& table, const state::Watermark& watermark);

}  // namespace sluice::sync
