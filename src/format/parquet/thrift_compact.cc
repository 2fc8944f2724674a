#include "format/parquet/thrift_compact.h"

#include <cassert>

namespace sluice::parquet::thrift {

void CompactWriter::BeginStruct() {
  enclosing_field_ids_.push_back(last_field_id_);
  last_field_id_ = 0;
}

void CompactWriter::EndStruct() {
  assert(!enclosing_field_ids_.empty());
  out_->push_back('\0');  // stop field
  last_field_id_ = enclosing_field_ids_.back();
  enclosing_field_ids_.pop_back();
}

void CompactWriter::FieldHeader(CompactType type, int16_t id) {
  int delta = id - last_field_id_;
  if (delta > 0 && delta <= 15) {
    out_->push_back(static_cast<char>((delta << 4) | static_cast<int>(type)));
  } else {
    out_->push_back(static_cast<char>(type));
    Varint(ZigZag32(id));
  }
  last_field_id_ = id;
}

void CompactWriter::Varint(uint64_t value) {
  while (value >= 0x80) {
    out_->push_back(static_cast<char>((value & 0x7F) | 0x80));
    value >>= 7;
  }
  out_->push_back(static_cast<char>(value));
}

void CompactWriter::FieldBool(int16_t id, bool value) {
  FieldHeader(value ? CompactType::kBooleanTrue : CompactType::kBooleanFalse, id);
}

void CompactWriter::FieldI8(int16_t id, int8_t value) {
  FieldHeader(CompactType::kByte, id);
  out_->push_back(static_cast<char>(value));
}

void CompactWriter::FieldI16(int16_t id, int16_t value) {
  FieldHeader(CompactType::kI16, id);
  Varint(ZigZag32(value));
}

void CompactWriter::FieldI32(int16_t id, int32_t value) {
  FieldHeader(CompactType::kI32, id);
  Varint(ZigZag32(value));
}

void CompactWriter::FieldI64(int16_t id, int64_t value) {
  FieldHeader(CompactType::kI64, id);
  Varint(ZigZag64(value));
}

void CompactWriter::FieldBinary(int16_t id, std::string_view value) {
  FieldHeader(CompactType::kBinary, id);
  ElementBinary(value);
}

void CompactWriter::BeginFieldStruct(int16_t id) {
  FieldHeader(CompactType::kStruct, id);
  BeginStruct();
}

void CompactWriter::FieldEmptyStruct(int16_t id) {
  BeginFieldStruct(id);
  EndStruct();
}

void CompactWriter::BeginFieldList(int16_t id, CompactType element_type, size_t size) {
  FieldHeader(CompactType::kList, id);
  if (size < 15) {
    out_->push_back(static_cast<char>((size << 4) | static_cast<size_t>(element_type)));
  } else {
    out_->push_back(static_cast<char>(0xF0 | static_cast<int>(element_type)));
    Varint(size);
  }
}

void CompactWriter::ElementI32(int32_t value) { Varint(ZigZag32(value)); }

void CompactWriter::ElementBinary(std::string_view value) {
  Varint(value.size());
  out_->append(value);
}

}  // namespace sluice::parquet::thrift
