// Internal to the MySQL source: reading values of the binary result
// protocol (COM_STMT_EXECUTE result rows) straight from the packet.
//
// The reader hands Connector/C a result callback (STMT_ATTR_CB_RESULT), so
// each non-NULL value arrives as a pointer into the row packet, which
// Connector/C has already reassembled in full (rows past 16 MiB
// included). The encoding per column type:
//
//   TINY                      1 byte          SHORT, YEAR        2 bytes, little-endian
//   LONG, INT24               4 bytes         LONGLONG           8 bytes
//   FLOAT                     4 bytes IEEE    DOUBLE             8 bytes IEEE
//   DATE, DATETIME, TIMESTAMP length 0/4/7/11: year(2) month day [hour min sec [micros(4)]]
//   TIME                      length 0/8/12: negative(1) days(4) hour min sec [micros(4)]
//   everything else           a length-encoded byte string (DECIMAL as text,
//                             BIT big-endian, GEOMETRY as SRID(4) + WKB)
//
// Each function advances `*row` past the value it reads. Pure functions over
// packets Connector/C has bounds-checked as a whole; thread-safe.
#pragma once

#include <mysql.h>

#include <bit>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace sluice::source::mysql {

template <typename T>
inline T LoadLittleEndian(const unsigned char* bytes) {
  static_assert(std::endian::native == std::endian::little, "the wire format is little-endian");
  T value;
  std::memcpy(&value, bytes, sizeof(T));
  return value;
}

// A length-encoded integer (1, 3, 4 or 9 bytes on the wire).
inline uint64_t ReadLengthEncoded(const unsigned char** row) {
  const unsigned char* p = *row;
  if (p[0] < 251) {
    *row = p + 1;
    return p[0];
  }
  if (p[0] == 252) {
    *row = p + 3;
    return static_cast<uint64_t>(p[1]) | static_cast<uint64_t>(p[2]) << 8;
  }
  if (p[0] == 253) {
    *row = p + 4;
    return static_cast<uint64_t>(p[1]) | static_cast<uint64_t>(p[2]) << 8 | static_cast<uint64_t>(p[3]) << 16;
  }
  *row = p + 9;
  return LoadLittleEndian<uint64_t>(p + 1);
}

// A length-encoded byte string.
inline std::string_view ReadBytes(const unsigned char** row) {
  uint64_t length = ReadLengthEncoded(row);
  std::string_view bytes(reinterpret_cast<const char*>(*row), static_cast<size_t>(length));
  *row += length;
  return bytes;
}

// Bytes of a fixed-width value of `type`, or 0 for length-prefixed ones
// (temporal values carry a one-byte length, strings a length-encoded one).
inline size_t FixedWireSize(enum_field_types type) {
  switch (type) {
    case MYSQL_TYPE_TINY: return 1;
    case MYSQL_TYPE_SHORT:
    case MYSQL_TYPE_YEAR: return 2;
    case MYSQL_TYPE_LONG:
    case MYSQL_TYPE_INT24:
    case MYSQL_TYPE_FLOAT: return 4;
    case MYSQL_TYPE_LONGLONG:
    case MYSQL_TYPE_DOUBLE: return 8;
    default: return 0;
  }
}

inline bool IsTemporalWire(enum_field_types type) {
  return type == MYSQL_TYPE_DATE || type == MYSQL_TYPE_NEWDATE || type == MYSQL_TYPE_DATETIME ||
         type == MYSQL_TYPE_TIMESTAMP || type == MYSQL_TYPE_TIME || type == MYSQL_TYPE_DATETIME2 ||
         type == MYSQL_TYPE_TIMESTAMP2 || type == MYSQL_TYPE_TIME2;
}

// A DATE/DATETIME/TIMESTAMP value as sent: all zero for the zero date.
struct WireDateTime {
  int year = 0;
  int month = 0;
  int day = 0;
  int hour = 0;
  int minute = 0;
  int second = 0;
  int micros = 0;
};

inline WireDateTime ReadDateTime(const unsigned char** row) {
  const unsigned char* p = *row;
  unsigned length = p[0];
  WireDateTime value;
  if (length >= 4) {
    value.year = LoadLittleEndian<uint16_t>(p + 1);
    value.month = p[3];
    value.day = p[4];
  }
  if (length >= 7) {
    value.hour = p[5];
    value.minute = p[6];
    value.second = p[7];
  }
  if (length >= 11) value.micros = static_cast<int>(LoadLittleEndian<uint32_t>(p + 8));
  *row = p + 1 + length;
  return value;
}

// A TIME value as signed microseconds (hours past 24 and negative values kept).
inline int64_t ReadTimeMicros(const unsigned char** row) {
  const unsigned char* p = *row;
  unsigned length = p[0];
  int64_t micros = 0;
  bool negative = false;
  if (length >= 8) {
    negative = p[1] != 0;
    int64_t days = LoadLittleEndian<uint32_t>(p + 2);
    int64_t seconds = ((days * 24 + p[6]) * 60 + p[7]) * 60 + p[8];
    micros = seconds * 1000000;
  }
  if (length >= 12) micros += LoadLittleEndian<uint32_t>(p + 9);
  *row = p + 1 + length;
  return negative ? -micros : micros;
}

// Skips one non-NULL value of `type`.
inline void SkipValue(enum_field_types type, const unsigned char** row) {
  if (size_t size = FixedWireSize(type)) {
    *row += size;
  } else if (IsTemporalWire(type)) {
    *row += 1 + (*row)[0];
  } else {
    ReadBytes(row);
  }
}

}  // namespace sluice::source::mysql
