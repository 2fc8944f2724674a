// Value: one scalar taken from a row, for cursors (the watermark's
// position), ceilings and bound query parameters. Not for bulk data, which
// stays in ColumnBatches.
//
// Ordering (operator<=>) is defined between values of the same kind; NULL
// sorts first. Thread-safety: a value type.
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <variant>

#include "common/status.h"
#include "types/column_batch.h"

namespace sluice {

struct TimestampMicros {
  int64_t micros = 0;
  friend auto operator<=>(const TimestampMicros&, const TimestampMicros&) = default;
};
struct DateDays {
  int32_t days = 0;
  friend auto operator<=>(const DateDays&, const DateDays&) = default;
};

class Value {
 public:
  enum class Kind { kNull, kInt64, kUInt64, kTimestamp, kDate, kText };

  Value() = default;
  static Value Int64(int64_t value) { return Value(Storage(value)); }
  static Value UInt64(uint64_t value) { return Value(Storage(value)); }
  static Value Timestamp(int64_t micros) { return Value(Storage(TimestampMicros{micros})); }
  static Value Date(int32_t days) { return Value(Storage(DateDays{days})); }
  static Value Text(std::string text) { return Value(Storage(std::move(text))); }

  Kind kind() const { return static_cast<Kind>(storage_.index()); }
  bool is_null() const { return kind() == Kind::kNull; }
  int64_t int64() const { return std::get<int64_t>(storage_); }
  uint64_t uint64() const { return std::get<uint64_t>(storage_); }
  int64_t timestamp_micros() const { return std::get<TimestampMicros>(storage_).micros; }
  int32_t date_days() const { return std::get<DateDays>(storage_).days; }
  const std::string& text() const { return std::get<std::string>(storage_); }

  // Human/JSON form: digits, "2025-11-27T15:30:00.000000Z", "2025-11-27", the text, or "NULL".
  std::string ToString() const;
  // Timestamps and dates as microseconds since the epoch (dates at midnight);
  // nullopt for other kinds.
  std::optional<int64_t> AsMicros() const;

  friend bool operator==(const Value&, const Value&) = default;
  // Same kinds compare by value; kInt64 and kUInt64 compare numerically;
  // NULL sorts first; other mixes are unordered.
  friend std::partial_ordering operator<=>(const Value& a, const Value& b);

 private:
  using Storage = std::variant<std::monostate, int64_t, uint64_t, TimestampMicros, DateDays, std::string>;
  explicit Value(Storage storage) : storage_(std::move(storage)) {}
  Storage storage_;
};

// gtest and logging: prints ToString().
inline void PrintTo(const Value& value, std::ostream* out) { *out << value.ToString(); }

// The value at (column, row) as a cursor Value: integers as kInt64/kUInt64,
// DECIMAL(p,0) as kInt64/kUInt64 when it fits (else kText), timestamps and
// dates as such, strings as kText. NotSupported for floats, binary, JSON.
Result<Value> ValueAt(const ColumnVector& column, size_t row);

}  // namespace sluice
