#include "common/enum_names.h"

#include <gtest/gtest.h>

namespace sluice {
namespace {

enum class Fruit { kApple, kPear };
constexpr EnumNames<Fruit, 2> kFruitNames{{{{Fruit::kApple, "apple"}, {Fruit::kPear, "pear"}}}};

TEST(EnumNames, NamesParsesAndListsFromOneTable) {
  static_assert(kFruitNames.Name(Fruit::kPear) == "pear");
  EXPECT_EQ(kFruitNames.Name(Fruit::kApple), "apple");
  EXPECT_EQ(kFruitNames.Parse("pear"), Fruit::kPear);
  EXPECT_EQ(kFruitNames.Parse("Pear"), std::nullopt) << "names are exact";
  EXPECT_EQ(kFruitNames.Parse(""), std::nullopt);
  EXPECT_EQ(kFruitNames.List(), "apple, pear");
}

}  // namespace
}  // namespace sluice
