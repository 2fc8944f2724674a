#include "parquet_all_types.h"

#include <cmath>
#include <limits>

#include "types/decimal.h"
#include "types/temporal.h"

namespace sluice::parquet::testing {
namespace {

int64_t Micros(int year, int month, int day, int hour, int minute, int second, int micros) {
  return DaysFromCivil(year, month, day) * kMicrosPerDay + ((hour * 60 + minute) * 60 + second) * kMicrosPerSecond +
         micros;
}

template <typename T>
std::vector<TestValue> FloatValues() {
  using Limits = std::numeric_limits<T>;
  return {T(0),
          -T(0),
          Limits::quiet_NaN(),
          Limits::infinity(),
          -Limits::infinity(),
          Limits::min(),
          Limits::max(),
          -Limits::max(),
          Limits::denorm_min(),
          T(1.5),
          T(-0.1),
          -Limits::quiet_NaN()};
}

std::vector<TestValue> DecimalExtremes(int precision, int scale) {
  __int128 largest = PowerOfTen(precision) - 1;
  std::vector<TestValue> values;
  if (precision <= 18) {
    values = {static_cast<int64_t>(largest), -static_cast<int64_t>(largest), int64_t{0}, int64_t{1}, int64_t{-1}};
  } else {
    values = {largest, -largest, __int128{0}, __int128{1}, __int128{-1}};
  }
  if (scale > 0 && precision <= 18) values.push_back(static_cast<int64_t>(PowerOfTen(scale)));  // 1.000...
  return values;
}

}  // namespace

std::vector<TypeCase> AllTypeCases() {
  constexpr int64_t kInt64Min = std::numeric_limits<int64_t>::min();
  constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();
  constexpr uint64_t kUInt64Max = std::numeric_limits<uint64_t>::max();
  std::string mebibyte_free_long(5000, 'q');  // longer than the statistics limit
  return {
      {"bool", DataType::Of(TypeId::kBoolean), {true, false, false}, "BOOLEAN"},
      {"int8", DataType::Of(TypeId::kInt8), {int64_t{-128}, int64_t{127}, int64_t{0}, int64_t{-1}}, "TINYINT"},
      {"int16", DataType::Of(TypeId::kInt16), {int64_t{-32768}, int64_t{32767}, int64_t{0}}, "SMALLINT"},
      {"int32",
       DataType::Of(TypeId::kInt32),
       {int64_t{std::numeric_limits<int32_t>::min()}, int64_t{std::numeric_limits<int32_t>::max()}, int64_t{0},
        int64_t{-1}},
       "INTEGER"},
      {"int64", DataType::Of(TypeId::kInt64), {kInt64Min, kInt64Max, int64_t{0}, int64_t{-1}}, "BIGINT"},
      {"uint8", DataType::Of(TypeId::kUInt8), {int64_t{0}, int64_t{255}, int64_t{128}}, "UTINYINT"},
      {"uint16", DataType::Of(TypeId::kUInt16), {int64_t{0}, int64_t{65535}, int64_t{32768}}, "USMALLINT"},
      {"uint32", DataType::Of(TypeId::kUInt32), {int64_t{0}, int64_t{4294967295}, int64_t{2147483648}}, "UINTEGER"},
      {"uint64", DataType::Of(TypeId::kUInt64), {uint64_t{0}, kUInt64Max, uint64_t{1} << 63}, "UBIGINT"},
      {"float32", DataType::Of(TypeId::kFloat32), FloatValues<float>(), "FLOAT"},
      {"float64", DataType::Of(TypeId::kFloat64), FloatValues<double>(), "DOUBLE"},
      {"dec9_0", DataType::Decimal(9, 0), DecimalExtremes(9, 0), "DECIMAL(9,0)"},
      {"dec9_4", DataType::Decimal(9, 4), DecimalExtremes(9, 4), "DECIMAL(9,4)"},
      {"dec18_6", DataType::Decimal(18, 6), DecimalExtremes(18, 6), "DECIMAL(18,6)"},
      {"dec20_0",
       DataType::Decimal(20, 0),
       {static_cast<__int128>(kUInt64Max), -(PowerOfTen(20) - 1), PowerOfTen(20) - 1, __int128{0}},
       "DECIMAL(20,0)"},
      {"dec38_0", DataType::Decimal(38, 0), DecimalExtremes(38, 0), "DECIMAL(38,0)"},
      {"dec38_10", DataType::Decimal(38, 10), DecimalExtremes(38, 10), "DECIMAL(38,10)"},
      {"dec65_30",
       DataType::Decimal(65, 30),
       {Bytes("12345678901234567890123456789012345.123456789012345678901234567890"),
        Bytes("-0.000000000000000000000000000001"), Bytes("0.000000000000000000000000000000")},
       "VARCHAR"},
      {"numeric",
       DataType::Decimal(0, 0),
       {Bytes("3.14159265358979323846264338327950288419716939937510"), Bytes("-1")},
       "VARCHAR"},
      {"date",
       DataType::Of(TypeId::kDate),
       {DaysFromCivil(1, 1, 1), DaysFromCivil(9999, 12, 31), int64_t{0}, int64_t{-1}, DaysFromCivil(2024, 2, 29)},
       "DATE"},
      {"time",
       DataType::Of(TypeId::kTime),
       {int64_t{0}, int64_t{86399999999}, int64_t{45296789012}, int64_t{86400000000}},
       "TIME"},
      {"ts",
       DataType::Of(TypeId::kTimestamp),
       {Micros(1, 1, 1, 0, 0, 0, 0), Micros(9999, 12, 31, 23, 59, 59, 999999), int64_t{0}, int64_t{-1}},
       "TIMESTAMP"},
      {"tstz",
       DataType::Of(TypeId::kTimestampTz),
       {Micros(1, 1, 1, 0, 0, 0, 0), Micros(9999, 12, 31, 23, 59, 59, 999999), int64_t{0}, int64_t{-1}},
       "TIMESTAMP WITH TIME ZONE"},
      {"string",
       DataType::Of(TypeId::kString),
       {Bytes(""), Bytes("a"), Bytes("h\xC3\xA9llo"), Bytes("\xF0\x9F\x98\x80 emoji \xF0\x9D\x84\x9E"),
        Bytes("multi\nline\t'quoted'"), Bytes(mebibyte_free_long)},
       "VARCHAR"},
      {"json",
       DataType::Of(TypeId::kJson),
       {Bytes("{\"a\": 1, \"b\": [true, null]}"), Bytes("[]"), Bytes("null"), Bytes("{\"e\": \"\xF0\x9F\x98\x80\"}")},
       "VARCHAR"},
      {"binary",
       DataType::Of(TypeId::kBinary),
       {Bytes(""), Bytes(std::string(1, '\0')), Bytes(std::string("\0\xFF\0\x80", 4)), Bytes("abc")},
       "BLOB"},
  };
}

AllTypesTable MakeAllTypesTable(const std::vector<TypeCase>& cases, size_t row_count) {
  std::vector<Field> fields;
  for (const TypeCase& type_case : cases) {
    fields.push_back(MakeField(type_case.name + "_req", type_case.type, false));
    fields.push_back(MakeField(type_case.name + "_opt", type_case.type, true));
  }
  AllTypesTable table;
  table.schema = MakeSchema(std::move(fields));
  for (size_t row_idx = 0; row_idx < row_count; ++row_idx) {
    std::vector<TestValue> row;
    for (const TypeCase& type_case : cases) {
      const TestValue& value = type_case.values[row_idx % type_case.values.size()];
      row.push_back(value);
      row.push_back(row_idx % 7 == 3 ? Null() : value);
    }
    table.rows.push_back(std::move(row));
  }
  return table;
}

}  // namespace sluice::parquet::testing
