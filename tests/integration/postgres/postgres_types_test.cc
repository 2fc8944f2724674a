// The PostgreSQL source's type mapping, read through the Source API from
// the private test server and compared value by value: every type of
// docs/sources.md with its edge values, by COPY BINARY (keyset reads) and
// by single-row binary results (custom SQL).
#include <gtest/gtest.h>

#include "pg_fixture.h"
#include "source_reading.h"

namespace sluice::testing {
namespace {

using Cells = std::vector<std::string>;

const std::string kNull = "NULL";

Cells Nulls(size_t count) { return Cells(count, kNull); }

Cells Concat(std::initializer_list<Cells> parts) {
  Cells all;
  for (const Cells& part : parts) all.insert(all.end(), part.begin(), part.end());
  return all;
}

// The rows of AllTypesSql as the source must read them (zero_dates: null).
std::vector<Cells> ExpectedAllTypes() {
  return {
      {"1", "-32768", "-2147483648", "-9223372036854775808", "-9999999999.99",
       "-9999999999999999999999999999.9999999999", "-99999999999999999999999999999999999999",
       "-1234567890123456789012345678901234567890.12345678901234567890",
       "0.000000000000000000000000000000000000000001", "-inf", "-inf", "false", "0001-01-01",
       "0001-01-01T00:00:00.000000Z", "0001-01-01T00:00:00.000000Z", "00:00:00.000000", "", "a", "ab   ", "MiXeD",
       "sad", "0.00", "[]", "{}", "\\x", "00000000-0000-0000-0000-000000000000", "[]", "[]", "[]", "[]", "-1 days",
       "0.0.0.0"},
      {"2", "32767", "2147483647", "9223372036854775807", "9999999999.99", "9999999999999999999999999999.9999999999",
       "99999999999999999999999999999999999999", "1234567890123456789012345678901234567890.12345678901234567890",
       "-123456789012345678901234567890.123456789012345678901234567890", "inf", "inf", "true", "9999-12-31",
       "9999-12-31T23:59:59.999999Z", "9999-12-31T23:59:59.999999Z", "24:00:00.000000",
       "\U0001F600 \U0001D11E \"quoted\" back\\slash", "twenty chars exactly", "abcde", "\u00C4\u00D6\u00DC", "happy",
       "99999999.99", "{\"k\": [1, 2.50, \"x\"]}", "{\"a\": [true, null, \"\u00e9\"], \"b\": 1}", "\\x00ff0000ab",
       "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", "[1,null,-3]", "[\"a\\\"b\",\"c\\\\d\",null,\"\",\"x\U0001F600\"]",
       "[[1,2],[3,null]]", "[1.50,-0.001,\"NaN\",\"Infinity\"]", "1 year 2 mons 3 days 04:05:06.789",
       "192.168.0.1/24"},
      Concat({{"3"}, Nulls(15), {""}, Nulls(15)}),
      Concat({{"4", "0", "0", "0", "0.00", "0.0000000001", "0", "0.00000000000000000000", "1" + std::string(100, '0'),
               "nan", "-0", kNull, kNull, kNull, kNull, "12:34:56.789012", "tab\there\nnewline", kNull, kNull, kNull,
               "ok", "12.50", kNull, kNull, kNull, kNull, "[[[1]],[[2]]]"},
              Nulls(5)}),
      Concat({{"5"}, Nulls(7),
              {"-0.5", "-0", "nan", kNull, "2024-02-29", "2024-02-29T12:00:00.000001Z", "2025-06-01T10:00:00.000000Z",
               kNull, "x"},
              Nulls(15)}),
      Concat({{"6"}, Nulls(7),
              {"123.4560", "3.4028235e+38", "5e-324", kNull, "1970-01-01", "1969-12-31T23:59:59.999999Z",
               "1970-01-01T00:00:00.000000Z", kNull, "y"},
              Nulls(15)}),
  };
}

class PostgresTypes : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = PostgresServer();
    ASSERT_FALSE(::testing::Test::HasFailure());
    fixture_ = std::make_unique<PgFixture>(server_);
    table_ = UniqueName("all_types");
    fixture_->Exec(AllTypesSql(table_));
    source_ = OpenTestPostgresSource(server_);
    ASSERT_NE(source_, nullptr);
  }

  void ExpectRowsEqual(const std::vector<Cells>& actual, const std::vector<Cells>& expected, const Schema& schema) {
    ASSERT_EQ(actual.size(), expected.size());
    for (size_t row = 0; row < expected.size(); ++row) {
      ASSERT_EQ(actual[row].size(), expected[row].size()) << "row " << row + 1;
      for (size_t column = 0; column < expected[row].size(); ++column) {
        EXPECT_EQ(actual[row][column], expected[row][column])
            << "row id=" << row + 1 << ", column " << schema.fields[column].name;
      }
    }
  }

  ServerEnv server_;
  std::unique_ptr<PgFixture> fixture_;
  std::string table_;
  std::unique_ptr<source::Source> source_;
};

