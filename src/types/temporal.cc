#include "types/temporal.h"

#include <charconv>
#include <chrono>

#include <fmt/format.h>

namespace sluice {
namespace {

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

bool ParseDigits(std::string_view text, size_t position, size_t count, int* value) {
  if (position + count > text.size()) return false;
  int result = 0;
  for (size_t digit_idx = 0; digit_idx < count; ++digit_idx) {
    char c = text[position + digit_idx];
    if (c < '0' || c > '9') return false;
    result = result * 10 + (c - '0');
  }
  *value = result;
  return true;
}

}  // namespace

// Howard Hinnant's days_from_civil / civil_from_days.
int64_t DaysFromCivil(int year, int month, int day) {
  int64_t y = year - (month <= 2 ? 1 : 0);
  int64_t era = FloorDiv(y, 400);
  int64_t year_of_era = y - era * 400;
  int64_t day_of_year = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
  int64_t day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + day_of_era - 719468;
}

CivilDate CivilFromDays(int64_t days) {
  days += 719468;
  int64_t era = FloorDiv(days, 146097);
  int64_t day_of_era = days - era * 146097;
  int64_t year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  int64_t day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  int64_t mp = (5 * day_of_year + 2) / 153;
  int day = static_cast<int>(day_of_year - (153 * mp + 2) / 5 + 1);
  int month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  int year = static_cast<int>(year_of_era + era * 400 + (month <= 2 ? 1 : 0));
  return CivilDate{year, month, day};
}

bool IsValidCivilDate(int year, int month, int day) {
  if (year < 1 || year > 9999 || month < 1 || month > 12 || day < 1) return false;
  static constexpr int kDaysInMonth[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  int limit = kDaysInMonth[month - 1] + (month == 2 && leap ? 1 : 0);
  return day <= limit;
}

std::string FormatDate(int32_t days) {
  CivilDate date = CivilFromDays(days);
  return fmt::format("{:04d}-{:02d}-{:02d}", date.year, date.month, date.day);
}

static std::string FormatTimestamp(int64_t micros, char separator, std::string_view suffix) {
  int64_t days = FloorDiv(micros, kMicrosPerDay);
  int64_t micros_of_day = micros - days * kMicrosPerDay;
  CivilDate date = CivilFromDays(days);
  int64_t seconds = micros_of_day / kMicrosPerSecond;
  return fmt::format("{:04d}-{:02d}-{:02d}{}{:02d}:{:02d}:{:02d}.{:06d}{}", date.year, date.month, date.day,
                     separator, seconds / 3600, seconds / 60 % 60, seconds % 60, micros_of_day % kMicrosPerSecond,
                     suffix);
}

std::string FormatTimestampIso(int64_t micros) { return FormatTimestamp(micros, 'T', "Z"); }
std::string FormatTimestampSql(int64_t micros) { return FormatTimestamp(micros, ' ', ""); }

std::string FormatTime(int64_t micros) {
  bool negative = micros < 0;
  uint64_t magnitude = negative ? 0 - static_cast<uint64_t>(micros) : static_cast<uint64_t>(micros);
  uint64_t seconds = magnitude / kMicrosPerSecond;
  return fmt::format("{}{:02d}:{:02d}:{:02d}.{:06d}", negative ? "-" : "", seconds / 3600, seconds / 60 % 60,
                     seconds % 60, magnitude % kMicrosPerSecond);
}

Result<int32_t> ParseDate(std::string_view text) {
  int year, month, day;
  if (text.size() != 10 || !ParseDigits(text, 0, 4, &year) || text[4] != '-' || !ParseDigits(text, 5, 2, &month) ||
      text[7] != '-' || !ParseDigits(text, 8, 2, &day)) {
    return InvalidArgument("'{}' is not a date (expected YYYY-MM-DD)", text);
  }
  if (!IsValidCivilDate(year, month, day)) return InvalidArgument("'{}' is not a valid calendar date", text);
  return static_cast<int32_t>(DaysFromCivil(year, month, day));
}

Result<int64_t> ParseTimestamp(std::string_view text) {
  auto bad = [&]() {
    return InvalidArgument("'{}' is not a timestamp (expected YYYY-MM-DDTHH:MM:SS[.ffffff][Z])", text);
  };
  if (text.size() < 10) return bad();
  SLUICE_ASSIGN_OR_RETURN(int32_t days, ParseDate(text.substr(0, 10)));
  int64_t micros = static_cast<int64_t>(days) * kMicrosPerDay;
  std::string_view rest = text.substr(10);
  if (rest.empty()) return micros;
  if (rest[0] != 'T' && rest[0] != ' ') return bad();
  int hour, minute, second;
  if (!ParseDigits(rest, 1, 2, &hour) || rest.size() < 9 || rest[3] != ':' || !ParseDigits(rest, 4, 2, &minute) ||
      rest[6] != ':' || !ParseDigits(rest, 7, 2, &second) || hour > 23 || minute > 59 || second > 59) {
    return bad();
  }
  micros += (hour * 3600LL + minute * 60 + second) * kMicrosPerSecond;
  rest = rest.substr(9);
  if (!rest.empty() && rest[0] == '.') {
    size_t digits = 1;
    int64_t fraction = 0;
    while (digits < rest.size() && rest[digits] >= '0' && rest[digits] <= '9') {
      if (digits > 6) return bad();
      fraction = fraction * 10 + (rest[digits] - '0');
      ++digits;
    }
    if (digits == 1) return bad();
    for (size_t pad = digits; pad <= 6; ++pad) fraction *= 10;
    micros += fraction;
    rest = rest.substr(digits);
  }
  if (rest.empty() || rest == "Z" || rest == "+00:00" || rest == "+00") return micros;
  return InvalidArgument("timestamp '{}' has a zone offset other than UTC; write it in UTC with a trailing Z", text);
}

int64_t NowMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace sluice
