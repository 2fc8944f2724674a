// Lookback: which rows a run reads again behind its cursor, so that a
// transaction that wrote a row before a run read past it, and committed
// after, is not lost (SPEC §3, `lookback_seconds`).
//
// The rule. A run whose clock read S when it started sees every row
// committed by S. A row it missed belongs to a transaction still open at
// S; with transactions open at most `lookback_seconds` (L), that row was
// written after S - L. So the next run re-reads exactly what can have been
// written after S - L:
//   - timestamp columns carry their writing time: re-read timestamps at or
//     above S - L (the writers' clock for naive columns). A quiet table,
//     whose cursor is older than that, re-reads nothing.
//   - ids carry no time: each run records MAX(id) with its clock (a
//     sample); the next run re-reads ids above the newest sample taken at
//     or before S - L. Until such a sample exists (a table's first runs)
//     it re-reads ids above the first run's sample, so the one case left
//     is a transaction already open when a table's very first sync started
//     (docs/data-gaps.md).
// Re-read rows are merged away on load by primary key, which is why a
// lookback needs one (cdc::MakeTableSpec refuses it without).
//
// The state lives in the watermark (`lookback`, docs/watermark.md) and
// moves only once a run has read past its start cursor or finished, so a
// run that stopped inside its re-read window leaves the older, wider
// window for the next run. Pure functions; thread-safe.
#pragma once

#include <optional>

#include "cdc/planner.h"
#include "cdc/table_spec.h"
#include "types/cursor.h"

namespace sluice::cdc {

// id_only keeps at most this many samples (thinned, never the oldest).
inline constexpr size_t kMaxIdSamples = 64;

// The exclusive lower bound of the timestamp re-read, or nullopt when
// nothing needs reading again (no lookback, first run, quiet table).
std::optional<int64_t> RereadFromTimestamp(const TableSpec& spec, const Cursor& start, const Lookback& recorded);
// The exclusive lower id of the id_only re-read, or NULL when none.
Value RereadFromId(const TableSpec& spec, const Cursor& start, const Lookback& recorded);

// The state to record when a run starts: id_only adds the run's sample
// (ceiling.clock_micros, ceiling.id).
Lookback LookbackAtStart(const TableSpec& spec, const Lookback& recorded, const Ceiling& ceiling);
// The state to record once the run has read past its start cursor or
// finished reading: what the next run must re-read.
Lookback LookbackAfterRead(const TableSpec& spec, const Lookback& at_start, const Ceiling& ceiling);

}  // namespace sluice::cdc
