// Randomized round trips: random schemas (every type, random decimal
// precisions, REQUIRED/OPTIONAL), random values (extremes, repeats for
// dictionaries, random bits for floats, UTF-8 text, binary), random NULL
// rates, random writer options and random slicing of batches. Each file is
// read back by DuckDB and compared value by value, and each row group's
// min/max/null count is compared with statistics computed here.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>

#include "format/parquet/file_writer.h"
#include "parquet_test_util.h"
#include "types/decimal.h"
#include "types/temporal.h"

namespace sluice::parquet::testing {
namespace {

class Generator {
 public:
  explicit Generator(uint64_t seed) : random_(seed) {}

  uint64_t Next() { return random_(); }
  size_t Below(size_t bound) { return bound == 0 ? 0 : static_cast<size_t>(random_() % bound); }
  bool Chance(double probability) { return std::uniform_real_distribution<double>(0, 1)(random_) < probability; }
  // Uniform in [low, high], computed in unsigned arithmetic (the span may not fit an int64).
  int64_t Between(int64_t low, int64_t high) {
    uint64_t span = static_cast<uint64_t>(high) - static_cast<uint64_t>(low) + 1;  // 0: the whole range
    uint64_t offset = span == 0 ? random_() : random_() % span;
    return static_cast<int64_t>(static_cast<uint64_t>(low) + offset);
  }

  DataType RandomType() {
    static const TypeId kIds[] = {TypeId::kBoolean, TypeId::kInt8,    TypeId::kInt16,     TypeId::kInt32,
                                  TypeId::kInt64,   TypeId::kUInt8,   TypeId::kUInt16,    TypeId::kUInt32,
                                  TypeId::kUInt64,  TypeId::kFloat32, TypeId::kFloat64,   TypeId::kDecimal,
                                  TypeId::kDate,    TypeId::kTime,    TypeId::kTimestamp, TypeId::kTimestampTz,
                                  TypeId::kString,  TypeId::kJson,    TypeId::kBinary,    TypeId::kDecimal};
    TypeId id = kIds[Below(std::size(kIds))];
    if (id != TypeId::kDecimal) return DataType::Of(id);
    int precision = Chance(0.15) ? static_cast<int>(Between(39, 65)) : static_cast<int>(Between(1, 38));
    if (Chance(0.05)) precision = 0;
    return DataType::Decimal(precision, precision == 0 ? 0 : static_cast<int>(Between(0, precision)));
  }

  // A value pool per column: a few "repeated" values so dictionaries form.
  TestValue RandomValue(const DataType& type) {
    switch (type.id) {
      case TypeId::kBoolean: return Chance(0.5);
      case TypeId::kInt8: return Integer(-128, 127);
      case TypeId::kInt16: return Integer(-32768, 32767);
      case TypeId::kInt32: return Integer(std::numeric_limits<int32_t>::min(), std::numeric_limits<int32_t>::max());
      case TypeId::kInt64: return Integer(std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max());
      case TypeId::kUInt8: return Integer(0, 255);
      case TypeId::kUInt16: return Integer(0, 65535);
      case TypeId::kUInt32: return Integer(0, 4294967295);
      case TypeId::kUInt64: {
        uint64_t pick = Below(4);
        return pick == 0 ? uint64_t{0} : pick == 1 ? ~uint64_t{0} : Next() >> Below(64);
      }
      case TypeId::kFloat32: {
        uint32_t bits = static_cast<uint32_t>(Next());
        float value;
        std::memcpy(&value, &bits, 4);
        return Chance(0.5) ? value : static_cast<float>(Between(-100, 100)) / 4;
      }
      case TypeId::kFloat64: {
        uint64_t bits = Next();
        double value;
        std::memcpy(&value, &bits, 8);
        return Chance(0.5) ? value : static_cast<double>(Between(-100, 100)) / 8;
      }
      case TypeId::kDecimal: return RandomDecimal(type);
      case TypeId::kDate: return Integer(DaysFromCivil(1, 1, 1), DaysFromCivil(9999, 12, 31));
      case TypeId::kTime: return Integer(0, kMicrosPerDay - 1);
      case TypeId::kTimestamp:
      case TypeId::kTimestampTz:
        return Integer(DaysFromCivil(1, 1, 1) * kMicrosPerDay, DaysFromCivil(10000, 1, 1) * kMicrosPerDay - 1);
      case TypeId::kString:
      case TypeId::kJson: return Bytes(RandomText());
      case TypeId::kBinary: {
        std::string bytes(Below(Chance(0.02) ? 6000 : 40), '\0');
        for (char& byte : bytes) byte = static_cast<char>(Next());
        return Bytes(bytes);
      }
    }
    return Null();
  }

 private:
  TestValue Integer(int64_t low, int64_t high) {
    size_t pick = Below(5);
    if (pick == 0) return low;
    if (pick == 1) return high;
    if (low <= 0 && high >= 0 && pick == 2) return int64_t{0};
    return Between(low, high);
  }

