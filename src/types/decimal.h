// Exact decimal text <-> unscaled integers, for DECIMAL(p,s) columns held
// as int64 (p <= 18) or __int128 (p <= 38). Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace sluice {

// "-123.4500" for unscaled -1234500, scale 4.
std::string FormatDecimal(__int128 unscaled, int scale);
// Decimal digits of a 128-bit integer.
std::string Int128ToString(__int128 value);

// Parses "[-+]digits[.digits]" into value * 10^scale. Fewer fraction digits
// than `scale` are padded; more are an error unless they are zeros (never
// rounds). More than `precision` digits is an error (precision <= 38).
Result<__int128> ParseDecimal(std::string_view text, int precision, int scale);

// 10^exponent, exponent 0..38.
__int128 PowerOfTen(int exponent);

}  // namespace sluice