TEST_F(PostgresTypes, DescribesEveryColumnFromTheCatalog) {
  auto schema = source_->DescribeTable(table_);
  ASSERT_TRUE(schema.has_value()) << schema.error().ToString();
  struct Expected {
    const char* name;
    DataType type;
    const char* source_type;
  };
  const Expected expected[] = {
      {"id", DataType::Of(TypeId::kInt32), "integer"},
      {"i2", DataType::Of(TypeId::kInt16), "smallint"},
      {"i4", DataType::Of(TypeId::kInt32), "integer"},
      {"i8", DataType::Of(TypeId::kInt64), "bigint"},
      {"n12", DataType::Decimal(12, 2), "numeric(12,2)"},
      {"n38", DataType::Decimal(38, 10), "numeric(38,10)"},
      {"n38i", DataType::Decimal(38, 0), "numeric(38,0)"},
      {"n60", DataType::Decimal(60, 20), "numeric(60,20)"},
      {"nany", DataType::Decimal(0, 0), "numeric"},
      {"r", DataType::Of(TypeId::kFloat32), "real"},
      {"dp", DataType::Of(TypeId::kFloat64), "double precision"},
      {"bo", DataType::Of(TypeId::kBoolean), "boolean"},
      {"d", DataType::Of(TypeId::kDate), "date"},
      {"ts", DataType::Of(TypeId::kTimestamp), "timestamp(6) without time zone"},
      {"tstz", DataType::Of(TypeId::kTimestampTz), "timestamp with time zone"},
      {"tm", DataType::Of(TypeId::kTime), "time(6) without time zone"},
      {"tx", DataType::Of(TypeId::kString), "text"},
      {"vc", DataType::Of(TypeId::kString), "character varying(20)"},
      {"ch", DataType::Of(TypeId::kString), "character(5)"},
      {"ci", DataType::Of(TypeId::kString), "citext"},
      {"mood", DataType::Of(TypeId::kString), nullptr},
      {"amount", DataType::Decimal(10, 2), nullptr},
      {"js", DataType::Of(TypeId::kJson), "json"},
      {"jb", DataType::Of(TypeId::kJson), "jsonb"},
      {"by", DataType::Of(TypeId::kBinary), "bytea"},
      {"uu", DataType::Of(TypeId::kString), "uuid"},
      {"ia", DataType::Of(TypeId::kJson), "integer[]"},
      {"ta", DataType::Of(TypeId::kJson), "text[]"},
      {"nest", DataType::Of(TypeId::kJson), "integer[]"},
      {"na", DataType::Of(TypeId::kJson), "numeric[]"},
      {"iv", DataType::Of(TypeId::kString), "interval"},
      {"ip", DataType::Of(TypeId::kString), "inet"},
  };
  const Schema& described = **schema;
  ASSERT_EQ(described.fields.size(), std::size(expected));
  for (size_t column = 0; column < std::size(expected); ++column) {
    const Field& field = described.fields[column];
    EXPECT_EQ(field.name, expected[column].name);
    EXPECT_EQ(field.type, expected[column].type) << field.name << " is a " << field.type.ToString();
    if (expected[column].source_type != nullptr) {
      EXPECT_EQ(field.source_type, expected[column].source_type);
    }
    EXPECT_EQ(field.nullable, field.name != "id" && field.name != "tx") << field.name;
  }
  EXPECT_EQ(described.fields[17].max_length, 20);  // varchar(20)
  EXPECT_EQ(described.fields[18].max_length, 5);   // char(5)
  EXPECT_EQ(described.primary_key, std::vector<std::string>{"id"});
}

TEST_F(PostgresTypes, CopyBinaryReadsEveryTypeExactly) {
  auto schema = source_->DescribeTable(table_);
  ASSERT_TRUE(schema.has_value()) << schema.error().ToString();
  // Batches of 4 rows: a batch boundary falls inside the COPY stream.
  ReadResult read = ReadAllRows(*source_, WholeTable(table_, **schema), *schema, {}, 4);
  ASSERT_TRUE(read.status.ok()) << read.status.ToString();
  ExpectRowsEqual(read.rows, ExpectedAllTypes(), **schema);
  EXPECT_EQ(read.stats.rows, 6);
  EXPECT_EQ(read.stats.zero_dates_nulled, 3);  // row 4: date infinity, timestamp -infinity, timestamptz infinity
}

TEST_F(PostgresTypes, CustomSqlReadsEveryTypeExactlyThroughBinaryResults) {
  SelectQuery query;
  query.table = table_;
  query.custom_sql = "SELECT * FROM " + table_ + " WHERE id > {{last_id}} ORDER BY id;";
  query.parameters["last_id"] = Value::Int64(0);
  auto schema = source_->DescribeQuery(query);
  ASSERT_TRUE(schema.has_value()) << schema.error().ToString();
  auto table_schema = source_->DescribeTable(table_);
  ASSERT_TRUE(table_schema.has_value());
  ASSERT_EQ((*schema)->fields.size(), (*table_schema)->fields.size());
  for (size_t column = 0; column < (*schema)->fields.size(); ++column) {
    EXPECT_EQ((*schema)->fields[column].type, (*table_schema)->fields[column].type) << (*schema)->fields[column].name;
  }
  ReadResult read = ReadAllRows(*source_, query, *schema, {}, 4);
  ASSERT_TRUE(read.status.ok()) << read.status.ToString();
  ExpectRowsEqual(read.rows, ExpectedAllTypes(), **schema);
  EXPECT_EQ(read.stats.zero_dates_nulled, 3);
}

