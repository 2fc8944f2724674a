// LoadOptions::refuse_unbuilt: what this build cannot serve yet is a
// problem of the connection that names it, with its file, line and key and
// what is supported; the same file reads as before without the option.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config_test_util.h"

namespace sluice::config {
namespace {

using ::testing::HasSubstr;
using testing::LocalPipeline;
using testing::TempProject;

constexpr const char* kUnbuiltConnections = R"(connections:
  sources:
    app_db: {type: sqlite, path: ./app.db}
    tunneled:
      type: mysql
      host: db.internal
      ssh_tunnel: {enabled: true, host: bastion}
  targets:
    warehouse: {type: duckdb, path: ./warehouse.duckdb}
    pg: {type: postgres, host: pg.internal}
    rs: {type: redshift, host: rs.internal}
stores:
  stage: {type: local, path: ./stage}
  bucket: {type: s3, bucket: b}
)";

LoadOptions Refusing(std::string only_pipeline = "") {
  LoadOptions options;
  options.only_pipeline = std::move(only_pipeline);
  options.refuse_unbuilt = true;
  return options;
}

TEST(UnbuiltConnections, EachIsRefusedAtItsKeyNamingWhatIsSupported) {
  TempProject project;
  project.Write("connections.yml", kUnbuiltConnections);
  project.Write("pipelines/p.yml", LocalPipeline("p"));
  std::string file = project.config_dir() + "/connections.yml";
  std::string error = project.LoadError(Refusing());
  EXPECT_THAT(error, HasSubstr(file + ":7: connections.sources.tunneled.ssh_tunnel.enabled: ssh tunnels are not "
                                      "supported yet by this build"));
  EXPECT_THAT(error, HasSubstr(file + ":10: connections.targets.pg.type: postgres targets are not supported yet by "
                                      "this build (supported: duckdb"));
  EXPECT_THAT(error, HasSubstr(file + ":11: connections.targets.rs.type: redshift targets are not supported yet by "
                                      "this build (supported: duckdb"));
  EXPECT_THAT(error, HasSubstr(file + ":14: stores.bucket.type: s3 stores are not supported yet by this build "
                                      "(supported: local"));
  EXPECT_THAT(error, ::testing::Not(HasSubstr("connections.sources.app_db")));
  EXPECT_THAT(error, ::testing::Not(HasSubstr("connections.targets.warehouse")));
  EXPECT_THAT(error, ::testing::Not(HasSubstr("stores.stage")));
}

TEST(UnbuiltConnections, ReadAsBeforeWithoutTheOption) {
  TempProject project;
  project.Write("connections.yml", kUnbuiltConnections);
  project.Write("pipelines/p.yml", LocalPipeline("p"));
  Result<Config> config = project.Load();
  ASSERT_TRUE(config.has_value()) << config.error().ToString();
  EXPECT_TRUE(config->connections.sources.at("tunneled").ssh_tunnel.enabled);
  EXPECT_EQ(config->connections.targets.at("pg").type, TargetType::kPostgres);
}

TEST(UnbuiltConnections, APipelineThatUsesOnlyBuiltOnesLoadsWithTheOthersLeftOut) {
  TempProject project;
  project.Write("connections.yml", kUnbuiltConnections);
  project.Write("pipelines/p.yml", LocalPipeline("p"));
  Result<Config> config = project.Load(Refusing("p"));
  ASSERT_TRUE(config.has_value()) << config.error().ToString();
  EXPECT_FALSE(config->connections.targets.contains("pg"));
  EXPECT_FALSE(config->connections.stores.contains("bucket"));
  EXPECT_TRUE(config->connections.targets.contains("warehouse"));
}

TEST(UnbuiltConnections, APipelineThatUsesOneIsRefused) {
  TempProject project;
  project.Write("connections.yml", kUnbuiltConnections);
  std::string pipeline = LocalPipeline("p");
  size_t target = pipeline.find("target: warehouse");
  ASSERT_NE(target, std::string::npos);
  pipeline.replace(target, 17, "target: pg");
  project.Write("pipelines/p.yml", pipeline);
  EXPECT_THAT(project.LoadError(Refusing("p")), HasSubstr("connections.targets.pg.type: postgres targets are not "
                                                          "supported yet"));
}

}  // namespace
}  // namespace sluice::config
