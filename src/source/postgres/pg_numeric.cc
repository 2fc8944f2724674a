#include "source/postgres/pg_numeric.h"

#include <algorithm>
#include <array>

#include "source/postgres/pg_wire.h"
#include "types/data_type.h"

namespace sluice::source::postgres {
namespace {

constexpr uint16_t kNumericPositive = 0x0000;
constexpr uint16_t kNumericNegative = 0x4000;
constexpr uint16_t kNumericNaN = 0xC000;
constexpr uint16_t kNumericPlusInfinity = 0xD000;
constexpr uint16_t kNumericMinusInfinity = 0xF000;
constexpr uint16_t kNumericBase = 10000;
constexpr int kDigitsPerGroup = 4;
constexpr int kMaxUInt64Exponent = 19;  // 10^19 < 2^64

uint16_t DigitAt(const NumericValue& value, int index) {
  if (index < 0 || index >= value.ndigits) return 0;
  return LoadUInt16(value.digits + 2 * index);
}

int PowerOf10(int exponent) {
  static constexpr int kPowers[] = {1, 10, 100, 1000, 10000};
  return kPowers[exponent];
}

// 10^0 .. 10^19 and 10^0 .. 10^38.
constexpr auto kPowersOfTen64 = [] {
  std::array<uint64_t, kMaxUInt64Exponent + 1> powers{};
  powers[0] = 1;
  for (size_t exponent = 1; exponent < powers.size(); ++exponent) powers[exponent] = powers[exponent - 1] * 10;
  return powers;
}();
constexpr auto kPowersOfTen = [] {
  std::array<unsigned __int128, 39> powers{};
  powers[0] = 1;
  for (size_t exponent = 1; exponent < powers.size(); ++exponent) powers[exponent] = powers[exponent - 1] * 10;
  return powers;
}();

}  // namespace

std::string_view NumericValue::SpecialName() const {
  switch (sign) {
    case kNumericNaN: return "NaN";
    case kNumericPlusInfinity: return "Infinity";
    case kNumericMinusInfinity: return "-Infinity";
    default: return {};
  }
}

Result<NumericValue> ParseNumeric(std::string_view value) {
  if (value.size() < 8) return DataError("a numeric of {} bytes is malformed", value.size());
  NumericValue parsed;
  parsed.ndigits = LoadInt16(value.data());
  parsed.weight = LoadInt16(value.data() + 2);
  parsed.sign = LoadUInt16(value.data() + 4);
  parsed.dscale = LoadInt16(value.data() + 6);
  parsed.digits = value.data() + 8;
  bool known_sign = parsed.sign == kNumericPositive || parsed.sign == kNumericNegative || !parsed.SpecialName().empty();
  if (parsed.ndigits < 0 || value.size() != 8 + 2 * static_cast<size_t>(parsed.ndigits) || !known_sign ||
      parsed.dscale < 0) {
    return DataError("a numeric of {} bytes is malformed", value.size());
  }
  for (int index = 0; index < parsed.ndigits; ++index) {
    if (DigitAt(parsed, index) >= kNumericBase) return DataError("a numeric has a digit out of range");
  }
  return parsed;
}

Result<__int128> NumericUnscaled(const NumericValue& value, int precision, int scale) {
  if (!value.SpecialName().empty()) return DataError("{} is not a number a decimal can hold", value.SpecialName());
  // digit[i] contributes digit[i] * 10^(exponent of digit 0 - 4i) to value * 10^scale.
  int top_exponent = kDigitsPerGroup * value.weight + scale;
  bool fits_uint64 = top_exponent + kDigitsPerGroup <= kMaxUInt64Exponent;  // every partial sum < 10^19
  uint64_t small = 0;
  unsigned __int128 magnitude = 0;
  for (int index = 0; index < value.ndigits; ++index) {
    uint32_t digit = DigitAt(value, index);
    int exponent = top_exponent - kDigitsPerGroup * index;
    if (exponent < 0) {
      // Fraction digits past the scale: allowed only when zero (never rounded).
      uint32_t divisor = exponent <= -kDigitsPerGroup ? 0 : static_cast<uint32_t>(PowerOf10(-exponent));
      if (divisor == 0 ? digit != 0 : digit % divisor != 0) {
        return DataError("a value with more than {} fraction digits does not fit (it would round)", scale);
      }
      if (divisor == 0) continue;
      digit /= divisor;
      exponent = 0;
    }
    if (fits_uint64) {
      small += digit * kPowersOfTen64[static_cast<size_t>(exponent)];
      continue;
    }
    if (digit == 0) continue;
    unsigned __int128 term = 0;
    if (exponent > kMaxExactDecimalPrecision ||
        __builtin_mul_overflow(static_cast<unsigned __int128>(digit), kPowersOfTen[static_cast<size_t>(exponent)],
                               &term) ||
        __builtin_add_overflow(magnitude, term, &magnitude)) {
      return DataError("the value has more than {} integer digits", precision - scale);
    }
  }
  if (fits_uint64) magnitude = small;
  if (magnitude >= kPowersOfTen[static_cast<size_t>(precision)]) {
    return DataError("the value has more than {} integer digits", precision - scale);
  }
  auto unscaled = static_cast<__int128>(magnitude);
  return value.negative() ? -unscaled : unscaled;
}

void AppendNumericText(const NumericValue& value, std::string* out) {
  if (value.negative() && value.ndigits > 0) out->push_back('-');
  char group[kDigitsPerGroup];
  auto format_group = [&](uint16_t digit) {
    for (int place = kDigitsPerGroup - 1; place >= 0; --place) {
      group[place] = static_cast<char>('0' + digit % 10);
      digit /= 10;
    }
  };
  if (value.weight < 0) out->push_back('0');
  for (int position = value.weight; position >= 0; --position) {
    format_group(DigitAt(value, value.weight - position));
    int skip = 0;
    if (position == value.weight) {
      while (skip < kDigitsPerGroup - 1 && group[skip] == '0') ++skip;  // no leading zeros
    }
    out->append(group + skip, kDigitsPerGroup - skip);
  }
  if (value.dscale == 0) return;
  out->push_back('.');
  int written = 0;
  for (int position = -1; written < value.dscale; --position) {
    format_group(DigitAt(value, value.weight - position));
    int take = std::min(kDigitsPerGroup, value.dscale - written);
    out->append(group, static_cast<size_t>(take));
    written += take;
  }
}

}  // namespace sluice::source::postgres
