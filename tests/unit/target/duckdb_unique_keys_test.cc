// The cheap proof that no key repeats among staged files (unique_keys.h):
// it holds only for files whose keys strictly increase and whose key
// ranges do not overlap, and never claims keys unique that repeat.
#include <gmock/gmock.h>

#include <filesystem>
#include <fstream>

#include "target/duckdb/duckdb_api.h"
#include "target/duckdb/unique_keys.h"
#include "target_test_util.h"

namespace sluice::target::duckdb {
namespace {

namespace fs = std::filesystem;

class UniqueKeysTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "sluice-unique-keys-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    scratch_ = pattern;
    Result<std::unique_ptr<Database>> opened = Database::Open(":memory:");
    ASSERT_TRUE(opened.has_value()) << opened.error().ToString();
    database_ = std::move(*opened);
  }
  void TearDown() override {
    database_.reset();
    std::error_code ignored;
    fs::remove_all(scratch_, ignored);
  }

  // Writes a file of the rows of `select_sql` (in that order, in row groups of 2) and returns its path.
  std::string File(const std::string& select_sql) {
    std::string path = fmt::format("{}/{}.parquet", scratch_, ++files_);
    Status written = database_->Execute(
        fmt::format("COPY ({}) TO {} (FORMAT parquet, ROW_GROUP_SIZE 2)", select_sql, QuoteLiteral(path)));
    EXPECT_TRUE(written.ok()) << written.ToString();
    return path;
  }
  // A file of BIGINT ids, in the order given.
  std::string Ids(const std::string& ids) {
    return File(fmt::format("SELECT unnest([{}])::BIGINT AS id, 'x' AS other", ids));
  }
  bool Unique(const std::vector<std::string>& paths, const std::vector<KeyColumn>& key = {{"id", "BIGINT"}}) {
    Result<bool> unique = KeysProvablyUnique(*database_, paths, key);
    EXPECT_TRUE(unique.has_value()) << unique.error().ToString();
    return unique.value_or(true);
  }

  std::string scratch_;
  std::unique_ptr<Database> database_;
  int files_ = 0;
};

TEST_F(UniqueKeysTest, FilesInKeyOrderWithSeparateRangesAreProvedUniqueWhateverTheirOrderInTheLoad) {
  EXPECT_TRUE(Unique({Ids("1, 2, 5, 9, 10"), Ids("11, 40")}));
  EXPECT_TRUE(Unique({Ids("100, 200"), Ids("-5, 3, 99")}));
  EXPECT_TRUE(Unique({Ids("7")}));
  EXPECT_TRUE(Unique({File("SELECT 1::BIGINT AS id WHERE false"), Ids("1, 2")}));  // an empty file
}

TEST_F(UniqueKeysTest, ARepeatedKeyIsNeverProvedUnique) {
  EXPECT_FALSE(Unique({Ids("1, 2, 2, 3")}));            // within a file, adjacent
  EXPECT_FALSE(Unique({Ids("1, 2, 3"), Ids("3, 4")}));  // across files, ranges touching
  EXPECT_FALSE(Unique({Ids("1, 5, 9"), Ids("2, 5")}));  // across files, ranges overlapping
  EXPECT_FALSE(Unique({Ids("4, 5"), Ids("1, 9"), Ids("5, 6")}));
}

TEST_F(UniqueKeysTest, UniqueKeysOutOfOrderAreNotProvedSoTheCallerChecksThemTheGeneralWay) {
  EXPECT_FALSE(Unique({Ids("3, 2, 1")}));
  EXPECT_FALSE(Unique({Ids("1, 5"), Ids("2, 3")}));  // each in order, ranges overlapping, no key repeated
}

TEST_F(UniqueKeysTest, TextAndCompositeKeysCompareColumnByColumnAndTextByItsBytes) {
  std::string texts = File("SELECT unnest(['A', 'B', 'a', 'ab', 'é']) AS code");  // byte order: 'B' < 'a' < 'é'
  EXPECT_TRUE(Unique({texts}, {{"code", "VARCHAR"}}));
  EXPECT_FALSE(Unique({File("SELECT unnest(['a', 'B']) AS code")}, {{"code", "VARCHAR"}}));
  std::string pairs = File("SELECT unnest([1, 1, 2, 2])::INTEGER AS shop, unnest(['b', 'c', 'a', 'b']) AS code");
  std::vector<KeyColumn> key = {{"shop", "INTEGER"}, {"code", "VARCHAR"}};
  EXPECT_TRUE(Unique({pairs}, key));
  EXPECT_FALSE(Unique({File("SELECT unnest([1, 2, 2])::INTEGER AS shop, unnest(['b', 'a', 'a']) AS code")}, key));
}

TEST_F(UniqueKeysTest, OnlyIntegerAndTextKeysAreTried) {
  EXPECT_TRUE(KeysComparable({{"id", "BIGINT"}, {"code", "VARCHAR"}, {"n", "UINTEGER"}}));
  EXPECT_FALSE(KeysComparable({{"id", "UBIGINT"}}));
  EXPECT_FALSE(KeysComparable({{"at", "TIMESTAMP"}}));
  EXPECT_FALSE(KeysComparable({{"amount", "DECIMAL(12,2)"}}));
  EXPECT_FALSE(KeysComparable({}));
}

TEST_F(UniqueKeysTest, AFileThatCannotBeReadIsAnError) {
  std::string broken = scratch_ + "/broken.parquet";
  std::ofstream(broken) << "not parquet";
  EXPECT_FALSE(KeysProvablyUnique(*database_, {Ids("1"), broken}, {{"id", "BIGINT"}}).has_value());
}

}  // namespace
}  // namespace sluice::target::duckdb
