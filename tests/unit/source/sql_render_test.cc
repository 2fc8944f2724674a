#include "source/sql_render.h"

#include <gtest/gtest.h>

namespace sluice::source {
namespace {

SqlDialect DoubleQuotes() { return SqlDialect{'"', PlaceholderStyle::kQuestionMark, nullptr, nullptr, nullptr, nullptr, nullptr}; }
SqlDialect Backticks() { return SqlDialect{'`', PlaceholderStyle::kQuestionMark, nullptr, nullptr, nullptr, nullptr, nullptr}; }
SqlDialect Dollars() { return SqlDialect{'"', PlaceholderStyle::kDollarNumber, nullptr, nullptr, nullptr, nullptr, nullptr}; }

SelectQuery Keyset(std::vector<std::string> key_columns) {
  SelectQuery query;
  query.table = "shop.orders";
  query.columns = {"id", "ts"};
  query.key_columns = std::move(key_columns);
  return query;
}

RenderedSql MustRender(const SelectQuery& query, const SqlDialect& dialect,
                       const std::vector<std::optional<DataType>>& key_types = {}) {
  auto rendered = RenderSelect(query, dialect, key_types);
  EXPECT_TRUE(rendered.has_value()) << rendered.error().ToString();
  return rendered ? *rendered : RenderedSql{};
}

TEST(QuoteIdentifier, QuotesReservedWordsSpacesAndDoublesEmbeddedQuotes) {
  EXPECT_EQ(QuoteIdentifier("order", DoubleQuotes()), "\"order\"");
  EXPECT_EQ(QuoteIdentifier("unit price", DoubleQuotes()), "\"unit price\"");
  EXPECT_EQ(QuoteIdentifier("say \"hi\"", DoubleQuotes()), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(QuoteIdentifier("a`b", Backticks()), "`a``b`");
  EXPECT_EQ(QuoteIdentifier("a\"b", Backticks()), "`a\"b`");
  EXPECT_EQ(QuoteIdentifier("名前😀", DoubleQuotes()), "\"名前😀\"");
  EXPECT_EQ(QuoteIdentifier("", DoubleQuotes()), "\"\"");
}

TEST(QuoteTableName, QuotesEachPartAndSplitsAtTheFirstDotOnly) {
  EXPECT_EQ(QuoteTableName("orders", DoubleQuotes()), "\"orders\"");
  EXPECT_EQ(QuoteTableName("shop.orders", Backticks()), "`shop`.`orders`");
  EXPECT_EQ(QuoteTableName("shop.v1.orders", DoubleQuotes()), "\"shop\".\"v1.orders\"");
  EXPECT_EQ(QuoteTableName("my schema.select", DoubleQuotes()), "\"my schema\".\"select\"");
}

TEST(RenderSelect, SelectsColumnsInOrderWithoutClausesWhenNothingIsSet) {
  RenderedSql rendered = MustRender(Keyset({}), DoubleQuotes());
  EXPECT_EQ(rendered.sql, "SELECT \"id\", \"ts\" FROM \"shop\".\"orders\"");
  EXPECT_TRUE(rendered.params.empty());
}

TEST(RenderSelect, SingleKeyLowerBoundIsStrictUnlessInclusive) {
  SelectQuery query = Keyset({"id"});
  query.lower = {Value::Int64(41)};
  EXPECT_EQ(MustRender(query, DoubleQuotes()).sql,
            "SELECT \"id\", \"ts\" FROM \"shop\".\"orders\" WHERE \"id\" > ? ORDER BY \"id\"");
  query.lower_inclusive = true;
  RenderedSql rendered = MustRender(query, DoubleQuotes());
  EXPECT_EQ(rendered.sql, "SELECT \"id\", \"ts\" FROM \"shop\".\"orders\" WHERE \"id\" >= ? ORDER BY \"id\"");
  EXPECT_EQ(rendered.params, std::vector<Value>{Value::Int64(41)});
}

TEST(RenderSelect, TupleLowerBoundIsAnOrChainWithALeadingRangeOnTheFirstKey) {
  SelectQuery query = Keyset({"ts", "id"});
  query.lower = {Value::Timestamp(1000), Value::Int64(7)};
  RenderedSql rendered = MustRender(query, DoubleQuotes());
  EXPECT_EQ(rendered.sql,
            "SELECT \"id\", \"ts\" FROM \"shop\".\"orders\" WHERE \"ts\" >= ? AND ((\"ts\" > ?) OR (\"ts\" = ? AND "
            "\"id\" > ?)) ORDER BY \"ts\", \"id\"");
  EXPECT_EQ(rendered.params, (std::vector<Value>{Value::Timestamp(1000), Value::Timestamp(1000), Value::Timestamp(1000),
                                                 Value::Int64(7)}));
}

TEST(RenderSelect, InclusiveTupleLowerBoundUsesGreaterOrEqualOnTheLastElementOnly) {
  SelectQuery query = Keyset({"a", "b", "c"});
  query.lower = {Value::Int64(1), Value::Int64(2), Value::Int64(3)};
  query.lower_inclusive = true;
  EXPECT_EQ(MustRender(query, Backticks()).sql,
            "SELECT `id`, `ts` FROM `shop`.`orders` WHERE `a` >= ? AND ((`a` > ?) OR (`a` = ? AND `b` > ?) OR (`a` = ? "
            "AND `b` = ? AND `c` >= ?)) ORDER BY `a`, `b`, `c`");
}

TEST(RenderSelect, LowerBoundOnAPrefixOfTheKeyStillOrdersByEveryKeyColumn) {
  SelectQuery query = Keyset({"ts", "id"});
  query.lower = {Value::Timestamp(5)};
  EXPECT_EQ(MustRender(query, DoubleQuotes()).sql,
            "SELECT \"id\", \"ts\" FROM \"shop\".\"orders\" WHERE \"ts\" > ? ORDER BY \"ts\", \"id\"");
}

TEST(RenderSelect, UpperEqualToAndLimitCombineInOrderWithNumberedPlaceholders) {
  SelectQuery query = Keyset({"ts", "id"});
  query.lower = {Value::Timestamp(10), Value::Int64(3)};
  query.upper = Value::Timestamp(99);
  query.equal_to = Value::Timestamp(50);
  query.limit = 500;
  RenderedSql rendered = MustRender(query, Dollars());
  EXPECT_EQ(rendered.sql,
            "SELECT \"id\", \"ts\" FROM \"shop\".\"orders\" WHERE \"ts\" >= $1 AND ((\"ts\" > $2) OR (\"ts\" = $3 AND "
            "\"id\" > $4)) AND \"ts\" <= $5 AND \"ts\" = $6 ORDER BY \"ts\", \"id\" LIMIT 500");
  EXPECT_EQ(rendered.params.size(), 6u);
  EXPECT_EQ(rendered.params[4], Value::Timestamp(99));
  EXPECT_EQ(rendered.params[5], Value::Timestamp(50));
}

TEST(RenderSelect, UpperAloneAndEqualToAloneStartTheWhereClause) {
  SelectQuery query = Keyset({"id"});
  query.upper = Value::Int64(100);
  EXPECT_EQ(MustRender(query, Dollars()).sql,
            "SELECT \"id\", \"ts\" FROM \"shop\".\"orders\" WHERE \"id\" <= $1 ORDER BY \"id\"");
  query.upper.reset();
  query.equal_to = Value::Text("x");
  query.limit = 0;
  EXPECT_EQ(MustRender(query, Backticks()).sql,
            "SELECT `id`, `ts` FROM `shop`.`orders` WHERE `id` = ? ORDER BY `id` LIMIT 0");
}

TEST(RenderSelect, OddColumnNamesAreQuotedEverywhere) {
  SelectQuery query;
  query.table = "we\"ird.sel ect";
  query.columns = {"order", "a\"b"};
  query.key_columns = {"group by"};
  query.lower = {Value::Int64(1)};
  EXPECT_EQ(MustRender(query, DoubleQuotes()).sql,
            "SELECT \"order\", \"a\"\"b\" FROM \"we\"\"ird\".\"sel ect\" WHERE \"group by\" > ? ORDER BY \"group by\"");
}

SqlDialect Wrapping() {
  SqlDialect dialect = DoubleQuotes();
  dialect.key_column = [](std::string_view column, const DataType& type) {
    return type.id == TypeId::kTimestamp ? "K(" + std::string(column) + ")" : std::string(column);
  };
  dialect.key_parameter = [](std::string_view placeholder, const DataType& type) {
    return type.id == TypeId::kTimestamp ? "P(" + std::string(placeholder) + ")" : std::string(placeholder);
  };
  return dialect;
}

TEST(RenderSelect, DialectHooksWrapTypedKeyColumnsAndTheirParameters) {
  SelectQuery query = Keyset({"ts", "id"});
  query.lower = {Value::Timestamp(1), Value::Int64(2)};
  query.upper = Value::Timestamp(3);
  EXPECT_EQ(MustRender(query, Wrapping()).sql,
            "SELECT \"id\", \"ts\" FROM \"shop\".\"orders\" WHERE K(\"ts\") >= P(?) AND ((K(\"ts\") > P(?)) OR "
            "(K(\"ts\") = P(?) AND \"id\" > ?)) AND K(\"ts\") <= P(?) ORDER BY K(\"ts\"), \"id\"");
}

TEST(RenderSelect, GivenKeyTypesWrapKeysThatNothingIsBoundAgainst) {
  SelectQuery query = Keyset({"id", "ts"});
  std::vector<std::optional<DataType>> types = {DataType::Of(TypeId::kInt64), DataType::Of(TypeId::kTimestamp)};
  EXPECT_EQ(MustRender(query, Wrapping(), types).sql,
            "SELECT \"id\", \"ts\" FROM \"shop\".\"orders\" ORDER BY \"id\", K(\"ts\")");
  // Without types, an unbound key is used as it is.
  EXPECT_EQ(MustRender(query, Wrapping()).sql,
            "SELECT \"id\", \"ts\" FROM \"shop\".\"orders\" ORDER BY \"id\", \"ts\"");
}

TEST(RenderSelect, MalformedKeysetQueriesAreInvalidArguments) {
  auto code_of = [](const SelectQuery& query) { return RenderSelect(query, DoubleQuotes()).error().code(); };
  SelectQuery no_columns = Keyset({"id"});
  no_columns.columns.clear();
  EXPECT_EQ(code_of(no_columns), StatusCode::kInvalidArgument);
  SelectQuery too_many = Keyset({"id"});
  too_many.lower = {Value::Int64(1), Value::Int64(2)};
  EXPECT_EQ(code_of(too_many), StatusCode::kInvalidArgument);
  SelectQuery null_bound = Keyset({"id"});
  null_bound.upper = Value();
  EXPECT_EQ(code_of(null_bound), StatusCode::kInvalidArgument);
  SelectQuery no_keys = Keyset({});
  no_keys.equal_to = Value::Int64(1);
  EXPECT_EQ(code_of(no_keys), StatusCode::kInvalidArgument);
  SelectQuery negative = Keyset({"id"});
  negative.limit = -1;
  EXPECT_EQ(code_of(negative), StatusCode::kInvalidArgument);
  SelectQuery mixed = Keyset({"ts"});
  mixed.lower = {Value::Int64(5)};
  auto mixed_rendered = RenderSelect(mixed, DoubleQuotes(), {DataType::Of(TypeId::kTimestamp)});
  ASSERT_FALSE(mixed_rendered.has_value());
  EXPECT_EQ(mixed_rendered.error().message(), "key column 'ts' is a timestamp but is compared with the integer 5");
  EXPECT_EQ(RenderSelect(Keyset({"id"}), DoubleQuotes(), {DataType::Of(TypeId::kInt64), DataType::Of(TypeId::kInt64)})
                .error()
                .code(),
            StatusCode::kInvalidArgument);
}

// A first copy's chunk: pages of the table up to the cursor column's ceiling.
SelectQuery PageChunk(PageRange pages) {
  SelectQuery query = Keyset({});
  query.pages = pages;
  query.upper = Value::Int64(99);
  query.upper_column = "ts";
  return query;
}

SqlDialect Paging() {
  SqlDialect dialect = Dollars();
  dialect.page_range = [](const PageRange& range) {
    return "pages(" + std::to_string(range.first) + ", " + (range.end ? std::to_string(*range.end) : "end") + ")";
  };
  return dialect;
}

TEST(RenderSelect, APageRangeIsTheDialectsConditionFirstAndHasNoOrder) {
  RenderedSql rendered = MustRender(PageChunk({.first = 8, .end = 16}), Paging());
  EXPECT_EQ(rendered.sql, "SELECT \"id\", \"ts\" FROM \"shop\".\"orders\" WHERE pages(8, 16) AND \"ts\" <= $1");
  EXPECT_EQ(rendered.params, std::vector<Value>{Value::Int64(99)});
  EXPECT_EQ(MustRender(PageChunk({.first = 16}), Paging()).sql,
            "SELECT \"id\", \"ts\" FROM \"shop\".\"orders\" WHERE pages(16, end) AND \"ts\" <= $1");
}

TEST(RenderSelect, ADialectThatCannotAddressPagesRefusesAPageRangeAsAnInternalError) {
  auto rendered = RenderSelect(PageChunk({.first = 8, .end = 16}), Backticks());
  ASSERT_FALSE(rendered.has_value());
  EXPECT_EQ(rendered.error().code(), StatusCode::kInternal);
  EXPECT_EQ(rendered.error().message(),
            "query on 'shop.orders' reads pages [8, 16), which this source cannot address (only PostgreSQL 14+ can)");
  // A page range takes no key, key bound or limit, and is not empty.
  SelectQuery keyed = PageChunk({.first = 0});
  keyed.key_columns = {"id"};
  SelectQuery limited = PageChunk({.first = 0});
  limited.limit = 10;
  for (const SelectQuery& query : {keyed, limited, PageChunk({.first = 5, .end = 5}), PageChunk({.first = -1})}) {
    auto refused = RenderSelect(query, Paging());
    ASSERT_FALSE(refused.has_value());
    EXPECT_EQ(refused.error().code(), StatusCode::kInternal) << refused.error().message();
  }
}

SelectQuery Custom(std::string sql) {
  SelectQuery query;
  query.custom_sql = std::move(sql);
  query.parameters = {{"last_id", Value::Int64(10)},
                      {"last_timestamp", Value::Timestamp(0)},
                      {"evil", Value::Text("x'; DROP TABLE t; --")}};
  return query;
}

TEST(RenderSelect, CustomPlaceholdersBecomeBoundParametersInTextOrder) {
  RenderedSql rendered =
      MustRender(Custom("SELECT * FROM t WHERE ts > {{last_timestamp}} AND id > {{  last_id\t}} OR id = {{last_id}}"),
                 DoubleQuotes());
  EXPECT_EQ(rendered.sql, "SELECT * FROM t WHERE ts > ? AND id > ? OR id = ?");
  EXPECT_EQ(rendered.params, (std::vector<Value>{Value::Timestamp(0), Value::Int64(10), Value::Int64(10)}));
  EXPECT_EQ(MustRender(Custom("SELECT {{last_id}}, {{ last_id }}"), Dollars()).sql, "SELECT $1, $2");
}

TEST(RenderSelect, CustomParameterValuesAreNeverPastedIntoTheSql) {
  RenderedSql rendered = MustRender(Custom("SELECT * FROM t WHERE note = {{evil}}"), DoubleQuotes());
  EXPECT_EQ(rendered.sql, "SELECT * FROM t WHERE note = ?");
  EXPECT_EQ(rendered.params, std::vector<Value>{Value::Text("x'; DROP TABLE t; --")});
}

// A {{...}} inside a literal or a comment is the query's own text, sent as
// it is: replacing it would leave a marker the database does not count.
TEST(RenderSelect, CustomPlaceholdersInsideLiteralsAndCommentsAreLeftAsText) {
  const std::string sql =
      "SELECT '{{last_id}}' AS note, \"{{evil}}\" -- {{last_id}}\nFROM t /* {{evil}} */ WHERE id > {{last_id}}";
  RenderedSql rendered = MustRender(Custom(sql), DoubleQuotes());
  EXPECT_EQ(rendered.sql,
            "SELECT '{{last_id}}' AS note, \"{{evil}}\" -- {{last_id}}\nFROM t /* {{evil}} */ WHERE id > ?");
  EXPECT_EQ(rendered.params, std::vector<Value>{Value::Int64(10)});
  // Each dialect reads its own quotes and comments: MySQL's # and backticks, PostgreSQL's $$.
  SqlDialect mysql = Backticks();
  mysql.flavor = SqlFlavor::kMySql;
  EXPECT_EQ(MustRender(Custom("SELECT `{{evil}}`, 'a\\'{{evil}}' FROM t # {{evil}}\nWHERE id > {{last_id}}"), mysql).sql,
            "SELECT `{{evil}}`, 'a\\'{{evil}}' FROM t # {{evil}}\nWHERE id > ?");
  SqlDialect postgres = Dollars();
  postgres.flavor = SqlFlavor::kPostgres;
  EXPECT_EQ(MustRender(Custom("SELECT $$ {{evil}} $$ FROM t WHERE id > {{last_id}} # {{last_id}}"), postgres).sql,
            "SELECT $$ {{evil}} $$ FROM t WHERE id > $1 # $2");
}

TEST(RenderSelect, UnknownOrUnclosedCustomPlaceholdersAreInvalidArgumentsNamingThem) {
  auto unknown = RenderSelect(Custom("SELECT * FROM t WHERE id > {{ last_idd }}"), DoubleQuotes());
  ASSERT_FALSE(unknown.has_value());
  EXPECT_EQ(unknown.error().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(unknown.error().message(),
            "custom SQL uses the unknown placeholder {{last_idd}} (known: evil, last_id, last_timestamp)");
  auto unclosed = RenderSelect(Custom("SELECT * FROM t WHERE id > {{last_id"), DoubleQuotes());
  ASSERT_FALSE(unclosed.has_value());
  EXPECT_EQ(unclosed.error().code(), StatusCode::kInvalidArgument);
}

TEST(ExplainSql, ListsParametersByPositionWithTextQuoted) {
  RenderedSql rendered{
      "SELECT 1 WHERE a > ? AND b = ? AND c <= ? AND d = ?",
      {Value::Int64(-4), Value::Text("it's"), Value::Timestamp(0), Value::UInt64(18446744073709551615u)}};
  EXPECT_EQ(ExplainSql(rendered),
            "SELECT 1 WHERE a > ? AND b = ? AND c <= ? AND d = ?\n"
            "-- params, one per ? in order: -4, 'it''s', '1970-01-01T00:00:00.000000Z', 18446744073709551615");
  EXPECT_EQ(ExplainSql(RenderedSql{"SELECT 1", {}}), "SELECT 1");
  EXPECT_EQ(ExplainSql(RenderedSql{"SELECT $1", {Value::Date(1)}, PlaceholderStyle::kDollarNumber}),
            "SELECT $1\n-- params: $1='1970-01-02'");
}

}  // namespace
}  // namespace sluice::source
