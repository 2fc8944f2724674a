// What --dry-run and --debug show for a SQLite query is what SQLite is
// given: each parameter in the text (or integer) form it is bound in, so
// the query can be pasted into sqlite3 and read the same rows.
#include <gtest/gtest.h>

#include <string>

#include "sqlite_test_db.h"
#include "types/temporal.h"

namespace sluice::source {
namespace {

using testing::MakeSchema;
using testing::ReadAll;
using testing::TempSqliteDb;

constexpr std::string_view kParamsLine = "\n-- params, one per ? in order: ";

// The one parameter Explain shows for `query`, as written there.
std::string ShownParam(const Source& source, const SelectQuery& query) {
  std::string explained = source.Explain(query);
  size_t at = explained.find(kParamsLine);
  if (at == std::string::npos) return "(no params line in: " + explained + ")";
  return explained.substr(at + kParamsLine.size());
}

// The parameter as SQLite received it, read back by the query itself: its
// text, quoted as SQL quotes it when SQLite was given text.
std::string BoundParam(Source& source, const Value& value) {
  SelectQuery query;
  query.custom_sql = "SELECT CASE typeof({{p}}) WHEN 'text' THEN quote({{p}}) ELSE CAST({{p}} AS TEXT) END AS bound";
  query.parameters = {{"p", value}};
  auto rows = ReadAll(source, query, MakeSchema({{"bound", DataType::Of(TypeId::kString)}}));
  if (!rows.has_value()) return "(read failed: " + rows.error().ToString() + ")";
  if (rows->num_rows() != 1) return "(no row)";
  return std::string(rows->column(0).Bytes(0));
}

TEST(SqliteExplain, EachParameterIsShownAsTheTextOrNumberSqliteIsGiven) {
  TempSqliteDb db("CREATE TABLE t (id INTEGER PRIMARY KEY)");
  auto source = db.Open();
  const std::vector<Value> values = {
      Value::Timestamp(*ParseTimestamp("2025-01-02 12:00:00.5")),
      Value::Timestamp(0),
      Value::Date(20000),
      Value::Int64(-42),
      Value::UInt64(7),
      Value::UInt64(18446744073709551615u),
      Value::Text("it's"),
  };
  for (const Value& value : values) {
    SelectQuery query;
    query.custom_sql = "SELECT id FROM t WHERE id > {{p}}";
    query.parameters = {{"p", value}};
    std::string bound = BoundParam(*source, value);
    ASSERT_EQ(bound.find('('), std::string::npos) << bound;
    EXPECT_EQ(ShownParam(*source, query), bound) << "value " << value.ToString();
  }
}

TEST(SqliteExplain, AKeysetTimestampBoundIsShownAsBound) {
  TempSqliteDb db("CREATE TABLE events (id INTEGER PRIMARY KEY, updated_at DATETIME)");
  auto source = db.Open();
  SelectQuery query = testing::KeysetQuery("events", {"id"}, {"updated_at", "id"});
  Value lower = Value::Timestamp(*ParseTimestamp("2025-03-04 05:06:07.000008"));
  query.lower = {lower};
  EXPECT_EQ(ShownParam(*source, query), BoundParam(*source, lower));
  EXPECT_EQ(ShownParam(*source, query), "'2025-03-04 05:06:07.000008'");
}

}  // namespace
}  // namespace sluice::source
