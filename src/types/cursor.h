// Cursor: a table's position in its change stream, the watermark's
// "cursor" (SPEC §4). Which fields are set depends on the strategy:
// hybrid (timestamp, id), timestamp_only (timestamp), id_only (id),
// custom_sql (whichever its columns give), full_sync (none).
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "types/value.h"

namespace sluice {

struct Cursor {
  std::optional<int64_t> timestamp_micros;  // JSON: "2025-11-27T15:30:00.000000Z" or null
  Value id;                                 // JSON: number, string, or null
  bool empty() const { return !timestamp_micros.has_value() && id.is_null(); }
  friend bool operator==(const Cursor&, const Cursor&) = default;
};

// What a lookback (SPEC §3, lookback_seconds) needs to know from earlier
// runs to re-read exactly the rows a late commit can have hidden: a
// transaction that wrote its row before a run read past it and committed
// after. A run that started at clock S can have missed only rows written
// after S - lookback, so the next run re-reads from there
// (docs/watermark.md, "lookback").
struct IdSample {
  int64_t at_micros = 0;  // the source's UTC clock when a run started
  Value id;               // MAX(id) the run saw then (its ceiling)
  friend bool operator==(const IdSample&, const IdSample&) = default;
};

struct Lookback {
  // Timestamp strategies: re-read timestamps above this (the column's own
  // clock: the writers' wall clock for naive columns). Unset: cursor - lookback.
  std::optional<int64_t> from_timestamp_micros;
  // id_only: re-read ids above this. NULL: only above the cursor.
  Value from_id;
  // id_only: MAX(id) at the start of recent runs, oldest first, to find the
  // id a run's clock minus lookback corresponds to.
  std::vector<IdSample> id_samples;
  bool empty() const { return !from_timestamp_micros && from_id.is_null() && id_samples.empty(); }
  friend bool operator==(const Lookback&, const Lookback&) = default;
};

inline void PrintTo(const Cursor& cursor, std::ostream* out) {
  *out << "{timestamp_micros: " << (cursor.timestamp_micros ? std::to_string(*cursor.timestamp_micros) : "null")
       << ", id: " << cursor.id.ToString() << "}";
}

}  // namespace sluice
