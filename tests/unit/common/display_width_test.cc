#include "common/display_width.h"

#include <gtest/gtest.h>

namespace sluice {
namespace {

TEST(DisplayWidth, CountsTerminalColumnsNotBytes) {
  EXPECT_EQ(DisplayWidth(""), 0u);
  EXPECT_EQ(DisplayWidth("amount"), 6u);
  EXPECT_EQ(DisplayWidth("größe"), 5u);           // 7 bytes
  EXPECT_EQ(DisplayWidth("e\u0301tat"), 4u);      // a combining accent takes no column
  EXPECT_EQ(DisplayWidth("金额"), 4u);            // CJK: two columns each
  EXPECT_EQ(DisplayWidth("주문"), 4u);            // Hangul
  EXPECT_EQ(DisplayWidth("ｉｄ"), 4u);            // fullwidth forms
  EXPECT_EQ(DisplayWidth("x😀y"), 4u);            // emoji
  EXPECT_EQ(DisplayWidth("\xff" "ab"), 3u);       // a byte that is not UTF-8 counts one
  EXPECT_EQ(DisplayWidth("\xe4\xb8"), 2u);        // a cut sequence: each byte one
}

TEST(DisplayWidth, PaddingLinesUpMixedScripts) {
  EXPECT_EQ(PadToWidth("id", 6), "id    ");
  EXPECT_EQ(PadToWidth("金额", 6), "金额  ");
  EXPECT_EQ(PadToWidth("größe", 6), "größe ");
  EXPECT_EQ(PadToWidth("much_too_long", 4), "much_too_long");
  EXPECT_EQ(DisplayWidth(PadToWidth("金额", 6)), DisplayWidth(PadToWidth("größe", 6)));
}

}  // namespace
}  // namespace sluice