  TestValue RandomDecimal(const DataType& type) {
    if (type.precision == 0 || type.precision > kMaxExactDecimalPrecision) {
      std::string text = Chance(0.5) ? "-" : "";
      size_t digits = 1 + Below(static_cast<size_t>(std::max(1, type.precision - type.scale)));
      for (size_t digit = 0; digit < digits; ++digit) text += static_cast<char>('0' + Below(10));
      if (type.scale > 0) {
        text += '.';
        for (int digit = 0; digit < type.scale; ++digit) text += static_cast<char>('0' + Below(10));
      }
      return Bytes(text);
    }
    __int128 largest = PowerOfTen(type.precision) - 1;
    __int128 value;
    size_t pick = Below(4);
    if (pick == 0) {
      value = largest;
    } else if (pick == 1) {
      value = -largest;
    } else {
      unsigned __int128 wide = (static_cast<unsigned __int128>(Next()) << 64) | Next();
      value = static_cast<__int128>(wide % static_cast<unsigned __int128>(largest + 1));
      if (Chance(0.5)) value = -value;
    }
    if (type.precision <= kMaxInt64DecimalPrecision) return static_cast<int64_t>(value);
    return value;
  }

  std::string RandomText() {
    static const char* kPieces[] = {"a",  "Z", "0", " ", "\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9F\x98\x80",
                                    "\n", "'", "\""};
    std::string text;
    size_t pieces = Below(Chance(0.02) ? 3000 : 12);
    for (size_t piece = 0; piece < pieces; ++piece) text += kPieces[Below(std::size(kPieces))];
    return text;
  }

