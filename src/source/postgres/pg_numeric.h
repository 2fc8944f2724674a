// Internal to the PostgreSQL source: the binary form of `numeric`
// (numeric_send) decoded exactly, to an unscaled integer for decimal(p,s)
// with p <= 38 or to its exact decimal text.
//
// The wire form is int16 ndigits, int16 weight, uint16 sign, int16 dscale,
// then ndigits base-10000 digits (int16 each, most significant first); the
// value is sum(digit[i] * 10000^(weight - i)). sign is 0x0000 (+), 0x4000
// (-), 0xC000 (NaN), 0xD000 (+Infinity) or 0xF000 (-Infinity). Nothing is
// ever rounded: digits a type cannot hold are a DataError. Pure; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace sluice::source::postgres {

struct NumericValue {
  int ndigits = 0;
  int weight = 0;
  uint16_t sign = 0;
  int dscale = 0;
  const char* digits = nullptr;  // ndigits big-endian int16 values, each 0..9999

  bool negative() const { return sign == 0x4000; }
  // "NaN", "Infinity", "-Infinity"; empty for a finite value.
  std::string_view SpecialName() const;
};

// Checks the framing; DataError when it is malformed.
Result<NumericValue> ParseNumeric(std::string_view value);

// value * 10^scale as an exact integer. DataError for NaN/Infinity, for
// non-zero digits past `scale`, and for |value * 10^scale| >= 10^precision.
// REQUIRES: 0 <= scale <= precision <= 38.
Result<__int128> NumericUnscaled(const NumericValue& value, int precision, int scale);

// Appends the exact text: "-12.340" (dscale fraction digits, as PostgreSQL
// prints it), "0.5". REQUIRES: a finite value (SpecialName() empty).
void AppendNumericText(const NumericValue& value, std::string* out);

}  // namespace sluice::source::postgres
