// One table's watermark that cannot be read (garbage written over it, a
// hand edit gone wrong) must blind neither `status` nor `files list` to
// the pipeline's other tables, and `watermark reset --yes` must repair it
// without anyone deleting the file by hand. SQLite -> local store ->
// DuckDB through the real binary.
#include <filesystem>
#include <fstream>
#include <map>

#include <unistd.h>

#include <gtest/gtest.h>

#include "harness.h"

namespace sluice::testing {
namespace {

namespace fs = std::filesystem;

// "alpha" comes first in the pipeline, so a command that stops at it shows nothing of "orders".
constexpr const char* kTables =
    "  alpha: {cdc_strategy: id_only, cdc_id_column: id}\n"
    "  orders: {cdc_strategy: id_only, cdc_id_column: id}\n";

bool Contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

class UnreadableWatermark : public ::testing::Test {
 protected:
  void SetUp() override {
    project_.Source("CREATE TABLE alpha (id INTEGER PRIMARY KEY, note TEXT)");
    project_.Source("CREATE TABLE orders (id INTEGER PRIMARY KEY, note TEXT)");
    project_.Source("INSERT INTO alpha VALUES (1, 'a'), (2, 'b'), (3, 'c')");
    project_.Source("INSERT INTO orders VALUES (1, 'x'), (2, 'y')");
    project_.WriteConfig(kTables);
    ASSERT_EQ(project_.Sync({"--backup-only"}).value("status", ""), "success");
    ASSERT_TRUE(fs::exists(watermark_path_));
    std::ofstream(watermark_path_, std::ios::trunc) << "{\"version\": 1, \"pipeline\": \"test\", garbage";
  }

  EmbeddedProject project_{"unreadable_watermark"};
  const std::string watermark_path_ = project_.dir() + "/stage/test/watermarks/test/alpha.json";
};

// The error names the file, why, and the command that repairs it.
void ExpectNamesFileAndRemedy(const std::string& error) {
  EXPECT_TRUE(Contains(error, "watermarks/test/alpha.json")) << error;
  EXPECT_TRUE(Contains(error, "not valid JSON")) << error;
  EXPECT_TRUE(Contains(error, "sluice watermark reset -p test -t alpha --yes")) << error;
}

TEST_F(UnreadableWatermark, StatusReportsTheBadTableAndStillShowsTheOthers) {
  CommandResult text = project_.Sluice({"status", "-p", "test"});
  EXPECT_EQ(text.exit_code, 1) << text.err;
  ExpectNamesFileAndRemedy(text.err);
  EXPECT_TRUE(Contains(text.out, "alpha")) << text.out;
  EXPECT_TRUE(Contains(text.out, "watermark unreadable")) << text.out;
  EXPECT_TRUE(Contains(text.out, "orders")) << text.out;

  CommandResult json = project_.Sluice({"status", "-p", "test", "--json"});
  EXPECT_EQ(json.exit_code, 1) << json.err;
  nlohmann::json lines = nlohmann::json::parse(json.out);
  ASSERT_EQ(lines.size(), 2u) << json.out;
  EXPECT_EQ(lines[0].at("table"), "alpha");
  EXPECT_TRUE(lines[0].at("extract_status").is_null()) << lines[0].dump(2);
  ExpectNamesFileAndRemedy(lines[0].at("last_error").get<std::string>());
  EXPECT_EQ(lines[1].at("table"), "orders");
  EXPECT_EQ(lines[1].at("extract_status"), "success") << lines[1].dump(2);
  EXPECT_EQ(lines[1].at("files_waiting"), 1) << lines[1].dump(2);
}

TEST_F(UnreadableWatermark, FilesListReportsTheBadTableAndListsTheOthersNeverCleaningItsFiles) {
  CommandResult text = project_.Sluice({"files", "list", "-p", "test"});
  EXPECT_EQ(text.exit_code, 1) << text.err;
  ExpectNamesFileAndRemedy(text.err);
  EXPECT_TRUE(Contains(text.out, "staged")) << text.out;  // orders' file

  CommandResult json = project_.Sluice({"files", "list", "-p", "test", "--json"});
  EXPECT_EQ(json.exit_code, 1) << json.err;
  std::map<std::string, std::string> state_by_table;
  for (const nlohmann::json& file : nlohmann::json::parse(json.out)) state_by_table[file.at("table")] = file.at("state");
  EXPECT_EQ(state_by_table["orders"], "staged") << json.out;
  EXPECT_EQ(state_by_table["alpha"], "unknown") << json.out;

  std::vector<std::string> before = project_.StagedObjects();
  CommandResult cleaned = project_.Sluice({"files", "clean", "-p", "test", "--force"});
  EXPECT_EQ(cleaned.exit_code, 1) << cleaned.err << cleaned.out;
  ExpectNamesFileAndRemedy(cleaned.err);
  EXPECT_EQ(project_.StagedObjects(), before) << "a file that may still wait to load was deleted";
}

TEST_F(UnreadableWatermark, WatermarkResetReplacesTheUnreadableDocument) {
  CommandResult get = project_.Sluice({"watermark", "get", "-p", "test", "-t", "alpha"});
  EXPECT_EQ(get.exit_code, 1) << get.err;
  ExpectNamesFileAndRemedy(get.err);

  CommandResult reset = project_.Sluice({"watermark", "reset", "-p", "test", "-t", "alpha", "--yes"});
  ASSERT_EQ(reset.exit_code, 0) << reset.err << reset.out;
  EXPECT_TRUE(Contains(reset.err, "replacing an unreadable watermark")) << reset.err;
  CommandResult status = project_.Sluice({"status", "-p", "test", "--json"});
  ASSERT_EQ(status.exit_code, 0) << status.err;
  EXPECT_EQ(nlohmann::json::parse(status.out).at(0).at("extract_status"), "never") << status.out;

  ASSERT_EQ(project_.Sync().value("status", ""), "success");
  EXPECT_EQ(JoinAll(project_.TargetRows("SELECT id, note FROM alpha ORDER BY id")),
            JoinAll(project_.SourceRows("SELECT id, note FROM alpha ORDER BY id")));
  EXPECT_EQ(JoinAll(project_.TargetRows("SELECT count(*) FROM orders")), (std::vector<std::string>{"2"}));
}

TEST_F(UnreadableWatermark, WatermarkResetWaitsForTheLeaseOfARunningSync) {
  std::string lease_path = project_.dir() + "/stage/test/leases/test/alpha.json";
  ASSERT_TRUE(fs::exists(lease_path));
  // A live holder on this host (this test's own process) until far in the future.
  std::string host;
  std::ifstream("/proc/sys/kernel/hostname") >> host;
  std::ofstream(lease_path, std::ios::trunc)
      << "{\"holder_host\": \"" << host << "\", \"holder_pid\": " << ::getpid()
      << ", \"run_id\": \"live\", \"epoch\": 9, \"renewed_at\": \"2025-01-01T00:00:00Z\", "
         "\"expires_at\": \"2999-01-01T00:00:00Z\", \"released\": false}";
  CommandResult reset = project_.Sluice({"watermark", "reset", "-p", "test", "-t", "alpha", "--yes"});
  EXPECT_EQ(reset.exit_code, 75) << reset.err;
  std::ifstream in(watermark_path_);
  std::string kept((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_TRUE(Contains(kept, "garbage")) << "the document was replaced while another run held the lease";
}

}  // namespace
}  // namespace sluice::testing
