#include "types/sql_placeholders.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace sluice {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr SqlFlavor kFlavors[] = {SqlFlavor::kSqlite, SqlFlavor::kMySql, SqlFlavor::kPostgres};

PlaceholderScan MustScan(std::string_view sql, SqlFlavor flavor) {
  Result<PlaceholderScan> scan = ScanPlaceholders(sql, flavor);
  EXPECT_TRUE(scan.has_value()) << scan.error().ToString();
  return scan.has_value() ? *scan : PlaceholderScan{};
}

// The names of the placeholders found, in text order.
std::vector<std::string> Names(std::string_view sql, SqlFlavor flavor) {
  std::vector<std::string> names;
  for (const Placeholder& placeholder : MustScan(sql, flavor).placeholders) names.push_back(placeholder.name);
  return names;
}

TEST(ScanPlaceholders, FindsEachPlaceholderWithItsPlaceAndTrimmedName) {
  const std::string sql = "SELECT * FROM t WHERE id > {{last_id}} AND id <= {{ ceiling_id }}";
  for (SqlFlavor flavor : kFlavors) {
    PlaceholderScan scan = MustScan(sql, flavor);
    ASSERT_EQ(scan.placeholders.size(), 2u);
    EXPECT_EQ(scan.placeholders[0].name, "last_id");
    EXPECT_EQ(sql.substr(scan.placeholders[0].offset, scan.placeholders[0].length), "{{last_id}}");
    EXPECT_EQ(scan.placeholders[1].name, "ceiling_id");
    EXPECT_EQ(sql.substr(scan.placeholders[1].offset, scan.placeholders[1].length), "{{ ceiling_id }}");
    EXPECT_THAT(scan.in_text, IsEmpty());
  }
}

TEST(ScanPlaceholders, SingleQuotedStringsAreTextIncludingDoubledQuotes) {
  for (SqlFlavor flavor : kFlavors) {
    PlaceholderScan scan = MustScan("SELECT 'it''s {{last_id}}', x FROM t WHERE id > {{last_id}}", flavor);
    ASSERT_EQ(scan.placeholders.size(), 1u);
    EXPECT_EQ(scan.placeholders[0].offset, 48u);
    EXPECT_THAT(scan.in_text, ElementsAre("last_id"));
  }
}

TEST(ScanPlaceholders, DoubleQuotedNamesOrStringsAreText) {
  for (SqlFlavor flavor : kFlavors) {
    EXPECT_THAT(Names("SELECT \"a\"\"{{last_id}}\" FROM t WHERE id > {{ceiling_id}}", flavor),
                ElementsAre("ceiling_id"));
  }
}

TEST(ScanPlaceholders, BacktickNamesAreTextWhereTheDatabaseQuotesWithThem) {
  const std::string sql = "SELECT `x``{{last_id}}` FROM t WHERE id > {{ceiling_id}}";
  EXPECT_THAT(Names(sql, SqlFlavor::kMySql), ElementsAre("ceiling_id"));
  EXPECT_THAT(Names(sql, SqlFlavor::kSqlite), ElementsAre("ceiling_id"));
  // PostgreSQL has no backtick quotes.
  EXPECT_THAT(Names(sql, SqlFlavor::kPostgres), ElementsAre("last_id", "ceiling_id"));
}

TEST(ScanPlaceholders, BracketNamesAreTextInSqliteOnly) {
  const std::string sql = "SELECT [{{last_id}}] FROM t WHERE id > {{ceiling_id}}";
  EXPECT_THAT(Names(sql, SqlFlavor::kSqlite), ElementsAre("ceiling_id"));
  EXPECT_THAT(Names(sql, SqlFlavor::kMySql), ElementsAre("last_id", "ceiling_id"));
}

TEST(ScanPlaceholders, DoubleDashCommentsRunToTheEndOfTheLine) {
  for (SqlFlavor flavor : kFlavors) {
    PlaceholderScan scan = MustScan("SELECT * FROM t -- after {{last_id}}\nWHERE id > {{ceiling_id}}", flavor);
    ASSERT_EQ(scan.placeholders.size(), 1u);
    EXPECT_EQ(scan.placeholders[0].name, "ceiling_id");
    EXPECT_THAT(scan.in_text, ElementsAre("last_id"));
  }
  // MySQL needs a space (or control character) after "--": "--{{x}}" is two minus signs.
  EXPECT_THAT(Names("SELECT 1 --{{last_id}}", SqlFlavor::kMySql), ElementsAre("last_id"));
  EXPECT_THAT(Names("SELECT 1 --{{last_id}}", SqlFlavor::kSqlite), IsEmpty());
}

