#include "types/temporal.h"

#include <gtest/gtest.h>

namespace sluice {
namespace {

TEST(Temporal, CivilRoundTripAcrossTheWholeRange) {
  for (int64_t days = DaysFromCivil(1, 1, 1); days <= DaysFromCivil(9999, 12, 31); days += 997) {
    CivilDate date = CivilFromDays(days);
    ASSERT_TRUE(IsValidCivilDate(date.year, date.month, date.day)) << days;
    ASSERT_EQ(DaysFromCivil(date.year, date.month, date.day), days);
  }
  EXPECT_EQ(DaysFromCivil(1970, 1, 1), 0);
  EXPECT_EQ(DaysFromCivil(1, 1, 1), -719162);
  EXPECT_EQ(DaysFromCivil(9999, 12, 31), 2932896);
}

TEST(Temporal, InvalidDatesAreRejected) {
  EXPECT_FALSE(IsValidCivilDate(0, 0, 0));
  EXPECT_FALSE(IsValidCivilDate(2024, 0, 10));
  EXPECT_FALSE(IsValidCivilDate(2023, 2, 29));
  EXPECT_TRUE(IsValidCivilDate(2024, 2, 29));
  EXPECT_FALSE(IsValidCivilDate(1900, 2, 29));
  EXPECT_TRUE(IsValidCivilDate(2000, 2, 29));
}

TEST(Temporal, FormatsExtremes) {
  int64_t max_micros = (DaysFromCivil(9999, 12, 31) + 1) * kMicrosPerDay - 1;
  EXPECT_EQ(FormatTimestampIso(max_micros), "9999-12-31T23:59:59.999999Z");
  EXPECT_EQ(FormatTimestampSql(DaysFromCivil(1, 1, 1) * kMicrosPerDay), "0001-01-01 00:00:00.000000");
  EXPECT_EQ(FormatTimestampIso(-1), "1969-12-31T23:59:59.999999Z");
  EXPECT_EQ(FormatDate(0), "1970-01-01");
  EXPECT_EQ(FormatTime(-(838LL * 3600 + 59 * 60 + 59) * kMicrosPerSecond), "-838:59:59.000000");
  EXPECT_EQ(FormatTime(1), "00:00:00.000001");
}

TEST(Temporal, ParsesTheFormsItPrints) {
  for (int64_t micros : {int64_t{0}, int64_t{-1}, int64_t{1764257400123456}, int64_t{-62135596800000000}}) {
    EXPECT_EQ(*ParseTimestamp(FormatTimestampIso(micros)), micros);
    EXPECT_EQ(*ParseTimestamp(FormatTimestampSql(micros)), micros);
  }
  EXPECT_EQ(*ParseTimestamp("2025-11-27"), DaysFromCivil(2025, 11, 27) * kMicrosPerDay);
  EXPECT_EQ(*ParseTimestamp("2025-11-27T15:30:00.5Z"), *ParseTimestamp("2025-11-27 15:30:00.500000"));
  EXPECT_EQ(*ParseTimestamp("2025-11-27T15:30:00+00:00"), *ParseTimestamp("2025-11-27 15:30:00"));
}

TEST(Temporal, RejectsMalformedAndNonUtcTimestamps) {
  EXPECT_FALSE(ParseTimestamp("2025-13-01").has_value());
  EXPECT_FALSE(ParseTimestamp("2025-11-27T25:00:00").has_value());
  EXPECT_FALSE(ParseTimestamp("2025-11-27T10:00:00.1234567").has_value());
  EXPECT_FALSE(ParseTimestamp("2025-11-27T10:00:00+02:00").has_value());
  EXPECT_FALSE(ParseTimestamp("yesterday").has_value());
  EXPECT_FALSE(ParseDate("0000-00-00").has_value());
}

}  // namespace
}  // namespace sluice
