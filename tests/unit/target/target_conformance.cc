#include "target_conformance.h"

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <stdlib.h>

#include <filesystem>

namespace sluice::target::conformance {

namespace fs = std::filesystem;

void TargetConformance::SetUp() {
  std::string pattern = (fs::temp_directory_path() / "sluice-target-conformance-XXXXXX").string();
  ASSERT_NE(mkdtemp(pattern.data()), nullptr);
  scratch_ = pattern;
  store_ = std::make_unique<testing_util::DirectoryStore>(scratch_ + "/stage", /*locate_as_local=*/true);
  fs::create_directories(scratch_ + "/warehouse");
  backend_ = GetParam().make(scratch_ + "/warehouse");
}

void TargetConformance::TearDown() {
  backend_.reset();
  std::error_code ignored;
  fs::remove_all(scratch_, ignored);
}

StagedFile TargetConformance::StageRows(const std::string& key, const SchemaPtr& schema,
                                        const std::vector<std::vector<Cell>>& rows, bool with_seq) {
  Status written = testing_util::WriteParquet(store_->PathOf(key), schema, rows, with_seq ? "_seq" : "");
  EXPECT_TRUE(written.ok()) << written.ToString();
  return StagedFile{key, static_cast<int64_t>(rows.size()), fs::file_size(store_->PathOf(key)), ""};
}

StagedFile TargetConformance::StageBytes(const std::string& key, const std::string& bytes) {
  EXPECT_TRUE(store_->Put(key, bytes).has_value());
  return StagedFile{key, 0, bytes.size(), ""};
}

LoadRequest TargetConformance::Request(SchemaPtr schema, LoadMode mode, std::vector<StagedFile> files) const {
  return testing_util::OrdersRequest(std::move(schema), mode, std::move(files));
}

}  // namespace sluice::target::conformance
