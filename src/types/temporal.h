// Calendar arithmetic and the text forms of dates, times and timestamps.
//
// Days and microseconds count from 1970-01-01T00:00:00 in the proleptic
// Gregorian calendar; the range is 0001-01-01 .. 9999-12-31 23:59:59.999999.
// Text forms are ISO 8601. The watermark and JSON use
// "2025-11-27T15:30:00.000000Z"; SQL literals use "2025-11-27 15:30:00.000000".
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace sluice {

inline constexpr int64_t kMicrosPerSecond = 1000000;
inline constexpr int64_t kMicrosPerDay = 86400 * kMicrosPerSecond;

struct CivilDate {
  int year = 1970;
  int month = 1;  // 1..12
  int day = 1;    // 1..31
};

// Days since 1970-01-01 of a proleptic Gregorian date (any year).
int64_t DaysFromCivil(int year, int month, int day);
CivilDate CivilFromDays(int64_t days);
// True for a real calendar date with year in 1..9999 (no 0000-00-00, no Feb 30).
bool IsValidCivilDate(int year, int month, int day);

// "YYYY-MM-DD"
std::string FormatDate(int32_t days);
// "YYYY-MM-DDTHH:MM:SS.ffffffZ" (the watermark and JSON form).
std::string FormatTimestampIso(int64_t micros);
// "YYYY-MM-DD HH:MM:SS.ffffff" (the SQL literal form, no zone).
std::string FormatTimestampSql(int64_t micros);
// "[-]HH:MM:SS.ffffff"; hours may exceed 24 (MySQL TIME spans ±838:59:59).
std::string FormatTime(int64_t micros);

// Accepts "YYYY-MM-DD", "YYYY-MM-DD HH:MM:SS", a 'T' separator, 1-6 fraction
// digits, and a trailing "Z" or "+00:00". Other offsets are an error.
Result<int64_t> ParseTimestamp(std::string_view text);
Result<int32_t> ParseDate(std::string_view text);

// Microseconds since the epoch, now, from the system clock.
int64_t NowMicros();

}  // namespace sluice
