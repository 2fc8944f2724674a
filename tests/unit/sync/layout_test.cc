// Data-file names: what DataFileKey writes, ParseDataFileName reads back,
// for every partition strategy and table names that need escaping; and
// names that only look like data files are not taken for one.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sync/layout.h"

namespace sluice::sync {
namespace {

// 2025-11-28 14:00:00 UTC.
constexpr int64_t kStartedMicros = 1764338400LL * 1000000;

TEST(DataFileName, EveryKeyDataFileKeyWritesParsesBackToItsTableRunAndNumber) {
  const std::vector<std::string> tables = {
      "orders", "shop.orders", "public.Order Items", "a/b", "naïve", "t_20250101_000000_abcdef_batch_0001",
      "x_batch_0001.parquet", "_", "9"};
  const RunId run{"0a9f3c", kStartedMicros};
  for (config::PartitionStrategy strategy :
       {config::PartitionStrategy::kDatetime, config::PartitionStrategy::kTable, config::PartitionStrategy::kHybrid}) {
    for (bool full_sync : {false, true}) {
      for (const std::string& table : tables) {
        for (int file_number : {1, 42, 9999, 10000, 123456}) {
          std::string key = DataFileKey(strategy, full_sync, table, run, file_number);
          std::optional<DataFileName> parsed = ParseDataFileName(key);
          ASSERT_TRUE(parsed.has_value()) << key;
          EXPECT_EQ(parsed->table, KeySafeName(table)) << key;
          EXPECT_EQ(parsed->run_stem, run.FileStem()) << key;
          EXPECT_EQ(parsed->file_number, file_number) << key;
        }
      }
    }
  }
}

TEST(DataFileName, TheFormatIsTheDocumentedOne) {
  const RunId run{"abc123", kStartedMicros};
  EXPECT_EQ(DataFileKey(config::PartitionStrategy::kTable, false, "shop.orders", run, 7),
            "incremental/table=shop.orders/year=2025/month=11/day=28/shop.orders_20251128_140000_abc123_batch_0007.parquet");
  EXPECT_EQ(DataFileKey(config::PartitionStrategy::kDatetime, true, "a b", run, 1),
            "full/year=2025/month=11/day=28/hour=14/a_b_20251128_140000_abc123_batch_0001.parquet");
  EXPECT_EQ(DataFileKey(config::PartitionStrategy::kHybrid, false, "t", run, 12345),
            "incremental/year=2025/month=11/table=t/day=28/hour=14/t_20251128_140000_abc123_batch_12345.parquet");
}

TEST(DataFileName, NamesThatOnlyLookLikeDataFilesAreRejected) {
  const std::string good = "incremental/table=t/year=2025/month=11/day=28/orders_20251128_140000_abc123_batch_0001.parquet";
  ASSERT_TRUE(ParseDataFileName(good).has_value());
  const std::vector<std::string> near_misses = {
      "orders_20251128_140000_abc123_batch_0001.parquet.tmp",   // not the extension
      ".sluice-tmp-12-3",                                       // a store temporary file
      "orders_20251128_140000_abc123_batch_0001.PARQUET",       // case
      "orders_20251128_140000_abc123_batch_001.parquet",        // 3 digits
      "orders_20251128_140000_abc123_batch_00001.parquet",      // padded past 4 digits
      "orders_20251128_140000_abc123_batch_0000.parquet",       // file numbers start at 1
      "orders_20251128_140000_abc123_batch_.parquet",           // no number
      "orders_20251128_140000_abc123_batch_00a1.parquet",       // not a number
      "orders_20251128_140000_abc12_batch_0001.parquet",        // 5 hex digits
      "orders_20251128_140000_abc1234_batch_0001.parquet",      // 7 hex digits
      "orders_20251128_140000_ABC123_batch_0001.parquet",       // upper-case hex
      "orders_20251128_140000_abcxyz_batch_0001.parquet",       // not hex
      "orders_2025112_140000_abc123_batch_0001.parquet",        // 7-digit date
      "orders_20251128_14000_abc123_batch_0001.parquet",        // 5-digit time
      "orders_20251128-140000_abc123_batch_0001.parquet",       // wrong separator
      "orders20251128_140000_abc123_batch_0001.parquet",        // no separator before the run
      "_20251128_140000_abc123_batch_0001.parquet",             // no table
      "20251128_140000_abc123_batch_0001.parquet",              // no table either
      "orders_20251128_140000_abc123_part_0001.parquet",        // not a batch
      "orders_20251128_140000_abc123_batch_0001.parquet/x",     // a folder of that name
      "",
  };
  for (const std::string& name : near_misses) {
    EXPECT_FALSE(ParseDataFileName(name).has_value()) << "'" << name << "'";
    EXPECT_FALSE(ParseDataFileName("full/year=2025/" + name).has_value()) << "'" << name << "'";
  }
}

}  // namespace
}  // namespace sluice::sync
