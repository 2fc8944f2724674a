// LoadOptions.only_pipeline: only the named pipeline (and what it uses) must be valid.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config_test_util.h"

namespace sluice::config {
namespace {

using ::sluice::config::testing::kLocalConnections;
using ::sluice::config::testing::LocalPipeline;
using ::sluice::config::testing::ScopedEnv;
using ::sluice::config::testing::TempProject;
using ::testing::HasSubstr;

class OnlyPipelineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    project_.Write("connections.yml", kLocalConnections);
    project_.Write("pipelines/good.yml", LocalPipeline("good"));
  }
  static LoadOptions Only(std::string name) {
    LoadOptions options;
    options.only_pipeline = std::move(name);
    return options;
  }

  TempProject project_;
};

TEST_F(OnlyPipelineTest, ABrokenOtherPipelineIsSkipped) {
  project_.Write("pipelines/broken.yml",
                 "pipeline: {name: broken, source: app_db, target: warehouse, store: stage}\n"
                 "tables: {orders: {cdc_strategy: hybird}}\n");
  project_.Write("pipelines/syntax.yml", "pipeline: [\n");
  project_.Write("pipelines/other.yml", LocalPipeline("other", "invoices"));
  Result<Config> config = project_.Load(Only("good"));
  ASSERT_TRUE(config.has_value()) << config.error().message();
  ASSERT_EQ(config->pipelines.size(), 2u);  // the valid ones
  EXPECT_EQ(config->pipelines[0].name, "good");
  EXPECT_EQ(config->pipelines[1].name, "other");
  EXPECT_EQ(config->FindPipeline("broken"), nullptr);

  std::string everything = project_.LoadError();
  EXPECT_THAT(everything, HasSubstr("broken.yml:2: tables.orders.cdc_strategy: 'hybird' is not one of"));
  EXPECT_THAT(everything, HasSubstr("syntax.yml:2: YAML syntax error"));
}

TEST_F(OnlyPipelineTest, TheSelectedPipelineMustBeValid) {
  project_.Write("pipelines/good.yml", LocalPipeline("good") + "    colour: blue\n");
  std::string error = project_.LoadError(Only("good"));
  EXPECT_THAT(error, HasSubstr("good.yml:10: tables.orders.colour: unknown key"));
}

TEST_F(OnlyPipelineTest, AFileThatCannotBeReadIsFoundByItsFileName) {
  project_.Write("pipelines/good.yml", "pipeline: [\n");
  std::string error = project_.LoadError(Only("good"));
  EXPECT_THAT(error, HasSubstr("good.yml:2: YAML syntax error"));
}

TEST_F(OnlyPipelineTest, AnUnknownNameIsNotFoundAndListsTheAvailableNames) {
  project_.Write("pipelines/other.yml", LocalPipeline("other", "invoices"));
  project_.Write("pipelines/syntax.yml", "pipeline: [\n");
  Result<Config> config = project_.Load(Only("goood"));
  ASSERT_FALSE(config.has_value());
  EXPECT_EQ(config.error().code(), StatusCode::kNotFound);
  EXPECT_EQ(config.error().message(), "pipeline 'goood' not found in " + project_.config_dir() +
                                          "/pipelines (available: good, other; did you mean 'good'?; files whose "
                                          "name could not be read: " +
                                          project_.config_dir() + "/pipelines/syntax.yml)");
}

TEST_F(OnlyPipelineTest, ProblemsOfConnectionsItDoesNotUseAreSkipped) {
  ScopedEnv unset("SLUICE_TEST_UNSET_URL", std::nullopt);
  project_.Write("connections.yml", std::string(kLocalConnections) +
                                        "  remote: {type: s3, bucket: b, endpoint_url: ${SLUICE_TEST_UNSET_URL}}\n");
  Result<Config> config = project_.Load(Only("good"));
  ASSERT_TRUE(config.has_value()) << config.error().message();
  EXPECT_FALSE(config->connections.stores.contains("remote"));
  EXPECT_TRUE(config->connections.stores.contains("stage"));
  EXPECT_THAT(project_.LoadError(),
              HasSubstr("stores.remote.endpoint_url: environment variable SLUICE_TEST_UNSET_URL"));
}

TEST_F(OnlyPipelineTest, ProblemsOfConnectionsItUsesAreFatal) {
  project_.Write("connections.yml", R"(connections:
  sources:
    app_db: {type: sqlite}
  targets:
    warehouse: {type: duckdb, path: ./w.duckdb}
stores:
  stage: {type: local, path: ./stage}
)");
  EXPECT_THAT(project_.LoadError(Only("good")), HasSubstr("connections.sources.app_db.path: missing"));
}

}  // namespace
}  // namespace sluice::config