  std::mt19937_64 random_;
};

struct RandomColumn {
  Field field;
  std::vector<TestValue> pool;  // values rows are drawn from (with fresh ones mixed in)
  double null_rate = 0;
};

// --- Expected statistics, computed independently of the encoder. ---

// Orders two non-NULL values of `type` as Parquet's type-defined order does.
bool Less(const DataType& type, const TestValue& a, const TestValue& b) {
  switch (a.kind) {
    case TestValue::Kind::kBool: return !a.boolean && b.boolean;
    case TestValue::Kind::kInt64: return a.int64 < b.int64;
    case TestValue::Kind::kUInt64: return a.uint64 < b.uint64;
    case TestValue::Kind::kInt128: return a.int128 < b.int128;
    case TestValue::Kind::kBytes:
      return std::lexicographical_compare(
          a.bytes.begin(), a.bytes.end(), b.bytes.begin(), b.bytes.end(),
          [](char x, char y) { return static_cast<unsigned char>(x) < static_cast<unsigned char>(y); });
    default: ADD_FAILURE() << "no order for " << type.ToString(); return false;
  }
}

// Expected stats_min_value/stats_max_value text for the rows of one row
// group, or nullopt where DuckDB reports none. Types whose statistics text
// this test does not model (floats, times, timestamps) return false.
bool ExpectedMinMax(const DataType& type, const std::vector<const TestValue*>& values, std::optional<std::string>* min,
                    std::optional<std::string>* max) {
  if (type.id == TypeId::kFloat32 || type.id == TypeId::kFloat64 || type.id == TypeId::kTime ||
      type.id == TypeId::kTimestamp || type.id == TypeId::kTimestampTz) {
    return false;
  }
  const TestValue* low = nullptr;
  const TestValue* high = nullptr;
  for (const TestValue* value : values) {
    if (value->is_null()) continue;
    if (low == nullptr || Less(type, *value, *low)) low = value;
    if (high == nullptr || Less(type, *high, *value)) high = value;
  }
  *min = std::nullopt;
  *max = std::nullopt;
  if (low == nullptr) return true;
  if (low->kind == TestValue::Kind::kBytes && (low->bytes.size() > 4096 || high->bytes.size() > 4096)) return true;
  if (type.id == TypeId::kBinary) return false;  // DuckDB escapes BLOB statistics text
  *min = ExpectedText(type, *low);
  *max = ExpectedText(type, *high);
  return true;
}

void VerifyRowGroupStatistics(const std::string& path, const Schema& schema,
                              const std::vector<std::vector<TestValue>>& rows) {
  QueryResult chunks = Query(
      "SELECT row_group_num_rows, column_id, stats_min_value, stats_max_value, "
      "stats_null_count FROM parquet_metadata(" +
      sluice::testing::SqlQuote(path) + ") ORDER BY row_group_id, column_id");
  size_t group_begin = 0;
  for (size_t chunk_idx = 0; chunk_idx < chunks.rows.size(); ++chunk_idx) {
    const Row& chunk = chunks.rows[chunk_idx];
    size_t group_rows = std::stoull(*chunk[0]);
    size_t column_idx = std::stoull(*chunk[1]);
    const DataType& type = schema.fields[column_idx].type;
    std::vector<const TestValue*> values;
    int64_t nulls = 0;
    for (size_t row = group_begin; row < group_begin + group_rows && row < rows.size(); ++row) {
      values.push_back(&rows[row][column_idx]);
      nulls += rows[row][column_idx].is_null() ? 1 : 0;
    }
    SCOPED_TRACE(
        fmt::format("rows {}.., column '{}' ({})", group_begin, schema.fields[column_idx].name, type.ToString()));
    EXPECT_EQ(chunk[4], std::to_string(nulls));
    std::optional<std::string> min;
    std::optional<std::string> max;
    if (ExpectedMinMax(type, values, &min, &max)) {
      EXPECT_EQ(chunk[2], min);
      EXPECT_EQ(chunk[3], max);
    }
    if (column_idx + 1 == schema.fields.size()) group_begin += group_rows;
  }
  EXPECT_EQ(group_begin, rows.size());
}

WriterOptions RandomOptions(Generator& generator) {
  WriterOptions options;
  const Compression kCompressions[] = {Compression::kNone, Compression::kSnappy, Compression::kZstd};
  options.compression = kCompressions[generator.Below(3)];
  options.zstd_level = static_cast<int>(generator.Between(1, 5));
  options.enable_dictionary = generator.Chance(0.7);
  const size_t kPageBytes[] = {1, 100, 4096, 1 << 20};
  options.data_page_bytes = kPageBytes[generator.Below(4)];
  const size_t kDictionaryBytes[] = {8, 300, 1 << 20};
  options.dictionary_page_bytes = kDictionaryBytes[generator.Below(3)];
  const size_t kGroupBytes[] = {1000, 50000, 64 << 20};
  options.row_group_bytes = kGroupBytes[generator.Below(3)];
  const size_t kGroupRows[] = {1, 7, 500, 1 << 20};
  options.max_row_group_rows = kGroupRows[generator.Below(4)];
  return options;
}

TEST(ParquetProperty, RandomTablesRoundTripThroughDuckDb) {
  constexpr int kIterations = 40;
  for (int iteration = 0; iteration < kIterations; ++iteration) {
    uint64_t seed = 20240601 + static_cast<uint64_t>(iteration);
    SCOPED_TRACE(fmt::format("seed {}", seed));
    Generator generator(seed);
    std::vector<RandomColumn> columns(1 + generator.Below(8));
    std::vector<Field> fields;
    for (size_t column_idx = 0; column_idx < columns.size(); ++column_idx) {
      RandomColumn& column = columns[column_idx];
      column.field = MakeField(fmt::format("c{}", column_idx), generator.RandomType(), generator.Chance(0.6));
      const double kNullRates[] = {0.0, 0.05, 0.5, 1.0};
      column.null_rate = column.field.nullable ? kNullRates[generator.Below(4)] : 0.0;
      size_t pool_size = 1 + generator.Below(generator.Chance(0.5) ? 8 : 3000);
      for (size_t value_idx = 0; value_idx < pool_size; ++value_idx) {
        column.pool.push_back(generator.RandomValue(column.field.type));
      }
      fields.push_back(column.field);
    }
    SchemaPtr schema = MakeSchema(fields);
    WriterOptions options = RandomOptions(generator);

    TempDir dir;
    std::string path = dir.File("random.parquet");
    Result<std::unique_ptr<WritableFile>> sink = OpenWritableFile(path);
    ASSERT_TRUE(sink.has_value());
    Result<std::unique_ptr<FileWriter>> writer = FileWriter::Open(schema, options, sink->get());
    ASSERT_TRUE(writer.has_value());
    std::vector<std::vector<TestValue>> written;
    size_t batch_count = generator.Below(4);
    for (size_t batch_idx = 0; batch_idx < batch_count; ++batch_idx) {
      std::vector<std::vector<TestValue>> rows(generator.Below(1500));
      for (auto& row : rows) {
        for (const RandomColumn& column : columns) {
          row.push_back(generator.Chance(column.null_rate) ? Null() : column.pool[generator.Below(column.pool.size())]);
        }
      }
      auto batch = MakeBatch(schema, rows);
      // Write the batch as random consecutive slices (or whole).
      size_t offset = 0;
      while (offset < rows.size()) {
        size_t count = generator.Chance(0.3) ? rows.size() - offset : 1 + generator.Below(rows.size() - offset);
        ASSERT_TRUE((*writer)->Write(*batch, offset, count).ok());
        offset += count;
      }
      written.insert(written.end(), rows.begin(), rows.end());
    }
    ASSERT_TRUE((*writer)->Close().ok());
    ASSERT_TRUE((*sink)->Close().ok());
    ASSERT_TRUE(VerifyRoundTrip(path, *schema, written));
    VerifyRowGroupStatistics(path, *schema, written);
    if (::testing::Test::HasFailure()) return;
  }
}

}  // namespace
}  // namespace sluice::parquet::testing
