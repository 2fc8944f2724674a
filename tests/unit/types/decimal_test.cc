#include "types/decimal.h"

#include <gtest/gtest.h>

namespace sluice {
namespace {

TEST(Decimal, FormatsWithScale) {
  EXPECT_EQ(FormatDecimal(-1234500, 4), "-123.4500");
  EXPECT_EQ(FormatDecimal(5, 3), "0.005");
  EXPECT_EQ(FormatDecimal(-5, 3), "-0.005");
  EXPECT_EQ(FormatDecimal(0, 2), "0.00");
  EXPECT_EQ(FormatDecimal(42, 0), "42");
}

TEST(Decimal, Precision38ExtremesRoundTrip) {
  std::string max38(38, '9');
  auto value = ParseDecimal(max38, 38, 0);
  ASSERT_TRUE(value.has_value());
  EXPECT_EQ(Int128ToString(*value), max38);
  EXPECT_EQ(FormatDecimal(*ParseDecimal("-9999999999999999999999999999.9999999999", 38, 10), 10),
            "-9999999999999999999999999999.9999999999");
  EXPECT_EQ(Int128ToString(*ParseDecimal("18446744073709551615", 20, 0)), "18446744073709551615");
}

TEST(Decimal, NeverRounds) {
  EXPECT_FALSE(ParseDecimal("1.005", 10, 2).has_value());
  EXPECT_EQ(*ParseDecimal("1.500", 10, 2), 150);
  EXPECT_EQ(*ParseDecimal("1.5", 10, 2), 150);
  EXPECT_EQ(*ParseDecimal("-.5", 10, 2), -50);
}

TEST(Decimal, RejectsOverflowAndGarbage) {
  EXPECT_FALSE(ParseDecimal("1000", 5, 2).has_value());
  EXPECT_TRUE(ParseDecimal("999.99", 5, 2).has_value());
  EXPECT_FALSE(ParseDecimal("1e5", 10, 0).has_value());
  EXPECT_FALSE(ParseDecimal("", 10, 0).has_value());
  EXPECT_FALSE(ParseDecimal("-", 10, 0).has_value());
}

}  // namespace
}  // namespace sluice
