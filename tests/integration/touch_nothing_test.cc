// Commands that must leave everything as it was: a configuration this build
// cannot serve is refused when it is loaded (exit 2, naming the file, the
// key and what is supported) before anything is read or written, and
// `sync --dry-run` changes no file, not even a directory, and shows the
// parameters it would bind.
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <map>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "harness.h"

namespace sluice::testing {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

// Every file and directory under `dir` with its size and modification time,
// but the harness's own files at the top (.out, .err, .report.json).
std::map<std::string, std::string> Snapshot(const std::string& dir) {
  std::map<std::string, std::string> entries;
  for (const fs::directory_entry& entry : fs::recursive_directory_iterator(dir)) {
    if (entry.path().parent_path() == fs::path(dir) && entry.path().filename().string().starts_with('.')) continue;
    struct stat info {};
    ::lstat(entry.path().c_str(), &info);
    entries[fs::relative(entry.path(), dir).string()] =
        std::to_string(S_ISDIR(info.st_mode) ? 0 : info.st_size) + " bytes, modified " +
        std::to_string(info.st_mtim.tv_sec) + "." + std::to_string(info.st_mtim.tv_nsec);
  }
  return entries;
}

std::string ReadText(const std::string& path) {
  std::ifstream in(path);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// Replaces `from` (which must occur) with `to` in the file at `path`.
void Edit(const std::string& path, const std::string& from, const std::string& to) {
  std::string text = ReadText(path);
  size_t at = text.find(from);
  ASSERT_NE(at, std::string::npos) << from << " not in " << text;
  text.replace(at, from.size(), to);
  std::ofstream(path) << text;
}

constexpr const char* kDuckDbTarget = "dw: {type: duckdb, path: ./warehouse.duckdb}";
constexpr const char* kLocalStore = "stage: {type: local, path: ./stage}";

class UnbuiltConfigTest : public ::testing::Test {
 protected:
  // A project synced once (the cursor at id 2), with two more source rows waiting.
  void SetUp() override {
    project_.Source("CREATE TABLE orders (id INTEGER PRIMARY KEY, note TEXT)");
    project_.Source("INSERT INTO orders VALUES (1, 'a'), (2, 'b')");
    project_.WriteConfig("  orders: {cdc_strategy: id_only, cdc_id_column: id}\n");
    ASSERT_EQ(project_.Sync().value("status", ""), "success");
    project_.Source("INSERT INTO orders VALUES (3, 'c'), (4, 'd')");
  }

  std::string ConnectionsFile() const { return project_.dir() + "/config/connections.yml"; }

  // Runs `args` and expects the refusal: exit 2, the problem's location and
  // message in stderr, and no file of the project changed.
  void ExpectRefused(const std::vector<std::string>& args, const std::string& location,
                     const std::string& supported) {
    std::map<std::string, std::string> before = Snapshot(project_.dir());
    CommandResult result = project_.Sluice(args);
    EXPECT_EQ(result.exit_code, 2) << result.err << result.out;
    EXPECT_THAT(result.err, HasSubstr(location));
    EXPECT_THAT(result.err, HasSubstr("not supported yet"));
    EXPECT_THAT(result.err, HasSubstr(supported));
    EXPECT_EQ(Snapshot(project_.dir()), before) << "the refused command changed files";
  }

  EmbeddedProject project_{"unbuilt"};
};

TEST_F(UnbuiltConfigTest, SyncToAPostgresTargetIsRefusedBeforeAnythingIsReadOrWritten) {
  Edit(ConnectionsFile(), kDuckDbTarget, "dw: {type: postgres, host: 127.0.0.1, database: dw}");
  std::string watermark = ReadText(project_.dir() + "/stage/test/watermarks/test/orders.json");
  ASSERT_FALSE(watermark.empty());
  std::vector<std::string> staged = project_.StagedObjects();
  std::string location = ConnectionsFile() + ":5: connections.targets.dw.type: postgres targets";
  ExpectRefused({"sync", "-p", "test"}, location, "supported: duckdb");
  ExpectRefused({"sync", "-p", "test", "--backup-only"}, location, "supported: duckdb");
  ExpectRefused({"config", "validate"}, location, "supported: duckdb");
  ExpectRefused({"config", "validate", "-p", "test"}, location, "supported: duckdb");
  // The cursor did not move and nothing was staged.
  EXPECT_EQ(ReadText(project_.dir() + "/stage/test/watermarks/test/orders.json"), watermark);
  EXPECT_EQ(project_.StagedObjects(), staged);
}

TEST_F(UnbuiltConfigTest, ConnectionsTestOnATypeNotBuiltExitsTwo) {
  Edit(ConnectionsFile(), kDuckDbTarget, std::string(kDuckDbTarget) + "\n    rs: {type: redshift, host: r.internal}");
  ExpectRefused({"connections", "test"}, ConnectionsFile() + ":6: connections.targets.rs.type: redshift targets",
                "supported: duckdb");
}

TEST_F(UnbuiltConfigTest, AnS3StoreIsRefusedNamingWhatIsSupported) {
  Edit(ConnectionsFile(), kLocalStore, "stage: {type: s3, bucket: b}");
  std::string location = ConnectionsFile() + ":7: stores.stage.type: s3 stores";
  ExpectRefused({"connections", "test"}, location, "supported: local");
  ExpectRefused({"sync", "-p", "test"}, location, "supported: local");
}

TEST_F(UnbuiltConfigTest, AnEnabledSshTunnelIsRefused) {
  project_.WriteConfig("  orders: {cdc_strategy: id_only, cdc_id_column: id}\n", "batch_size: 500",
                       "partition_strategy: table",
                       "{type: mysql, host: 127.0.0.1, database: shop, ssh_tunnel: {enabled: true, host: bastion}}");
  std::string location = ConnectionsFile() + ":3: connections.sources.src.ssh_tunnel.enabled";
  ExpectRefused({"connections", "test"}, location, "ssh tunnels are not supported yet");
  ExpectRefused({"sync", "-p", "test"}, location, "ssh tunnels are not supported yet");
}

// A connection no pipeline of the run uses does not stop it (it is left
// out with a warning), as with any other problem of an unused connection.
TEST_F(UnbuiltConfigTest, AnUnusedConnectionOfATypeNotBuiltDoesNotStopAPipeline) {
  Edit(ConnectionsFile(), kDuckDbTarget, std::string(kDuckDbTarget) + "\n    rs: {type: redshift, host: r.internal}");
  CommandResult result = project_.Sluice({"sync", "-p", "test"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_THAT(result.err, HasSubstr("target 'rs' left out"));
  EXPECT_EQ(JoinAll(project_.TargetRows("SELECT count(*) FROM orders")), (std::vector<std::string>{"4"}));
}

TEST(DryRun, AFreshProjectIsLeftExactlyAsItWas) {
  EmbeddedProject project("dry_run_fresh");
  project.Source("CREATE TABLE orders (id INTEGER PRIMARY KEY, updated_at DATETIME, note TEXT)");
  project.Source("INSERT INTO orders VALUES (1, '2025-01-01 10:00:00', 'a'), (2, '2025-01-01 10:00:01', 'b')");
  project.Source("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)");
  project.WriteConfig(
      "  orders: {cdc_strategy: hybrid, cdc_timestamp_column: updated_at, cdc_id_column: id}\n"
      "  customers: {cdc_strategy: full_sync}\n");
  // A fresh project has no store directory yet (the harness makes one).
  fs::remove(project.dir() + "/stage");
  std::map<std::string, std::string> before = Snapshot(project.dir());
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"sync", "-p", "test", "--dry-run"},
        std::vector<std::string>{"--debug", "sync", "-p", "test", "--dry-run"}}) {
    CommandResult result = project.Sluice(args);
    EXPECT_EQ(result.exit_code, 0) << result.err;
    EXPECT_THAT(result.out, HasSubstr("SELECT")) << result.out;
    EXPECT_EQ(Snapshot(project.dir()), before) << "the dry run changed files";
  }
  EXPECT_FALSE(fs::exists(project.dir() + "/stage"));
  // The first real run makes the store's directory.
  ASSERT_EQ(project.Sync().value("status", ""), "success");
  EXPECT_FALSE(project.StagedObjects().empty());
  // Past the cursor: the query shows the timestamp as SQLite is given it (sqlite_explain_test).
  CommandResult next = project.Sluice({"sync", "-p", "test", "--dry-run"});
  size_t params = next.out.find("-- params");
  ASSERT_NE(params, std::string::npos) << next.out;
  std::string params_line = next.out.substr(params, next.out.find('\n', params) - params);
  EXPECT_THAT(params_line, HasSubstr("'2025-01-01 10:00:01.000000'"));
  EXPECT_THAT(params_line, ::testing::Not(HasSubstr("T10:00:01")));
}

// `schema show` only reads: before the first sync there is no warehouse
// file, and it creates none (the DDL it prints is the first load's); once
// there is one, it is left as it was.
TEST(ReadOnlyCommands, SchemaShowCreatesNoWarehouseAndChangesNone) {
  EmbeddedProject project("schema_show_reads");
  project.Source("CREATE TABLE orders (id INTEGER PRIMARY KEY, note TEXT)");
  project.Source("INSERT INTO orders VALUES (1, 'a')");
  project.WriteConfig("  orders: {cdc_strategy: id_only, cdc_id_column: id}\n");
  for (bool synced : {false, true}) {
    SCOPED_TRACE(synced ? "after a sync" : "before any sync");
    std::map<std::string, std::string> before = Snapshot(project.dir());
    CommandResult shown = project.Sluice({"schema", "show", "-p", "test", "-t", "orders"});
    EXPECT_EQ(shown.exit_code, 0) << shown.err;
    EXPECT_THAT(shown.out, HasSubstr(synced ? "exists and matches: no DDL" : "CREATE TABLE \"main\".\"orders\""));
    EXPECT_EQ(Snapshot(project.dir()), before) << "schema show changed files";
    EXPECT_EQ(fs::exists(project.warehouse()), synced);
    if (!synced) {
      ASSERT_EQ(project.Sync().value("status", ""), "success");
    }
  }
}

// `files clean` without --force only shows what it would delete: it takes
// no lease and no store lock, so it runs while a sync holds a table, and
// changes nothing. The files the running sync is writing (its run's name)
// are not among those it would delete; --force waits for no one: exit 75.
TEST(ReadOnlyCommands, AFilesCleanPreviewRunsWhileASyncHoldsATableAndChangesNothing) {
  EmbeddedProject project("clean_preview");
  project.Source("CREATE TABLE orders (id INTEGER PRIMARY KEY, note TEXT)");
  project.Source("CREATE TABLE other (id INTEGER PRIMARY KEY, note TEXT)");
  project.Source("INSERT INTO orders VALUES (1, 'a')");
  project.Source("INSERT INTO other VALUES (1, 'a')");
  project.WriteConfig(
      "  other: {cdc_strategy: id_only, cdc_id_column: id}\n"
      "  orders: {cdc_strategy: id_only, cdc_id_column: id}\n");
  ASSERT_EQ(project.Sync().value("status", ""), "success");
  std::vector<std::string> loaded = project.StagedObjects();
  ASSERT_EQ(loaded.size(), 2u);
  // A file a crashed run left, and one the running sync has just published but not yet recorded.
  const std::string folder = project.dir() + "/stage/test/incremental/table=orders/year=2025/month=01/day=01/";
  fs::create_directories(folder);
  std::ofstream(folder + "orders_20250101_000000_dead00_batch_0001.parquet") << "left by a crash";
  std::ofstream(folder + "orders_20250102_000000_abc123_batch_0001.parquet") << "being written";
  project.HoldLease("orders", "sync_20250102_000000_abc123", 7);

  std::map<std::string, std::string> before = Snapshot(project.dir());
  CommandResult preview = project.Sluice({"files", "clean", "-p", "test"});
  EXPECT_EQ(preview.exit_code, 2) << preview.out << preview.err;
  for (const std::string& path : loaded) {
    std::string key = path.substr(path.find("/stage/test/") + 12);
    EXPECT_THAT(preview.out, HasSubstr("would delete " + key + " (loaded)"));
  }
  EXPECT_THAT(preview.out, HasSubstr("_dead00_batch_0001.parquet (unlisted)"));
  EXPECT_THAT(preview.out, ::testing::Not(HasSubstr("_abc123_batch_0001.parquet")));
  EXPECT_THAT(preview.out, HasSubstr("table orders is being synced by pid " + std::to_string(::getpid())));
  EXPECT_THAT(preview.err, HasSubstr("3 files would be deleted"));
  EXPECT_EQ(Snapshot(project.dir()), before) << "the preview changed files";

  CommandResult forced = project.Sluice({"files", "clean", "-p", "test", "--force"});
  EXPECT_EQ(forced.exit_code, 75) << forced.out << forced.err;
  EXPECT_EQ(Snapshot(project.dir()), before) << "--force changed files while the table was held";
}

}  // namespace
}  // namespace sluice::testing
