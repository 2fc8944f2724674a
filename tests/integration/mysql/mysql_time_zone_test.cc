// Naive DATETIME ceilings on servers east and west of UTC. Writers stamp
// DATETIME with NOW() in the server's default zone, so the ceiling is
// capped below the current second of THAT clock, not UTC's: west of UTC a
// UTC cap lies hours ahead and never holds back a row still committing.
// The tests change the server's global time_zone, so this binary runs
// alone (RUN_SERIAL) and restores it.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "mysql_client.h"

namespace sluice::testing {
namespace {

using ::testing::HasSubstr;

class MySqlTimeZoneTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = MySqlServer();
    ASSERT_FALSE(server_.host.empty());
    admin_ = std::make_unique<MySqlClient>(server_);
    original_zone_ = admin_->Scalar("SELECT @@global.time_zone");
  }
  void TearDown() override {
    if (admin_) admin_->Exec("SET GLOBAL time_zone = '" + original_zone_ + "'");
  }

  // Sets the server's zone; a new writer connection then stamps rows in it.
  std::unique_ptr<MySqlClient> ServerIn(const std::string& zone) {
    admin_->Exec("SET GLOBAL time_zone = '" + zone + "'");
    auto writer = std::make_unique<MySqlClient>(server_);
    writer->Exec("SET SESSION time_zone = @@global.time_zone");  // what an application's session starts with
    EXPECT_EQ(writer->Scalar("SELECT @@session.time_zone"), zone);
    return writer;
  }

  // A table with rows stamped by `writer`'s NOW(): an hour ago, a second ago, and an hour ahead.
  void CreateStamped(MySqlClient& writer, const std::string& table) {
    writer.Exec("DROP TABLE IF EXISTS " + table);
    writer.Exec("CREATE TABLE " + table + " (id INT PRIMARY KEY, updated_at DATETIME(6) NOT NULL)");
    writer.Exec("INSERT INTO " + table + " VALUES (1, NOW(6) - INTERVAL 1 HOUR), (2, NOW(6) - INTERVAL 2 SECOND), "
                "(3, NOW(6) + INTERVAL 1 HOUR)");
  }

  std::vector<std::string> LoadedIds(EmbeddedProject& project, const std::string& table) {
    return JoinAll(project.TargetRows("SELECT id FROM " + table + " ORDER BY id"));
  }

  void Configure(EmbeddedProject& project, const std::string& table, const std::string& extra = "") {
    project.WriteConfig("  " + table + ": {cdc_strategy: hybrid, cdc_timestamp_column: updated_at, cdc_id_column: id}\n",
                        "batch_size: 100", "partition_strategy: table",
                        server_.SourceYaml("mysql", "ssl: {mode: disabled}" + extra));
  }

  ServerEnv server_;
  std::unique_ptr<MySqlClient> admin_;
  std::string original_zone_;
};

TEST_F(MySqlTimeZoneTest, WestOfUtcARowStampedAheadOfTheWritersClockWaits) {
  std::unique_ptr<MySqlClient> writer = ServerIn("-05:00");
  CreateStamped(*writer, "tz_west");
  EmbeddedProject project("mysql_tz_west");
  Configure(project, "tz_west");
  CommandResult plan = project.Sluice({"sync", "-p", "test", "--dry-run"});
  EXPECT_THAT(plan.out, HasSubstr("time zone -05:00 (the server's default time zone)"));
  EXPECT_THAT(plan.out, HasSubstr("capped at"));
  ASSERT_EQ(project.Sync().value("status", ""), "success");
  // With UTC's clock as the cap (5 hours ahead of the writers'), row 3 would be read now and a row
  // committed later in the cursor's second skipped.
  EXPECT_EQ(LoadedIds(project, "tz_west"), (std::vector<std::string>{"1", "2"}));
  writer->Exec("UPDATE tz_west SET updated_at = NOW(6) - INTERVAL 1 SECOND WHERE id = 3");
  ASSERT_EQ(project.Sync().value("status", ""), "success");
  EXPECT_EQ(LoadedIds(project, "tz_west"), (std::vector<std::string>{"1", "2", "3"}));
}

TEST_F(MySqlTimeZoneTest, EastOfUtcARowStampedAheadOfTheWritersClockWaits) {
  std::unique_ptr<MySqlClient> writer = ServerIn("+09:00");
  CreateStamped(*writer, "tz_east");
  EmbeddedProject project("mysql_tz_east");
  Configure(project, "tz_east");
  ASSERT_EQ(project.Sync().value("status", ""), "success");
  EXPECT_EQ(LoadedIds(project, "tz_east"), (std::vector<std::string>{"1", "2"}));
}

TEST_F(MySqlTimeZoneTest, TheSourcesTimeZoneNamesTheWritersZoneWhenItIsNotTheServers) {
  // The server runs at -05:00 but the application writes UTC: with time_zone: '+00:00' its rows
  // of a minute ago are read (the server's own clock would hold them back five hours).
  std::unique_ptr<MySqlClient> writer = ServerIn("-05:00");
  writer->Exec("DROP TABLE IF EXISTS tz_app_utc");
  writer->Exec("CREATE TABLE tz_app_utc (id INT PRIMARY KEY, updated_at DATETIME(6) NOT NULL)");
  writer->Exec("INSERT INTO tz_app_utc VALUES (1, UTC_TIMESTAMP(6) - INTERVAL 1 MINUTE)");
  EmbeddedProject project("mysql_tz_setting");
  Configure(project, "tz_app_utc");
  nlohmann::json held = project.Sync();
  ASSERT_EQ(held.value("status", ""), "success");
  EXPECT_EQ(held.at("table_results").at("tz_app_utc").at("rows_extracted"), 0) << "held back by the server's clock";
  Configure(project, "tz_app_utc", ", time_zone: '+00:00'");
  CommandResult plan = project.Sluice({"sync", "-p", "test", "--dry-run"});
  EXPECT_THAT(plan.out, HasSubstr("time zone +00:00 (the source's time_zone)"));
  ASSERT_EQ(project.Sync().value("status", ""), "success");
  EXPECT_EQ(LoadedIds(project, "tz_app_utc"), (std::vector<std::string>{"1"}));

  Configure(project, "tz_app_utc", ", time_zone: Mars/Olympus_Mons");
  CommandResult unknown = project.Sluice({"sync", "-p", "test"});
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_THAT(unknown.err, HasSubstr("does not know the time zone Mars/Olympus_Mons"));
}

}  // namespace
}  // namespace sluice::testing
