// The YAML tree: lines, duplicates kept, merge keys, and the emitter.
#include "config/yaml_tree.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config/reader.h"

namespace sluice::config {
namespace {

using ::testing::HasSubstr;

TEST(YamlTreeTest, KeepsLinesAndDuplicateKeys) {
  Result<YamlNode> root = ParseYaml("a: 1\nb:\n  - x\n  - y\na: 2\nc:\n", "f.yml");
  ASSERT_TRUE(root.has_value()) << root.error().message();
  ASSERT_EQ(root->entries.size(), 4u);
  EXPECT_EQ(root->entries[0].key, "a");
  EXPECT_EQ(root->entries[0].line, 1);
  EXPECT_EQ(root->entries[1].value.items.at(1).scalar, "y");
  EXPECT_EQ(root->entries[1].value.items.at(1).line, 4);
  EXPECT_EQ(root->entries[2].key, "a");
  EXPECT_EQ(root->entries[2].value.scalar, "2");
  EXPECT_EQ(root->entries[2].line, 5);
  EXPECT_TRUE(root->entries[3].value.is_null());
}

TEST(YamlTreeTest, QuotedScalarsAreMarked) {
  Result<YamlNode> root = ParseYaml("plain: 5\nquoted: \"5\"\n", "f.yml");
  ASSERT_TRUE(root.has_value());
  EXPECT_FALSE(root->entries[0].value.quoted);
  EXPECT_TRUE(root->entries[1].value.quoted);
}

TEST(YamlTreeTest, MergeKeysAddOnlyWhatTheMapDoesNotSet) {
  Result<YamlNode> root = ParseYaml("base: &b {x: 1, y: 2}\nuse:\n  y: 3\n  <<: *b\n", "f.yml");
  ASSERT_TRUE(root.has_value()) << root.error().message();
  const YamlNode& use = root->entries[1].value;
  ASSERT_EQ(use.entries.size(), 2u);
  EXPECT_EQ(use.entries[0].key, "y");
  EXPECT_EQ(use.entries[0].value.scalar, "3");
  EXPECT_EQ(use.entries[1].key, "x");
}

TEST(YamlTreeTest, EmptyTextIsNull) {
  Result<YamlNode> root = ParseYaml("# only a comment\n", "f.yml");
  ASSERT_TRUE(root.has_value());
  EXPECT_TRUE(root->is_null());
}

TEST(YamlTreeTest, ComplexKeysAreRejected) {
  Result<YamlNode> root = ParseYaml("? [a, b]\n: 1\n", "f.yml");
  ASSERT_FALSE(root.has_value());
  EXPECT_THAT(root.error().message(), HasSubstr("f.yml:1: a key is a list or map"));
}

TEST(YamlTreeTest, EmitQuotesWhatWasQuotedAndReadsBack) {
  YamlNode root = YamlNode::Map();
  root.Add("owner", YamlNode::Scalar("012345678901", true));
  root.Add("sql", YamlNode::Scalar("SELECT 1\nFROM t\n"));
  YamlNode& list = root.Add("key", YamlNode::List());
  list.items.push_back(YamlNode::Scalar("id"));
  std::string text = EmitYaml(root);
  EXPECT_THAT(text, HasSubstr("owner: \"012345678901\""));
  EXPECT_THAT(text, HasSubstr("key: [id]"));
  Result<YamlNode> back = ParseYaml(text, "emitted");
  ASSERT_TRUE(back.has_value()) << text;
  EXPECT_EQ(back->entries[1].value.scalar, "SELECT 1\nFROM t\n");
}

TEST(ClosestMatchTest, SuggestsTyposPrefixesAndAbbreviations) {
  std::vector<std::string_view> keys = {"batch_size", "timeout_minutes", "lease_seconds"};
  EXPECT_EQ(ClosestMatch("batchsize", keys), "batch_size");
  EXPECT_EQ(ClosestMatch("Batch_Size", keys), "batch_size");
  EXPECT_EQ(ClosestMatch("timeout", keys), "timeout_minutes");
  EXPECT_EQ(ClosestMatch("colour", keys), std::nullopt);
  EXPECT_EQ(ClosestMatch("last_ts", {"last_timestamp", "last_id"}), "last_timestamp");
  EXPECT_EQ(ClosestMatch("hybird", {"hybrid", "id_only"}), "hybrid");
}

}  // namespace
}  // namespace sluice::config
