#include "source/text_values.h"

#include <gtest/gtest.h>

#include <array>
#include <limits>

#include "types/temporal.h"

namespace sluice::source {
namespace {

TEST(FormatDoubleShortest, GivesTheShortestTextThatReadsBack) {
  std::array<char, kDoubleTextBufferSize> buffer;
  EXPECT_EQ(FormatDoubleShortest(0.1, true, buffer), "0.1");
  EXPECT_EQ(FormatDoubleShortest(1234567890.12, true, buffer), "1234567890.12");
  EXPECT_EQ(FormatDoubleShortest(1e21, true, buffer), "1000000000000000000000");
  EXPECT_EQ(FormatDoubleShortest(1e21, false, buffer), "1e+21");
  EXPECT_EQ(FormatDoubleShortest(-2.5, false, buffer), "-2.5");
  EXPECT_EQ(FormatDoubleShortest(std::numeric_limits<double>::max(), true, buffer).size(), 309u);
  EXPECT_EQ(FormatDoubleShortest(std::numeric_limits<double>::denorm_min(), true, buffer).substr(0, 4), "0.00");
}

TEST(IsZeroOrInvalidDate, FlagsDateShapedTextThatIsNoCalendarDate) {
  EXPECT_TRUE(IsZeroOrInvalidDate("0000-00-00"));
  EXPECT_TRUE(IsZeroOrInvalidDate("0000-00-00 00:00:00"));
  EXPECT_TRUE(IsZeroOrInvalidDate("2024-00-10"));
  EXPECT_TRUE(IsZeroOrInvalidDate("2023-02-29"));
  EXPECT_FALSE(IsZeroOrInvalidDate("2024-02-29"));
  EXPECT_FALSE(IsZeroOrInvalidDate("2024-02-29 10:00:00"));
  EXPECT_FALSE(IsZeroOrInvalidDate("garbage!!!"));
  EXPECT_FALSE(IsZeroOrInvalidDate("2024-1-1"));
}

TEST(ParseTimeMicros, ReadsSignedHoursPastADayAndFractions) {
  EXPECT_EQ(*ParseTimeMicros("10:11:12"), ((10 * 60 + 11) * 60 + 12) * 1000000LL);
  EXPECT_EQ(*ParseTimeMicros("00:00:00.5"), 500000);
  EXPECT_EQ(*ParseTimeMicros("00:00:00.000001"), 1);
  EXPECT_EQ(*ParseTimeMicros("-838:59:59"), -((838 * 60 + 59) * 60 + 59) * 1000000LL);
  for (const char* bad : {"", "10:11", "10:61:00", "10:11:12.", "10:11:12.1234567", "ab:cd:ef", "10:11:12Z"}) {
    EXPECT_FALSE(ParseTimeMicros(bad).has_value()) << bad;
  }
}

TEST(ParseTimestampWithOffset, ConvertsZoneOffsetsToUtc) {
  EXPECT_EQ(*ParseTimestampWithOffset("2025-01-01 12:00:00+02:00"), *ParseTimestamp("2025-01-01 10:00:00"));
  EXPECT_EQ(*ParseTimestampWithOffset("2025-01-01T04:30:00.5-05:30"), *ParseTimestamp("2025-01-01 10:00:00.5"));
  EXPECT_EQ(*ParseTimestampWithOffset("2025-01-01 10:00:00-01"), *ParseTimestamp("2025-01-01 11:00:00"));
  EXPECT_EQ(*ParseTimestampWithOffset("2025-01-01 10:00:00Z"), *ParseTimestamp("2025-01-01 10:00:00"));
  EXPECT_EQ(*ParseTimestampWithOffset("2025-01-01"), *ParseTimestamp("2025-01-01"));
  EXPECT_FALSE(ParseTimestampWithOffset("2025-01-01 10:00:00+19:00").has_value());
  EXPECT_FALSE(ParseTimestampWithOffset("2025-01-01 10:00:00+2:00").has_value());
}

std::string DecimalText(std::string_view text, DataType type) {
  std::string out;
  Status status = AppendDecimalText(text, type, &out);
  return status.ok() ? out : "error: " + status.message();
}

TEST(AppendDecimalText, PadsToTheScaleAndNeverRounds) {
  EXPECT_EQ(DecimalText("-12.34", DataType::Decimal(40, 3)), "-12.340");
  EXPECT_EQ(DecimalText("+007.5", DataType::Decimal(40, 0)),
            "error: '+007.5' is not a decimal(40,0): more fraction digits than the scale (would round)");
  EXPECT_EQ(DecimalText("7.000", DataType::Decimal(40, 0)), "7");
  EXPECT_EQ(DecimalText("-0.00", DataType::Decimal(40, 2)), "0.00");
  EXPECT_EQ(DecimalText(".5", DataType::Decimal(0, 0)), "0.5");
  EXPECT_EQ(DecimalText("00123.4500", DataType::Decimal(0, 0)), "123.4500");
  EXPECT_EQ(DecimalText("1e5", DataType::Decimal(0, 0)), "error: '1e5' is not a decimal: unexpected character");
  EXPECT_EQ(DecimalText("123", DataType::Decimal(41, 39)),
            "error: '123' is not a decimal(41,39): too many integer digits");
  EXPECT_EQ(DecimalText("", DataType::Decimal(0, 0)), "error: '' is not a decimal: no digits");
}

TEST(IsValidUtf8, AcceptsWellFormedTextAndRejectsTheRest) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("plain ascii text longer than eight bytes"));
  EXPECT_TRUE(IsValidUtf8("h\xC3\xA9llo \xE2\x82\xAC \xF0\x9F\x98\x80 and more ascii after"));
  EXPECT_TRUE(IsValidUtf8(std::string_view("a\0b", 3)));
  EXPECT_FALSE(IsValidUtf8("\xFF"));
  EXPECT_FALSE(IsValidUtf8("abcdefgh\xC3"));      // truncated sequence after a fast-path chunk
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));          // overlong
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));      // surrogate
  EXPECT_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));  // past U+10FFFF
  EXPECT_FALSE(IsValidUtf8("\xE2\x28\xA1"));      // bad continuation
}

}  // namespace
}  // namespace sluice::source
