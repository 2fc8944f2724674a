#include "source/mysql/mysql_types.h"

#include <algorithm>
#include <string_view>

#include <fmt/format.h>

#include "source/mysql/mysql_wire.h"

namespace sluice::source::mysql {
namespace {

constexpr int64_t kMaxBoundedLength = 65535;  // longer (MEDIUMTEXT, LONGTEXT) counts as unbounded
constexpr int kBigintUnsignedDigits = 20;

bool Contains(std::string_view text, std::string_view word) { return text.find(word) != std::string_view::npos; }

bool IsOneOf(std::string_view value, std::initializer_list<std::string_view> names) {
  for (std::string_view name : names) {
    if (value == name) return true;
  }
  return false;
}

int64_t BoundedLength(std::optional<int64_t> characters) {
  if (!characters || *characters > kMaxBoundedLength) return 0;
  return *characters;
}

// Integer types by width and sign (SPEC §5).
std::optional<DataType> IntegerType(std::string_view data_type, bool is_unsigned) {
  if (data_type == "tinyint") return DataType::Of(is_unsigned ? TypeId::kInt32 : TypeId::kInt8);
  if (data_type == "smallint") return DataType::Of(is_unsigned ? TypeId::kInt32 : TypeId::kInt16);
  if (data_type == "mediumint") return DataType::Of(TypeId::kInt32);
  if (data_type == "int" || data_type == "integer") return DataType::Of(is_unsigned ? TypeId::kInt64 : TypeId::kInt32);
  if (data_type == "bigint") {
    return is_unsigned ? DataType::Decimal(kBigintUnsignedDigits, 0) : DataType::Of(TypeId::kInt64);
  }
  if (data_type == "year") return DataType::Of(TypeId::kInt16);
  return std::nullopt;
}

}  // namespace

Result<ColumnMapping> MapCatalogColumn(const CatalogColumn& column) {
  std::string_view data_type = column.data_type;
  bool is_unsigned = Contains(column.column_type, "unsigned") || Contains(column.column_type, "zerofill");
  ColumnMapping mapping;
  if (auto integer = IntegerType(data_type, is_unsigned)) {
    mapping.type = *integer;
  } else if (IsOneOf(data_type, {"decimal", "numeric", "fixed"})) {
    int precision = static_cast<int>(column.numeric_precision.value_or(10));
    int scale = static_cast<int>(column.numeric_scale.value_or(0));
    if (precision < 1 || scale < 0 || scale > precision) {
      return NotSupported("column {} is a {} with precision {} and scale {}", column.name, column.column_type,
                          precision, scale);
    }
    mapping.type = DataType::Decimal(precision, scale);
  } else if (data_type == "float") {
    mapping.type = DataType::Of(TypeId::kFloat32);
  } else if (IsOneOf(data_type, {"double", "real", "double precision"})) {
    mapping.type = DataType::Of(TypeId::kFloat64);
  } else if (data_type == "bit") {
    mapping.type = DataType::Of(column.numeric_precision.value_or(1) == 1 ? TypeId::kBoolean : TypeId::kInt64);
  } else if (data_type == "date") {
    mapping.type = DataType::Of(TypeId::kDate);
  } else if (data_type == "datetime") {
    mapping.type = DataType::Of(TypeId::kTimestamp);
  } else if (data_type == "timestamp") {
    mapping.type = DataType::Of(TypeId::kTimestampTz);
  } else if (data_type == "time") {
    mapping.type = DataType::Of(TypeId::kTime);
  } else if (data_type == "json" || (column.json_checked && Contains(data_type, "text"))) {
    mapping.type = DataType::Of(TypeId::kJson);
  } else if (IsOneOf(data_type, {"char", "varchar", "tinytext", "text", "mediumtext", "longtext", "enum", "set"})) {
    mapping.type = DataType::Of(TypeId::kString);
    mapping.max_length = BoundedLength(column.character_maximum_length);
  } else if (IsOneOf(data_type, {"uuid", "inet4", "inet6"})) {
    // MariaDB's UUID/INET types travel as their text form; its length is fixed by the type.
    mapping.type = DataType::Of(TypeId::kString);
    mapping.max_length = data_type == "uuid" ? 36 : data_type == "inet6" ? 39 : 15;
  } else if (IsOneOf(data_type, {"binary", "varbinary", "tinyblob", "blob", "mediumblob", "longblob"})) {
    mapping.type = DataType::Of(TypeId::kBinary);
  } else if (IsOneOf(data_type, {"geometry", "point", "linestring", "polygon", "multipoint", "multilinestring",
                                 "multipolygon", "geometrycollection", "geomcollection"})) {
    mapping.type = DataType::Of(TypeId::kBinary);
    mapping.geometry = true;
  } else {
    return NotSupported("column {} has the type {}, which sluice cannot read yet; leave the column out with "
                        "custom_sql, or CAST it there to a supported type",
                        column.name, column.column_type);
  }
  return mapping;
}

Field FieldFromResultMetadata(const MYSQL_FIELD& field, bool json_format) {
  Field out;
  out.name = std::string(field.name, field.name_length);
  out.source_type = WireTypeName(field);
  bool is_unsigned = (field.flags & UNSIGNED_FLAG) != 0;
  switch (field.type) {
    case MYSQL_TYPE_TINY: out.type = *IntegerType("tinyint", is_unsigned); break;
    case MYSQL_TYPE_SHORT: out.type = *IntegerType("smallint", is_unsigned); break;
    case MYSQL_TYPE_YEAR: out.type = DataType::Of(TypeId::kInt16); break;
    case MYSQL_TYPE_INT24: out.type = DataType::Of(TypeId::kInt32); break;
    case MYSQL_TYPE_LONG: out.type = *IntegerType("int", is_unsigned); break;
    case MYSQL_TYPE_LONGLONG: out.type = *IntegerType("bigint", is_unsigned); break;
    case MYSQL_TYPE_FLOAT: out.type = DataType::Of(TypeId::kFloat32); break;
    case MYSQL_TYPE_DOUBLE: out.type = DataType::Of(TypeId::kFloat64); break;
    case MYSQL_TYPE_DECIMAL:
    case MYSQL_TYPE_NEWDECIMAL: {
      // The display length counts the sign (signed columns) and the point (scale > 0).
      int scale = static_cast<int>(field.decimals);
      int precision = static_cast<int>(field.length) - (scale > 0 ? 1 : 0) - (is_unsigned ? 0 : 1);
      out.type = DataType::Decimal(std::max({precision, scale, 1}), scale);
      break;
    }
    case MYSQL_TYPE_BIT: out.type = DataType::Of(field.length == 1 ? TypeId::kBoolean : TypeId::kInt64); break;
    case MYSQL_TYPE_DATE:
    case MYSQL_TYPE_NEWDATE: out.type = DataType::Of(TypeId::kDate); break;
    case MYSQL_TYPE_DATETIME:
    case MYSQL_TYPE_DATETIME2: out.type = DataType::Of(TypeId::kTimestamp); break;
    case MYSQL_TYPE_TIMESTAMP:
    case MYSQL_TYPE_TIMESTAMP2: out.type = DataType::Of(TypeId::kTimestampTz); break;
    case MYSQL_TYPE_TIME:
    case MYSQL_TYPE_TIME2: out.type = DataType::Of(TypeId::kTime); break;
    case MYSQL_TYPE_JSON: out.type = DataType::Of(TypeId::kJson); break;
    case MYSQL_TYPE_GEOMETRY: out.type = DataType::Of(TypeId::kBinary); break;
    case MYSQL_TYPE_NULL: out.type = DataType::Of(TypeId::kString); break;
    default: {
      // CHAR, VARCHAR, TEXT/BLOB, ENUM, SET: text unless the character set is binary.
      if (IsBinaryCharset(field)) {
        out.type = DataType::Of(TypeId::kBinary);
        break;
      }
      out.type = DataType::Of(json_format ? TypeId::kJson : TypeId::kString);
      const MARIADB_CHARSET_INFO* charset = mariadb_get_charset_by_nr(field.charsetnr);
      unsigned int bytes_per_char = charset != nullptr && charset->char_maxlen > 0 ? charset->char_maxlen : 1;
      if (!json_format) out.max_length = BoundedLength(static_cast<int64_t>(field.length / bytes_per_char));
      break;
    }
  }
  out.nullable = (field.flags & NOT_NULL_FLAG) == 0 || MayHoldZeroDates(out.type.id);
  return out;
}

bool MayHoldZeroDates(TypeId type) {
  return type == TypeId::kDate || type == TypeId::kTimestamp || type == TypeId::kTimestampTz;
}

std::string NoCursorValueCondition(TypeId type, std::string_view quoted) {
  if (!MayHoldZeroDates(type)) return fmt::format("{} IS NULL", quoted);
  // A zero date sorts below every real one: below the first value of the type's range.
  std::string_view first = type == TypeId::kTimestampTz ? "1970-01-01 00:00:01" : "0001-01-01";
  return fmt::format("{0} IS NULL OR {0} < '{1}'", quoted, first);
}

std::string WireTypeName(const MYSQL_FIELD& field) {
  std::string_view name;
  switch (field.type) {
    case MYSQL_TYPE_TINY: name = "tinyint"; break;
    case MYSQL_TYPE_SHORT: name = "smallint"; break;
    case MYSQL_TYPE_YEAR: name = "year"; break;
    case MYSQL_TYPE_INT24: name = "mediumint"; break;
    case MYSQL_TYPE_LONG: name = "int"; break;
    case MYSQL_TYPE_LONGLONG: name = "bigint"; break;
    case MYSQL_TYPE_FLOAT: name = "float"; break;
    case MYSQL_TYPE_DOUBLE: name = "double"; break;
    case MYSQL_TYPE_DECIMAL:
    case MYSQL_TYPE_NEWDECIMAL: name = "decimal"; break;
    case MYSQL_TYPE_BIT: name = "bit"; break;
    case MYSQL_TYPE_DATE:
    case MYSQL_TYPE_NEWDATE: name = "date"; break;
    case MYSQL_TYPE_DATETIME:
    case MYSQL_TYPE_DATETIME2: name = "datetime"; break;
    case MYSQL_TYPE_TIMESTAMP:
    case MYSQL_TYPE_TIMESTAMP2: name = "timestamp"; break;
    case MYSQL_TYPE_TIME:
    case MYSQL_TYPE_TIME2: name = "time"; break;
    case MYSQL_TYPE_JSON: name = "json"; break;
    case MYSQL_TYPE_GEOMETRY: name = "geometry"; break;
    case MYSQL_TYPE_NULL: name = "null"; break;
    case MYSQL_TYPE_ENUM: name = "enum"; break;
    case MYSQL_TYPE_SET: name = "set"; break;
    case MYSQL_TYPE_TINY_BLOB:
    case MYSQL_TYPE_MEDIUM_BLOB:
    case MYSQL_TYPE_LONG_BLOB:
    case MYSQL_TYPE_BLOB: name = IsBinaryCharset(field) ? "blob" : "text"; break;
    case MYSQL_TYPE_STRING: name = IsBinaryCharset(field) ? "binary" : "char"; break;
    default: name = IsBinaryCharset(field) ? "varbinary" : "varchar"; break;
  }
  if (field.flags & ENUM_FLAG) name = "enum";
  if (field.flags & SET_FLAG) name = "set";
  bool is_unsigned = (field.flags & UNSIGNED_FLAG) != 0 && FixedWireSize(field.type) > 0;
  return is_unsigned ? fmt::format("{} unsigned", name) : std::string(name);
}

}  // namespace sluice::source::mysql