TEST(ScanPlaceholders, HashCommentsAreMySqlsOnly) {
  const std::string sql = "SELECT * FROM t # {{last_id}}\nWHERE id > {{ceiling_id}}";
  EXPECT_THAT(Names(sql, SqlFlavor::kMySql), ElementsAre("ceiling_id"));
  // PostgreSQL's # is an operator (bitwise XOR).
  EXPECT_THAT(Names(sql, SqlFlavor::kPostgres), ElementsAre("last_id", "ceiling_id"));
}

TEST(ScanPlaceholders, BlockCommentsAreTextAndNestInPostgresOnly) {
  for (SqlFlavor flavor : kFlavors) {
    EXPECT_THAT(Names("SELECT /* {{last_id}}\n */ * FROM t WHERE id > {{ceiling_id}}", flavor),
                ElementsAre("ceiling_id"));
  }
  const std::string nested = "SELECT /* a /* b */ {{last_id}} */ 1 WHERE id > {{ceiling_id}}";
  EXPECT_THAT(Names(nested, SqlFlavor::kPostgres), ElementsAre("ceiling_id"));
  EXPECT_THAT(Names(nested, SqlFlavor::kMySql), ElementsAre("last_id", "ceiling_id"));
}

TEST(ScanPlaceholders, MySqlExecutableCommentsAreSql) {
  EXPECT_THAT(Names("SELECT /*!50000 {{last_id}} */ 1", SqlFlavor::kMySql), ElementsAre("last_id"));
  EXPECT_THAT(Names("SELECT /*M!100000 {{last_id}} */ 1", SqlFlavor::kMySql), ElementsAre("last_id"));
  EXPECT_THAT(Names("SELECT /*!50000 {{last_id}} */ 1", SqlFlavor::kSqlite), IsEmpty());
}

TEST(ScanPlaceholders, BackslashEscapesAQuoteWhereTheDatabaseSaysSo) {
  // MySQL: \' does not end the string.
  EXPECT_THAT(Names("SELECT 'a\\' {{last_id}}' WHERE id > {{ceiling_id}}", SqlFlavor::kMySql),
              ElementsAre("ceiling_id"));
  EXPECT_THAT(Names("SELECT \"a\\\" {{last_id}}\" WHERE id > {{ceiling_id}}", SqlFlavor::kMySql),
              ElementsAre("ceiling_id"));
  // PostgreSQL and SQLite: 'a\' is a whole string; E'...' escapes in PostgreSQL.
  EXPECT_THAT(Names("SELECT 'a\\', {{last_id}}", SqlFlavor::kPostgres), ElementsAre("last_id"));
  EXPECT_THAT(Names("SELECT 'a\\', {{last_id}}", SqlFlavor::kSqlite), ElementsAre("last_id"));
  EXPECT_THAT(Names("SELECT E'a\\' {{last_id}}' WHERE id > {{ceiling_id}}", SqlFlavor::kPostgres),
              ElementsAre("ceiling_id"));
}

TEST(ScanPlaceholders, DollarQuotedStringsArePostgresText) {
  EXPECT_THAT(
      Names("SELECT $$ {{last_id}} $$, $fn$ it's {{last_id}} $fn$ WHERE id > {{ceiling_id}}", SqlFlavor::kPostgres),
      ElementsAre("ceiling_id"));
  // $1 is a parameter and a$b$ an identifier, not the start of a quote.
  EXPECT_THAT(Names("SELECT $1, a$b$ FROM t WHERE id > {{last_id}} AND x = $b$", SqlFlavor::kPostgres),
              ElementsAre("last_id"));
}

TEST(ScanPlaceholders, AnUnclosedPlaceholderIsRefusedButOneInsideTextIsNot) {
  for (SqlFlavor flavor : kFlavors) {
    Result<PlaceholderScan> unclosed = ScanPlaceholders("SELECT * FROM t WHERE id > {{last_id", flavor);
    ASSERT_FALSE(unclosed.has_value());
    EXPECT_EQ(unclosed.error().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(unclosed.error().message(), "'{{last_id' is not closed (a placeholder ends with }})");
    EXPECT_THAT(Names("SELECT '{{', '}}' FROM t WHERE id > {{last_id}}", flavor), ElementsAre("last_id"));
  }
}

TEST(ScanPlaceholders, AnUnterminatedStringIsTextToTheEnd) {
  for (SqlFlavor flavor : kFlavors) {
    EXPECT_THAT(Names("SELECT {{last_id}}, 'open {{ceiling_id}}", flavor), ElementsAre("last_id"));
  }
}

}  // namespace
}  // namespace sluice
