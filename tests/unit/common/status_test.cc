#include "common/status.h"

#include <gtest/gtest.h>

namespace sluice {
namespace {

Result<int> ParsePositive(int value) {
  if (value <= 0) return InvalidArgument("value {} is not positive", value);
  return value;
}

Result<int> Doubled(int value) {
  SLUICE_ASSIGN_OR_RETURN(int parsed, ParsePositive(value));
  return parsed * 2;
}

Status CheckDoubled(int value) {
  SLUICE_RETURN_IF_ERROR(Doubled(value));
  return Status::Ok();
}

TEST(Status, DefaultIsOk) {
  Status status;
  EXPECT_TRUE(status.ok());
  EXPECT_EQ(status.ToString(), "OK");
}

TEST(Status, FactoryFormatsMessageAndKeepsCode) {
  Status status = DataError("column {} row {}", "amount", 7);
  EXPECT_EQ(status.code(), StatusCode::kDataError);
  EXPECT_EQ(status.message(), "column amount row 7");
  EXPECT_EQ(status.WithContext("table t").message(), "table t: column amount row 7");
}

TEST(Result, ErrorsPropagateThroughMacros) {
  EXPECT_EQ(*Doubled(4), 8);
  Result<int> failed = Doubled(-1);
  ASSERT_FALSE(failed.has_value());
  EXPECT_EQ(failed.error().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(failed.status().message(), "value -1 is not positive");
  EXPECT_TRUE(CheckDoubled(3).ok());
  EXPECT_EQ(CheckDoubled(0).code(), StatusCode::kInvalidArgument);
}

TEST(Result, UnexpectedConvertsToStatus) {
  auto function = []() -> Status { return std::unexpected(NotFound("x")); };
  EXPECT_EQ(function().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace sluice