TEST_F(PostgresTypes, InfinityStopsTheReadUnderZeroDatesError) {
  auto schema = source_->DescribeTable(table_);
  ASSERT_TRUE(schema.has_value());
  source::ReadOptions options;
  options.zero_dates = config::ZeroDates::kError;
  options.table_for_errors = table_;
  ReadResult read = ReadAllRows(*source_, WholeTable(table_, **schema), *schema, options);
  EXPECT_EQ(read.status.code(), StatusCode::kDataError);
  EXPECT_NE(read.status.message().find("table " + table_ + ", column d, row id=4"), std::string::npos)
      << read.status.message();
  EXPECT_NE(read.status.message().find("'infinity'"), std::string::npos) << read.status.message();
  // The connection is usable afterwards.
  EXPECT_TRUE(source_->MaxValue(table_, "id", DataType::Of(TypeId::kInt32)).has_value());
}

TEST_F(PostgresTypes, NumericNaNIsADataErrorInADecimalAndItsNameInExactText) {
  std::string table = UniqueName("nan_amounts");
  fixture_->Exec("DROP TABLE IF EXISTS " + table + "; CREATE TABLE " + table +
                 " (code text PRIMARY KEY, amount numeric(12,2), total numeric, wide numeric(50,5));"
                 "INSERT INTO " + table + " VALUES ('a', 1, 1, 1), ('it''s', 'NaN', 2, 2), "
                 "('z', 3, 'Infinity', 'NaN'), ('zz', 4, '-Infinity', 3), ('zzz', 5, 'NaN', 4);");
  auto schema = source_->DescribeTable(table);
  ASSERT_TRUE(schema.has_value());
  ReadResult read = ReadAllRows(*source_, WholeTable(table, **schema), *schema);
  EXPECT_EQ(read.status.code(), StatusCode::kDataError);
  EXPECT_EQ(read.status.message(), "table " + table +
                                       ", column amount, row code='it's': NaN is not a decimal(12,2) (a decimal holds "
                                       "no NaN or Infinity)");
  // Unconstrained numeric and numeric past 38 digits are exact text: NaN and ±Infinity are held as PostgreSQL spells them.
  SelectQuery rest = WholeTable(table, **schema);
  rest.lower = {Value::Text("it's")};
  read = ReadAllRows(*source_, rest, *schema);
  ASSERT_TRUE(read.status.ok()) << read.status.ToString();
  EXPECT_EQ(read.rows, (std::vector<std::vector<std::string>>{{"z", "3.00", "Infinity", "NaN"},
                                                              {"zz", "4.00", "-Infinity", "3.00000"},
                                                              {"zzz", "5.00", "NaN", "4.00000"}}));
  // NaN sorts above every number in PostgreSQL: as the largest value of a cursor column it is no ceiling.
  auto ceiling = source_->MaxValue(table, "total", DataType::Decimal(0, 0));
  ASSERT_FALSE(ceiling.has_value());
  EXPECT_EQ(ceiling.error().code(), StatusCode::kDataError);
  EXPECT_EQ(ceiling.error().message(),
            "table " + table + ", column total: the largest value is NaN, which cannot be the run's ceiling");
}

TEST_F(PostgresTypes, ComputedCustomColumnsMapByTheirResultType) {
  SelectQuery query;
  query.custom_sql =
      "SELECT 1.005 * 2 AS product, interval '36 hours' AS span, ARRAY[1, 2] AS pair, '1.5'::numeric(5,1) AS n, "
      "'10.1.2.3'::inet AS host";
  auto schema = source_->DescribeQuery(query);
  ASSERT_TRUE(schema.has_value()) << schema.error().ToString();
  std::vector<DataType> types;
  for (const Field& field : (*schema)->fields) types.push_back(field.type);
  EXPECT_EQ(types, (std::vector<DataType>{DataType::Decimal(0, 0), DataType::Of(TypeId::kString),
                                           DataType::Of(TypeId::kJson), DataType::Decimal(5, 1),
                                           DataType::Of(TypeId::kString)}));
  // interval and inet are read through their text form (the query is wrapped in a casting select).
  ReadResult read = ReadAllRows(*source_, query, *schema);
  ASSERT_TRUE(read.status.ok()) << read.status.ToString();
  EXPECT_EQ(read.rows, (std::vector<Cells>{{"2.010", "36:00:00", "[1,2]", "1.5", "10.1.2.3"}}));
}

}  // namespace
}  // namespace sluice::testing
