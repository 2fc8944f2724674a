// CompactWriter: the writing half of Thrift's compact protocol, enough to
// serialize Parquet's metadata (page headers and the file footer) without
// the Thrift library: structs (and unions, which are structs with exactly
// one field set), i8/i16/i32/i64 as zigzag varints, bool, binary and lists.
//
// Field headers are delta-encoded against the previous field id of the
// same struct, so callers write each struct's fields in increasing id
// order (any order is legal Thrift; increasing order gives the short form).
//
// The protocol, in brief: a field header is one byte (id delta << 4 | type)
// when the delta is 1..15, else the type byte followed by the id as a
// zigzag varint; a bool field carries its value in the type nibble
// (1 true, 2 false); a struct ends with a 0 byte; a list header is one byte
// (size << 4 | element type) for sizes under 15, else 0xF0 | element type
// followed by the size as a varint.
//
// Not thread-safe; appends to a caller-owned string.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::parquet::thrift {

enum class CompactType : uint8_t {
  kBooleanTrue = 1,
  kBooleanFalse = 2,
  kByte = 3,
  kI16 = 4,
  kI32 = 5,
  kI64 = 6,
  kDouble = 7,
  kBinary = 8,
  kList = 9,
  kSet = 10,
  kMap = 11,
  kStruct = 12,
};

class CompactWriter {
 public:
  // `out` must outlive the writer; bytes are appended to it.
  explicit CompactWriter(std::string* out) : out_(out) {}

  // A struct at the top level or as a list element. Every BeginStruct
  // needs its EndStruct (which writes the stop byte).
  void BeginStruct();
  void EndStruct();

  void FieldBool(int16_t id, bool value);
  void FieldI8(int16_t id, int8_t value);
  void FieldI16(int16_t id, int16_t value);
  void FieldI32(int16_t id, int32_t value);
  void FieldI64(int16_t id, int64_t value);
  void FieldBinary(int16_t id, std::string_view value);
  // A struct-valued field; close it with EndStruct.
  void BeginFieldStruct(int16_t id);
  // A struct-valued field with no fields (e.g. Parquet's StringType, or a
  // union member whose type is an empty struct).
  void FieldEmptyStruct(int16_t id);
  // A list-valued field; follow with `size` elements of `element_type`
  // (ElementI32, ElementBinary, or BeginStruct/EndStruct per element).
  void BeginFieldList(int16_t id, CompactType element_type, size_t size);

  void ElementI32(int32_t value);
  void ElementBinary(std::string_view value);

  // Encodings, exposed for tests.
  static uint32_t ZigZag32(int32_t value) {
    return (static_cast<uint32_t>(value) << 1) ^ static_cast<uint32_t>(value >> 31);
  }
  static uint64_t ZigZag64(int64_t value) {
    return (static_cast<uint64_t>(value) << 1) ^ static_cast<uint64_t>(value >> 63);
  }

 private:
  void FieldHeader(CompactType type, int16_t id);
  void Varint(uint64_t value);

  std::string* out_;
  int16_t last_field_id_ = 0;
  // The enclosing structs' last field ids, restored by EndStruct.
  std::vector<int16_t> enclosing_field_ids_;
};

}  // namespace sluice::parquet::thrift
