// Cursor: a table's position in its change stream, the watermark's
// "cursor" (SPEC §4). Which fields are set depends on the strategy:
// hybrid (timestamp, id), timestamp_only (timestamp), id_only (id),
// custom_sql (whichever its columns give), full_sync (none).
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>

#include "types/value.h"

namespace sluice {

struct Cursor {
  std::optional<int64_t> timestamp_micros;  // JSON: "2025-11-27T15:30:00.000000Z" or null
  Value id;                                 // JSON: number, string, or null
  bool empty() const { return !timestamp_micros.has_value() && id.is_null(); }
  friend bool operator==(const Cursor&, const Cursor&) = default;
};

inline void PrintTo(const Cursor& cursor, std::ostream* out) {
  *out << "{timestamp_micros: " << (cursor.timestamp_micros ? std::to_string(*cursor.timestamp_micros) : "null")
       << ", id: " << cursor.id.ToString() << "}";
}

}  // namespace sluice
