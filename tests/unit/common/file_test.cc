#include "common/file.h"

#include <unistd.h>

#include <filesystem>

#include <gtest/gtest.h>

namespace sluice {
namespace {

class FileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    directory_ = std::filesystem::temp_directory_path() /
                 ("sluice_file_test_" + std::to_string(::getpid()) + "_" +
                  ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(directory_);
    std::filesystem::create_directories(directory_);
  }
  void TearDown() override { std::filesystem::remove_all(directory_); }
  std::filesystem::path directory_;
};

TEST_F(FileTest, WritableFileBuffersAndWritesEverything) {
  std::string path = directory_ / "data.bin";
  auto file = OpenWritableFile(path);
  ASSERT_TRUE(file.has_value()) << file.status().ToString();
  std::string big(3 << 20, 'x');
  ASSERT_TRUE((*file)->Append("head").ok());
  ASSERT_TRUE((*file)->Append(big).ok());
  ASSERT_TRUE((*file)->Append("tail").ok());
  EXPECT_EQ((*file)->Size(), big.size() + 8);
  ASSERT_TRUE((*file)->Close().ok());
  auto contents = ReadFileToString(path);
  ASSERT_TRUE(contents.has_value());
  EXPECT_EQ(*contents, "head" + big + "tail");
}

TEST_F(FileTest, WriteFileAtomicallyReplacesAndLeavesNoTemp) {
  std::string path = directory_ / "doc.json";
  ASSERT_TRUE(WriteFileAtomically(path, "one").ok());
  ASSERT_TRUE(WriteFileAtomically(path, "two").ok());
  EXPECT_EQ(*ReadFileToString(path), "two");
  int entries = 0;
  for (auto& entry : std::filesystem::directory_iterator(directory_)) {
    (void)entry;
    ++entries;
  }
  EXPECT_EQ(entries, 1);
}

TEST_F(FileTest, WriteFileAtomicallyIntoMissingDirectoryFailsWithPath) {
  std::string path = directory_ / "missing" / "doc.json";
  Status status = WriteFileAtomically(path, "x");
  EXPECT_EQ(status.code(), StatusCode::kIoError);
  EXPECT_NE(status.message().find("missing"), std::string::npos) << status.message();
}

TEST_F(FileTest, ReadMissingFileIsNotFound) {
  EXPECT_EQ(ReadFileToString(directory_ / "nope").status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace sluice
