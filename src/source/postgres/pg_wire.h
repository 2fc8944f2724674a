// Internal to the PostgreSQL source: reading the big-endian integers of
// PostgreSQL's binary formats (COPY BINARY framing and each type's send
// function), and the fixed epochs they count from. Header-only; pure.
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>

namespace sluice::source::postgres {

// PostgreSQL counts dates and timestamps from 2000-01-01; sluice from 1970-01-01.
inline constexpr int32_t kPgEpochDays = 10957;
inline constexpr int64_t kPgEpochMicros = int64_t{kPgEpochDays} * 86400 * 1000000;

inline uint16_t LoadUInt16(const char* data) {
  uint16_t value;
  std::memcpy(&value, data, sizeof(value));
  return std::byteswap(value);
}
inline uint32_t LoadUInt32(const char* data) {
  uint32_t value;
  std::memcpy(&value, data, sizeof(value));
  return std::byteswap(value);
}
inline uint64_t LoadUInt64(const char* data) {
  uint64_t value;
  std::memcpy(&value, data, sizeof(value));
  return std::byteswap(value);
}
inline int16_t LoadInt16(const char* data) { return static_cast<int16_t>(LoadUInt16(data)); }
inline int32_t LoadInt32(const char* data) { return static_cast<int32_t>(LoadUInt32(data)); }
inline int64_t LoadInt64(const char* data) { return static_cast<int64_t>(LoadUInt64(data)); }

static_assert(std::endian::native == std::endian::little, "the decoders assume a little-endian host");

}  // namespace sluice::source::postgres
