// Naive `timestamp` ceilings on a PostgreSQL whose default TimeZone is east
// or west of UTC (set on the database, as an ALTER DATABASE would in
// production). Writers' now() is in that zone, so the cap follows it. The
// tests change the database's default, so this binary runs alone
// (RUN_SERIAL) and resets it.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "pg_fixture.h"

namespace sluice::testing {
namespace {

using ::testing::HasSubstr;

class PostgresTimeZoneTest : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override {
    server_ = PostgresServer();
    ASSERT_FALSE(server_.host.empty());
    admin_ = std::make_unique<PgFixture>(server_);
  }
  void TearDown() override {
    if (admin_) admin_->Exec("ALTER DATABASE " + server_.database + " RESET TimeZone");
  }

  ServerEnv server_;
  std::unique_ptr<PgFixture> admin_;
};

TEST_P(PostgresTimeZoneTest, ARowStampedAheadOfTheWritersClockWaitsForALaterRun) {
  const std::string zone = GetParam();
  admin_->Exec("ALTER DATABASE " + server_.database + " SET TimeZone = '" + zone + "'");
  PgFixture writer(server_);
  // The fixture pins UTC; an application's session would start in the database's zone.
  writer.Exec("SET TimeZone = '" + zone + "'");
  std::string table = UniqueName("tz_naive");
  writer.Exec("DROP TABLE IF EXISTS " + table + "; CREATE TABLE " + table +
              " (id int PRIMARY KEY, updated_at timestamp NOT NULL); INSERT INTO " + table +
              " VALUES (1, localtimestamp - interval '1 hour'), (2, localtimestamp - interval '2 seconds'), "
              "(3, localtimestamp + interval '1 hour')");
  EmbeddedProject project("pg_tz");
  project.WriteConfig("  " + table + ": {cdc_strategy: hybrid, cdc_timestamp_column: updated_at, cdc_id_column: id}\n",
                      "batch_size: 100", "partition_strategy: table",
                      server_.SourceYaml("postgres", "ssl: {mode: disabled}"));
  CommandResult plan = project.Sluice({"sync", "-p", "test", "--dry-run"});
  EXPECT_THAT(plan.out, HasSubstr("time zone " + zone + " (the server's default time zone)"));
  ASSERT_EQ(project.Sync().value("status", ""), "success");
  EXPECT_EQ(JoinAll(project.TargetRows("SELECT id FROM " + table + " ORDER BY id")),
            (std::vector<std::string>{"1", "2"}));
  writer.Exec("UPDATE " + table + " SET updated_at = localtimestamp - interval '1 second' WHERE id = 3");
  ASSERT_EQ(project.Sync().value("status", ""), "success");
  EXPECT_EQ(JoinAll(project.TargetRows("SELECT id FROM " + table + " ORDER BY id")),
            (std::vector<std::string>{"1", "2", "3"}));
}

TEST(PostgresTimeZoneSetting, AnOffsetIsWestOfUtcWhenNegativeAsInIso) {
  // PostgreSQL reads a zone NAME like '-05:00' POSIX-style (5 hours east); the setting means ISO's 5 hours west.
  ServerEnv server = PostgresServer();
  ASSERT_FALSE(server.host.empty());
  PgFixture writer(server);
  std::string table = UniqueName("tz_offset");
  writer.Exec("DROP TABLE IF EXISTS " + table + "; CREATE TABLE " + table +
              " (id int PRIMARY KEY, updated_at timestamp NOT NULL); INSERT INTO " + table +
              " VALUES (1, (now() AT TIME ZONE INTERVAL '-05:00') - interval '1 hour'), "
              "(2, (now() AT TIME ZONE INTERVAL '-05:00') + interval '1 hour')");
  EmbeddedProject project("pg_tz_offset");
  project.WriteConfig("  " + table + ": {cdc_strategy: hybrid, cdc_timestamp_column: updated_at, cdc_id_column: id}\n",
                      "batch_size: 100", "partition_strategy: table",
                      server.SourceYaml("postgres", "ssl: {mode: disabled}, time_zone: '-05:00'"));
  ASSERT_EQ(project.Sync().value("status", ""), "success");
  EXPECT_EQ(JoinAll(project.TargetRows("SELECT id FROM " + table + " ORDER BY id")), (std::vector<std::string>{"1"}))
      << "row 2 is stamped an hour ahead of writers at UTC-5 and waits";
}

INSTANTIATE_TEST_SUITE_P(EastAndWest, PostgresTimeZoneTest, ::testing::Values("America/New_York", "Asia/Tokyo"),
                         [](const ::testing::TestParamInfo<const char*>& info) {
                           return std::string(info.param).substr(0, std::string(info.param).find('/')) == "America"
                                      ? std::string("WestOfUtc")
                                      : std::string("EastOfUtc");
                         });

}  // namespace
}  // namespace sluice::testing
