#include "sync/staged_check.h"

#include <gmock/gmock.h>

#include "store/memory/memory_store.h"

namespace sluice::sync {
namespace {

using ::testing::HasSubstr;
using ::testing::Optional;

// The smallest framing a Parquet file has: "PAR1", a 4-byte footer, its length, "PAR1".
std::string ParquetShaped() { return std::string("PAR1") + "fttr" + std::string("\x04\x00\x00\x00", 4) + "PAR1"; }

state::StagedFileEntry Entry(const std::string& key, uint64_t bytes) {
  state::StagedFileEntry entry;
  entry.key = key;
  entry.rows = 1;
  entry.bytes = bytes;
  return entry;
}

class StagedCheckTest : public ::testing::Test {
 protected:
  state::StagedFileEntry Stage(const std::string& key, const std::string& data) {
    EXPECT_TRUE(store_.Put(key, data).has_value());
    return Entry(key, data.size());
  }
  std::optional<std::string> Problem(const state::StagedFileEntry& entry, StagedCheck depth) {
    Result<std::optional<std::string>> problem = FindStagedFileProblem(store_, entry, depth);
    EXPECT_TRUE(problem.has_value()) << problem.status().ToString();
    return problem.value_or(std::nullopt);
  }

  store::MemoryStore store_;
};

TEST_F(StagedCheckTest, AFileAsStagedHasNoProblem) {
  state::StagedFileEntry entry = Stage("incremental/a.parquet", ParquetShaped());
  EXPECT_EQ(Problem(entry, StagedCheck::kStore), std::nullopt);
  EXPECT_EQ(Problem(entry, StagedCheck::kParquet), std::nullopt);
}

TEST_F(StagedCheckTest, TheDeepCheckReadsOnlyBothEndsNeverTheWholeFile) {
  std::string big = ParquetShaped();
  big.insert(4, std::string(1 << 20, 'd'));  // a footer-sized page in the middle
  state::StagedFileEntry entry = Stage("incremental/big.parquet", big);
  store::FaultRule whole_reads;
  whole_reads.operation = store::StoreOperation::kGet;
  whole_reads.fail_calls = store::FaultRule::kForever;
  whole_reads.status = Internal("the check read the whole file");
  store_.InjectFault(whole_reads);
  EXPECT_EQ(Problem(entry, StagedCheck::kParquet), std::nullopt);
}

TEST_F(StagedCheckTest, AMissingFileIsMissingFromTheStore) {
  state::StagedFileEntry entry = Entry("incremental/gone.parquet", 16);
  EXPECT_THAT(Problem(entry, StagedCheck::kStore), Optional(std::string("is missing from the store")));
}

TEST_F(StagedCheckTest, AFileOfAnotherSizeThanStagedIsNamedWithBothSizes) {
  state::StagedFileEntry entry = Stage("incremental/a.parquet", ParquetShaped());
  entry.bytes = 4096;
  EXPECT_THAT(Problem(entry, StagedCheck::kStore),
              Optional(std::string("has 16 bytes in the store but was staged with 4096")));
}

TEST_F(StagedCheckTest, TheDeepCheckFindsAFileOfTheRightSizeThatIsNotParquet) {
  std::string garbage(16, 'x');
  state::StagedFileEntry entry = Stage("incremental/a.parquet", garbage);
  EXPECT_EQ(Problem(entry, StagedCheck::kStore), std::nullopt) << "the store check reads no content";
  EXPECT_THAT(Problem(entry, StagedCheck::kParquet), Optional(HasSubstr("is not a Parquet file")));
  std::string lying_footer = std::string("PAR1") + "fttr" + std::string("\xff\x00\x00\x00", 4) + "PAR1";
  entry = Stage("incremental/b.parquet", lying_footer);
  EXPECT_THAT(Problem(entry, StagedCheck::kParquet), Optional(HasSubstr("its footer claims 255 of its 16 bytes")));
}

TEST_F(StagedCheckTest, AStoreThatFailsIsAnErrorNotAProblemWithTheFile) {
  state::StagedFileEntry entry = Stage("incremental/a.parquet", ParquetShaped());
  store_.FailNext(store::StoreOperation::kHead, Unavailable("store down"));
  Result<std::optional<std::string>> problem = FindStagedFileProblem(store_, entry, StagedCheck::kStore);
  ASSERT_FALSE(problem.has_value());
  EXPECT_EQ(problem.error().code(), StatusCode::kUnavailable);
}

}  // namespace
}  // namespace sluice::sync
