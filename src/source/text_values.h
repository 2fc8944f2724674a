// Exact conversions from the text forms databases hand back (SQLite's
// dynamically typed values, MySQL's text protocol) to column storage.
// Nothing here rounds: a value that cannot be held exactly is an error.
// The functions take caller-owned buffers so a reader converts a batch
// without allocating per value. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "common/status.h"
#include "types/data_type.h"

namespace sluice::source {

// Enough for any double in fixed notation (309 integer digits + fraction).
inline constexpr size_t kDoubleTextBufferSize = 512;

// The shortest text that reads back as `value`: "0.1", "1e+300" (general)
// or "1000000000000000000000" (fixed, never an exponent). REQUIRES: finite.
std::string_view FormatDoubleShortest(double value, bool fixed, std::span<char, kDoubleTextBufferSize> buffer);

// True when `text` starts with a date shape "DDDD-DD-DD" whose date is not a
// real calendar date: MySQL's zero date "0000-00-00", "2024-00-10", "2024-02-30".
bool IsZeroOrInvalidDate(std::string_view text);

// "[-]H...H:MM:SS[.f...]" (1-6 fraction digits; hours may exceed 23) as
// microseconds. InvalidArgument otherwise.
Result<int64_t> ParseTimeMicros(std::string_view text);

// Appends the exact decimal text of `text` for a byte-held decimal (precision
// 0 = unconstrained, or > 38): "-12.340" for "-12.34" at scale 3, no leading
// '+' or zeros. With a precision, the fraction is padded to the scale; extra
// non-zero fraction digits or too many integer digits are a DataError.
Status AppendDecimalText(std::string_view text, const DataType& type, std::string* out);

// An instant: what ParseTimestamp accepts, or a timestamp followed by a zone
// offset "+HH:MM" / "-HH:MM" / "+HH", converted to UTC microseconds.
Result<int64_t> ParseTimestampWithOffset(std::string_view text);

// A whole decimal integer as the server printed it ("-42"); InvalidArgument
// naming `what` otherwise. Never throws (server output is input).
Result<int64_t> ParseServerInt64(std::string_view text, std::string_view what);

// True when `bytes` is well-formed UTF-8 (no overlongs, surrogates or code points past U+10FFFF).
bool IsValidUtf8(std::string_view bytes);

}  // namespace sluice::source
