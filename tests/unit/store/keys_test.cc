#include "store/keys.h"

#include <gmock/gmock.h>

namespace sluice::store {
namespace {

using ::testing::HasSubstr;

TEST(ValidateKey, AcceptsPartitionKeysAndAnyUtf8) {
  for (const char* key : {"a", "watermarks/us_dw/settlement.orders.json", "year=2025/month=11/x y.parquet",
                          "Zürich/日本.json", "a/.hidden", "a/..b", "..json"}) {
    EXPECT_TRUE(ValidateKey(key).ok()) << key << ": " << ValidateKey(key).message();
  }
}

TEST(ValidateKey, ExplainsWhatIsWrong) {
  EXPECT_THAT(ValidateKey("a/../b").message(), HasSubstr("'..'"));
  EXPECT_THAT(ValidateKey("/a").message(), HasSubstr("starts with '/'"));
  EXPECT_THAT(ValidateKey("a//b").message(), HasSubstr("empty path segment"));
  EXPECT_THAT(ValidateKey("a/.sluice-lock").message(), HasSubstr("reserved"));
  EXPECT_THAT(ValidateKey(std::string(256, 's')).message(), HasSubstr("255"));
  EXPECT_EQ(ValidateKey("a/../b").code(), StatusCode::kInvalidArgument);
}

TEST(ValidateListPrefix, AllowsACutShortLastSegment) {
  for (const char* prefix : {"", "a", "a/", "a/b", "incremental/year=2025/mo", "a/.", "a/..", ".sluice-"}) {
    EXPECT_TRUE(ValidateListPrefix(prefix).ok()) << prefix;
  }
  for (const char* prefix : {"/", "/a", "a//", "../", "a/./", "a/../b"}) {
    EXPECT_EQ(ValidateListPrefix(prefix).code(), StatusCode::kInvalidArgument) << prefix;
  }
}

}  // namespace
}  // namespace sluice::store
