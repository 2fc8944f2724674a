// ShowPipeline: the pipeline with defaults applied, as YAML that reads back.
#include <gmock/gmock.h>
#include <algorithm>
#include <gtest/gtest.h>

#include "common/redact.h"
#include "config/yaml_tree.h"
#include "config_test_util.h"

namespace sluice::config {
namespace {

using ::sluice::config::testing::TempProject;
using ::testing::HasSubstr;
using ::testing::Not;

// The scalar at `path` (keys) in `node`, or "<absent>".
std::string At(const YamlNode& node, std::initializer_list<std::string_view> path) {
  const YamlNode* current = &node;
  for (std::string_view key : path) {
    const YamlNode* next = nullptr;
    for (const YamlEntry& entry : current->entries) {
      if (entry.key == key) next = &entry.value;
    }
    if (next == nullptr) return "<absent>";
    current = next;
  }
  return current->is_scalar() ? current->scalar : "<not a scalar>";
}

class ShowPipelineTest : public ::testing::Test {
 protected:
  void TearDown() override { ClearSecretsForTesting(); }
};

TEST_F(ShowPipelineTest, DefaultsAreFilledInAndSecretsHidden) {
  TempProject project;
  project.Write(".env", "SLUICE_TEST_SHOW_PASSWORD=Sh0w-me-n0t\n");
  project.Write("connections.yml", R"(connections:
  sources:
    pg: {type: postgres, host: pg.internal, username: etl, password: "${SLUICE_TEST_SHOW_PASSWORD}",
         ssh_tunnel: {enabled: true, host: bastion, private_key_passphrase: Pass-phrase-77}}
    unused: {type: sqlite, path: ./unused.db}
  targets:
    duck: {type: duckdb, path: ./w.duckdb}
stores:
  stage: {type: local, path: ./stage}
)");
  project.Write("pipelines/p.yml", R"(pipeline: {name: shop, source: pg, target: duck, store: stage,
           processing: {batch_size: 777}}
tables:
  public.orders: {cdc_strategy: hybrid, cdc_timestamp_column: updated_at, cdc_id_column: id,
                  processing: {timeout_minutes: 5}}
  public.rates: {cdc_strategy: full_sync}
)");
  Result<Config> config = project.Load();
  ASSERT_TRUE(config.has_value()) << config.error().message();
  std::string shown = ShowPipeline(*config, *config->FindPipeline("shop"));
  EXPECT_THAT(shown, Not(HasSubstr("Sh0w-me-n0t")));
  EXPECT_THAT(shown, Not(HasSubstr("Pass-phrase-77")));
  EXPECT_THAT(shown, Not(HasSubstr("unused")));
  std::vector<std::string> secrets = SecretsOf(*config);
  EXPECT_NE(std::find(secrets.begin(), secrets.end(), "Sh0w-me-n0t"), secrets.end());
  EXPECT_NE(std::find(secrets.begin(), secrets.end(), "Pass-phrase-77"), secrets.end());

  Result<YamlNode> parsed = ParseYaml(shown, "shown");
  ASSERT_TRUE(parsed.has_value()) << parsed.error().message() << "\n" << shown;
  EXPECT_EQ(At(*parsed, {"pipeline", "staging", "prefix"}), "shop/");
  EXPECT_EQ(At(*parsed, {"pipeline", "staging", "compression"}), "zstd");
  EXPECT_EQ(At(*parsed, {"pipeline", "processing", "batch_size"}), "777");
  EXPECT_EQ(At(*parsed, {"pipeline", "processing", "lease_seconds"}), "300");
  EXPECT_EQ(At(*parsed, {"tables", "public.orders", "target_name"}), "orders");
  EXPECT_EQ(At(*parsed, {"tables", "public.orders", "processing", "batch_size"}), "777");
  EXPECT_EQ(At(*parsed, {"tables", "public.orders", "processing", "timeout_minutes"}), "5");
  EXPECT_EQ(At(*parsed, {"tables", "public.rates", "full_sync_mode"}), "replace");
  EXPECT_EQ(At(*parsed, {"tables", "public.orders", "full_sync_mode"}), "<absent>");
  EXPECT_EQ(At(*parsed, {"connections", "sources", "pg", "port"}), "5432");
  EXPECT_EQ(At(*parsed, {"connections", "sources", "pg", "password"}), "***");
  EXPECT_EQ(At(*parsed, {"connections", "sources", "pg", "ssl", "mode"}), "preferred");
  EXPECT_EQ(At(*parsed, {"connections", "sources", "pg", "ssh_tunnel", "private_key_passphrase"}), "***");
  EXPECT_EQ(At(*parsed, {"connections", "targets", "duck", "schema"}), "main");
  EXPECT_EQ(At(*parsed, {"connections", "targets", "duck", "path"}), project.root() + "/w.duckdb");
  EXPECT_EQ(At(*parsed, {"connections", "targets", "duck", "memory_limit"}), "256MiB");
  EXPECT_EQ(At(*parsed, {"connections", "targets", "duck", "temp_directory"}), project.root() + "/w.duckdb.tmp");
  EXPECT_EQ(At(*parsed, {"connections", "targets", "duck", "threads"}), "<absent>");
  EXPECT_EQ(At(*parsed, {"stores", "stage", "path"}), project.root() + "/stage");
}

TEST_F(ShowPipelineTest, DuckDbBoundsAreShownAsConfiguredWithTheirUnitsAndPathsResolved) {
  TempProject project;
  project.Write("connections.yml", R"(connections:
  sources:
    lite: {type: sqlite, path: ./app.db}
  targets:
    duck: {type: duckdb, path: ./w.duckdb, memory_limit: 2 GB, temp_directory: ./spill, threads: 3}
stores:
  stage: {type: local, path: ./stage}
)");
  project.Write("pipelines/p.yml",
                "pipeline: {name: p, source: lite, target: duck, store: stage}\n"
                "tables: {orders: {cdc_strategy: full_sync}}\n");
  Result<Config> config = project.Load();
  ASSERT_TRUE(config.has_value()) << config.error().message();
  const TargetConnection& duck = config->connections.targets.at("duck");
  EXPECT_EQ(duck.memory_limit_bytes, 2000000000);
  EXPECT_EQ(duck.temp_directory, project.root() + "/spill");
  EXPECT_EQ(duck.threads, 3);

  Result<YamlNode> parsed = ParseYaml(ShowPipeline(*config, *config->FindPipeline("p")), "shown");

  ASSERT_TRUE(parsed.has_value()) << parsed.error().message();
  EXPECT_EQ(At(*parsed, {"connections", "targets", "duck", "memory_limit"}), "2GB");
  EXPECT_EQ(At(*parsed, {"connections", "targets", "duck", "temp_directory"}), project.root() + "/spill");
  EXPECT_EQ(At(*parsed, {"connections", "targets", "duck", "threads"}), "3");
}

}  // namespace
}  // namespace sluice::config
