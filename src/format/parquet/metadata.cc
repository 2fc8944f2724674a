#include "format/parquet/metadata.h"

#include <limits>

#include "format/parquet/thrift_compact.h"

namespace sluice::parquet {
namespace {

using thrift::CompactType;
using thrift::CompactWriter;

int32_t EnumValue(auto value) { return static_cast<int32_t>(value); }

// LogicalType is a union: exactly one member, each a struct.
void WriteLogicalType(const LogicalType& logical, CompactWriter* writer) {
  writer->BeginFieldStruct(10);  // SchemaElement.logicalType
  switch (logical.kind) {
    case LogicalType::Kind::kNone: break;
    case LogicalType::Kind::kString: writer->FieldEmptyStruct(1); break;
    case LogicalType::Kind::kDecimal:
      writer->BeginFieldStruct(5);
      writer->FieldI32(1, logical.scale);
      writer->FieldI32(2, logical.precision);
      writer->EndStruct();
      break;
    case LogicalType::Kind::kDate: writer->FieldEmptyStruct(6); break;
    case LogicalType::Kind::kTime:
    case LogicalType::Kind::kTimestamp:
      writer->BeginFieldStruct(logical.kind == LogicalType::Kind::kTime ? 7 : 8);
      writer->FieldBool(1, logical.adjusted_to_utc);
      writer->BeginFieldStruct(2);  // unit: TimeUnit union
      writer->FieldEmptyStruct(2);  // MICROS
      writer->EndStruct();
      writer->EndStruct();
      break;
    case LogicalType::Kind::kInteger:
      writer->BeginFieldStruct(10);
      writer->FieldI8(1, static_cast<int8_t>(logical.bit_width));
      writer->FieldBool(2, logical.is_signed);
      writer->EndStruct();
      break;
  }
  writer->EndStruct();
}

void WriteSchemaElement(const Field& field, CompactWriter* writer) {
  ParquetColumnType type = ParquetTypeFor(field);
  writer->BeginStruct();
  writer->FieldI32(1, EnumValue(type.physical_type));
  if (type.physical_type == PhysicalType::kFixedLenByteArray) writer->FieldI32(2, type.type_length);
  writer->FieldI32(3, type.required ? 0 : 1);  // FieldRepetitionType REQUIRED / OPTIONAL
  writer->FieldBinary(4, field.name);
  if (type.converted_type != ConvertedType::kNone) writer->FieldI32(6, EnumValue(type.converted_type));
  if (type.logical_type.kind == LogicalType::Kind::kDecimal) {
    writer->FieldI32(7, type.logical_type.scale);
    writer->FieldI32(8, type.logical_type.precision);
  }
  if (type.logical_type.kind != LogicalType::Kind::kNone) WriteLogicalType(type.logical_type, writer);
  writer->EndStruct();
}

void WriteStatistics(const Statistics& statistics, CompactWriter* writer) {
  writer->BeginFieldStruct(12);  // ColumnMetaData.statistics
  writer->FieldI64(3, statistics.null_count);
  if (statistics.max_value) writer->FieldBinary(5, *statistics.max_value);
  if (statistics.min_value) writer->FieldBinary(6, *statistics.min_value);
  if (statistics.max_value) writer->FieldBool(7, true);  // is_max_value_exact
  if (statistics.min_value) writer->FieldBool(8, true);  // is_min_value_exact
  writer->EndStruct();
}

void WriteColumnMetaData(const ColumnChunkMetaData& column, CompactWriter* writer) {
  writer->BeginFieldStruct(3);  // ColumnChunk.meta_data
  writer->FieldI32(1, EnumValue(column.type));
  writer->BeginFieldList(2, CompactType::kI32, column.encodings.size());
  for (Encoding encoding : column.encodings) writer->ElementI32(EnumValue(encoding));
  writer->BeginFieldList(3, CompactType::kBinary, 1);
  writer->ElementBinary(column.path);
  writer->FieldI32(4, EnumValue(column.codec));
  writer->FieldI64(5, column.num_values);
  writer->FieldI64(6, column.total_uncompressed_size);
  writer->FieldI64(7, column.total_compressed_size);
  writer->FieldI64(9, column.data_page_offset);
  if (column.dictionary_page_offset) writer->FieldI64(11, *column.dictionary_page_offset);
  WriteStatistics(column.statistics, writer);
  writer->BeginFieldList(13, CompactType::kStruct, column.encoding_stats.size());
  for (const PageEncodingStats& stats : column.encoding_stats) {
    writer->BeginStruct();
    writer->FieldI32(1, EnumValue(stats.page_type));
    writer->FieldI32(2, EnumValue(stats.encoding));
    writer->FieldI32(3, stats.count);
    writer->EndStruct();
  }
  writer->EndStruct();
}

void WriteRowGroup(const RowGroupMetaData& row_group, size_t ordinal, CompactWriter* writer) {
  writer->BeginStruct();
  writer->BeginFieldList(1, CompactType::kStruct, row_group.columns.size());
  for (const ColumnChunkMetaData& column : row_group.columns) {
    writer->BeginStruct();
    // ColumnChunk.file_offset is deprecated; like most writers we point it
    // at the chunk's first page.
    writer->FieldI64(2, column.dictionary_page_offset.value_or(column.data_page_offset));
    WriteColumnMetaData(column, writer);
    writer->EndStruct();
  }
  writer->FieldI64(2, row_group.total_byte_size);
  writer->FieldI64(3, row_group.num_rows);
  writer->FieldI64(5, row_group.file_offset);
  writer->FieldI64(6, row_group.total_compressed_size);
  if (ordinal <= static_cast<size_t>(std::numeric_limits<int16_t>::max())) {
    writer->FieldI16(7, static_cast<int16_t>(ordinal));
  }
  writer->EndStruct();
}

}  // namespace

void SerializeDataPageHeader(const DataPageHeader& header, std::string* out) {
  CompactWriter writer(out);
  writer.BeginStruct();
  writer.FieldI32(1, EnumValue(PageType::kDataPage));
  writer.FieldI32(2, header.uncompressed_page_size);
  writer.FieldI32(3, header.compressed_page_size);
  writer.BeginFieldStruct(5);  // data_page_header
  writer.FieldI32(1, header.num_values);
  writer.FieldI32(2, EnumValue(header.encoding));
  writer.FieldI32(3, EnumValue(Encoding::kRle));  // definition_level_encoding
  writer.FieldI32(4, EnumValue(Encoding::kRle));  // repetition_level_encoding
  writer.EndStruct();
  writer.EndStruct();
}

void SerializeDictionaryPageHeader(const DictionaryPageHeader& header, std::string* out) {
  CompactWriter writer(out);
  writer.BeginStruct();
  writer.FieldI32(1, EnumValue(PageType::kDictionaryPage));
  writer.FieldI32(2, header.uncompressed_page_size);
  writer.FieldI32(3, header.compressed_page_size);
  writer.BeginFieldStruct(7);  // dictionary_page_header
  writer.FieldI32(1, header.num_values);
  writer.FieldI32(2, EnumValue(Encoding::kPlain));
  writer.EndStruct();
  writer.EndStruct();
}

void SerializeFileMetaData(const Schema& schema, const std::vector<RowGroupMetaData>& row_groups,
                           const std::string& created_by, std::string* out) {
  CompactWriter writer(out);
  writer.BeginStruct();
  writer.FieldI32(1, 1);  // version
  writer.BeginFieldList(2, CompactType::kStruct, schema.fields.size() + 1);
  writer.BeginStruct();  // the root group
  writer.FieldBinary(4, "schema");
  writer.FieldI32(5, static_cast<int32_t>(schema.fields.size()));
  writer.EndStruct();
  for (const Field& field : schema.fields) WriteSchemaElement(field, &writer);
  int64_t num_rows = 0;
  for (const RowGroupMetaData& row_group : row_groups) num_rows += row_group.num_rows;
  writer.FieldI64(3, num_rows);
  writer.BeginFieldList(4, CompactType::kStruct, row_groups.size());
  for (size_t ordinal = 0; ordinal < row_groups.size(); ++ordinal) WriteRowGroup(row_groups[ordinal], ordinal, &writer);
  writer.FieldBinary(6, created_by);
  writer.BeginFieldList(7, CompactType::kStruct, schema.fields.size());
  for (size_t column_idx = 0; column_idx < schema.fields.size(); ++column_idx) {
    writer.BeginStruct();        // ColumnOrder union
    writer.FieldEmptyStruct(1);  // TYPE_ORDER
    writer.EndStruct();
  }
  writer.EndStruct();
}

}  // namespace sluice::parquet
