#include "common/redact.h"

#include <gtest/gtest.h>

namespace sluice {
namespace {

class RedactTest : public ::testing::Test {
 protected:
  void TearDown() override { ClearSecretsForTesting(); }
};

TEST_F(RedactTest, ReplacesEveryOccurrence) {
  RegisterSecret("hunter2");
  EXPECT_EQ(Redact("password=hunter2 again hunter2"), "password=*** again ***");
}

TEST_F(RedactTest, ReplacesPercentEncodedForm) {
  RegisterSecret("p@ss word");
  EXPECT_EQ(Redact("mysql://u:p%40ss%20word@h"), "mysql://u:***@h");
}

TEST_F(RedactTest, LongerSecretWinsOverItsPrefix) {
  RegisterSecret("abc");
  RegisterSecret("abcdef");
  EXPECT_EQ(Redact("x abcdef y abc"), "x *** y ***");
}

TEST_F(RedactTest, EmptySecretIsIgnored) {
  RegisterSecret("");
  EXPECT_EQ(Redact("nothing to hide"), "nothing to hide");
}

}  // namespace
}  // namespace sluice
