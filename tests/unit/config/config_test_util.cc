#include "config_test_util.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace sluice::config::testing {

namespace fs = std::filesystem;

TempProject::TempProject() {
  std::string pattern = (fs::temp_directory_path() / "sluice_config_test_XXXXXX").string();
  char* created = mkdtemp(pattern.data());
  if (created == nullptr) ADD_FAILURE() << "mkdtemp failed for " << pattern;
  root_ = pattern;
  fs::create_directories(config_dir() + "/pipelines");
}

TempProject::~TempProject() {
  std::error_code error;
  fs::remove_all(root_, error);
}

void TempProject::Write(const std::string& relative_path, std::string_view text) const {
  fs::path path = fs::path(config_dir()) / relative_path;
  fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary);
  out << text;
  if (!out) ADD_FAILURE() << "cannot write " << path;
}

void TempProject::Remove(const std::string& relative_path) const {
  std::error_code error;
  fs::remove_all(fs::path(config_dir()) / relative_path, error);
}

std::string TempProject::LoadError(const LoadOptions& options) const {
  Result<Config> config = Load(options);
  if (config.has_value()) {
    ADD_FAILURE() << "the configuration loaded, but an error was expected";
    return "";
  }
  return config.error().message();
}

ScopedEnv::ScopedEnv(std::string name, std::optional<std::string> value) : name_(std::move(name)) {
  if (const char* previous = std::getenv(name_.c_str())) previous_ = previous;
  if (value) {
    setenv(name_.c_str(), value->c_str(), 1);
  } else {
    unsetenv(name_.c_str());
  }
}

ScopedEnv::~ScopedEnv() {
  if (previous_) {
    setenv(name_.c_str(), previous_->c_str(), 1);
  } else {
    unsetenv(name_.c_str());
  }
}

const char* const kSpecConnections = R"(# connections.yml
connections:
  sources:
    US_DW_RO:
      type: mysql                 # mysql | postgres | sqlite
      host: db.internal
      port: 3306
      database: settlement
      username: ${DB_USER}
      password: ${DB_PASSWORD}
      ssl: {mode: required}       # disabled | preferred | required | verify_ca | verify_identity (+ ca, cert, key)
      ssh_tunnel: {enabled: false, host: bastion, port: 22, username: ${SSH_USER}, private_key_path: ${SSH_KEY}, known_hosts: ~/.ssh/known_hosts}
    demo_sqlite: {type: sqlite, path: ./demo.db}
  targets:
    redshift_default:
      type: redshift              # redshift | postgres | duckdb
      host: dw.example.com
      port: 5439
      database: dw
      schema: public
      username: ${RS_USER}
      password: ${RS_PASSWORD}
      iam_role: arn:aws:iam::123456789012:role/redshift-copy
    local_duckdb: {type: duckdb, path: ./warehouse.duckdb, schema: main}
stores:
  s3_qa:
    type: s3                      # s3 | local
    bucket: my-bucket
    region: us-west-2
    prefix: sluice/
    endpoint_url: ~               # set for S3-compatible servers; path_style: true
    expected_bucket_owner: "123456789012"
    sse: {type: aws:kms, kms_key_id: alias/dw}
    # credentials: default AWS chain (env, shared profile, web identity, ECS, EC2 instance role)
  local_stage: {type: local, path: ./stage}
)";

const char* const kSpecPipeline = R"(# pipelines/us_dw.yml
pipeline:
  name: us_dw
  source: US_DW_RO
  target: redshift_default
  store: s3_qa
  processing:
    batch_size: 50000             # rows per extract chunk
    timeout_minutes: 240
  staging:
    prefix: us_dw/
    partition_strategy: datetime  # datetime | table | hybrid
    compression: zstd             # zstd | snappy | none
    target_file_mb: 128           # roll to a new file past this size
tables:
  settlement.settle_orders:
    cdc_strategy: hybrid          # hybrid | timestamp_only | id_only | full_sync | custom_sql
    cdc_timestamp_column: updated_at
    cdc_id_column: id
    lookback_seconds: 300         # re-read this far behind the cursor (late commits); merge dedups
    target_name: settle_orders
    primary_key: [id]             # default: the source's primary key
    processing: {batch_size: 100000}   # table-level override of pipeline defaults
    validation:
      enable_data_quality_checks: true
      max_null_percentage: 2.0
  settlement.currencies:
    cdc_strategy: full_sync
    full_sync_mode: replace       # replace | append
  settlement.daily_totals:
    cdc_strategy: custom_sql
    custom_sql: >
      SELECT * FROM settlement.daily_totals
      WHERE updated_at > {{last_timestamp}} AND updated_at <= {{ceiling_timestamp}}
    cdc_timestamp_column: updated_at
)";

const char* const kLocalConnections = R"(connections:
  sources:
    app_db: {type: sqlite, path: ./app.db}
  targets:
    warehouse: {type: duckdb, path: ./warehouse.duckdb}
stores:
  stage: {type: local, path: ./stage}
)";

std::string LocalPipeline(std::string_view name, std::string_view table) {
  return fmt::format(R"(pipeline:
  name: {}
  source: app_db
  target: warehouse
  store: stage
tables:
  {}:
    cdc_strategy: id_only
    cdc_id_column: id
)",
                     name, table);
}

}  // namespace sluice::config::testing
