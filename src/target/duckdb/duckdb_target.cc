#include "target/duckdb/duckdb_target.h"

#include <duckdb.h>
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include "target/duckdb/catalog.h"
#include "target/duckdb/duckdb_api.h"
#include "target/duckdb/ledger.h"
#include "target/duckdb/load_run.h"

namespace sluice::target {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kInMemory = ":memory:";
constexpr std::string_view kDefaultSchema = "main";

std::string Where(const config::TargetConnection& connection) {
  return connection.origin.empty() ? fmt::format("duckdb target '{}'", connection.name)
                                   : fmt::format("{}: duckdb target '{}'", connection.origin, connection.name);
}

Status CheckPath(const config::TargetConnection& connection) {
  if (connection.path.empty()) return InvalidArgument("{}: `path` (the database file) is required", Where(connection));
  if (connection.path == kInMemory) return Status::Ok();
  fs::path directory = fs::path(connection.path).parent_path();
  std::error_code error;
  if (!directory.empty() && !fs::is_directory(directory, error)) {
    return InvalidArgument("{}: the directory {} of path {} does not exist; create it or fix `path`", Where(connection),
                           directory.string(), connection.path);
  }
  if (fs::is_directory(connection.path, error)) {
    return InvalidArgument("{}: path {} is a directory; name the database file, e.g. {}/warehouse.duckdb",
                           Where(connection), connection.path, connection.path);
  }
  return Status::Ok();
}

// A set temp_directory must be a directory, or a name DuckDB can create in an existing one.
Status CheckTempDirectory(const config::TargetConnection& connection) {
  if (connection.temp_directory.empty()) return Status::Ok();
  std::error_code error;
  fs::path temp_directory(connection.temp_directory);
  if (fs::exists(temp_directory, error) && !fs::is_directory(temp_directory, error)) {
    return InvalidArgument("{}: temp_directory {} is not a directory; name a directory DuckDB may spill to",
                           Where(connection), connection.temp_directory);
  }
  fs::path parent = temp_directory.parent_path();
  if (!parent.empty() && !fs::is_directory(parent, error)) {
    return InvalidArgument(
        "{}: the directory {} of temp_directory {} does not exist; create it or fix "
        "`temp_directory`",
        Where(connection), parent.string(), connection.temp_directory);
  }
  return Status::Ok();
}

// DuckDB's bounds from the target's configuration (config.h, docs/targets.md).
std::vector<std::pair<std::string, std::string>> DuckDbSettings(const config::TargetConnection& connection) {
  int threads = connection.threads;
  if (threads == 0) {
    int most =
        static_cast<int>(std::max<int64_t>(connection.memory_limit_bytes / config::kDuckDbMemoryPerThreadBytes, 1));
    threads = std::clamp(static_cast<int>(std::thread::hardware_concurrency()), 1, most);
  }
  std::vector<std::pair<std::string, std::string>> settings = {
      {"memory_limit", fmt::format("{}B", connection.memory_limit_bytes)}, {"threads", std::to_string(threads)}};
  if (!connection.temp_directory.empty()) settings.emplace_back("temp_directory", connection.temp_directory);
  return settings;
}

// Whether this libduckdb has the JSON type (the json extension, built in or loadable).
bool JsonAvailable(duckdb::Database& database) { return database.Execute("SELECT '{}'::JSON").ok(); }

}  // namespace

Result<std::unique_ptr<DuckDbTarget>> DuckDbTarget::Open(const config::TargetConnection& connection,
                                                         bool plan_only) {
  SLUICE_RETURN_IF_ERROR(CheckPath(connection));
  SLUICE_RETURN_IF_ERROR(CheckTempDirectory(connection));
  std::error_code error;
  bool stand_in = connection.path != kInMemory && !std::filesystem::exists(connection.path, error);
  std::vector<std::pair<std::string, std::string>> settings = DuckDbSettings(connection);
  Result<std::unique_ptr<duckdb::Database>> database =
      stand_in ? duckdb::Database::Open(std::string(kInMemory), false, settings)
               : duckdb::Database::Open(connection.path, plan_only, settings);
  if (!database.has_value()) return database.error().WithContext(Where(connection));
  bool json_available = JsonAvailable(**database);
  std::string schema = connection.schema.empty() ? std::string(kDefaultSchema) : connection.schema;
  std::unique_ptr<DuckDbTarget> target(new DuckDbTarget(std::move(*database), std::move(schema), json_available));
  if (stand_in && !plan_only) {
    target->create_on_load_ = connection.path;
    target->settings_ = std::move(settings);
  }
  target->where_ = Where(connection);
  return target;
}

DuckDbTarget::DuckDbTarget(std::unique_ptr<duckdb::Database> database, std::string schema, bool json_available)
    : database_(std::move(database)), schema_(std::move(schema)), json_available_(json_available) {}

DuckDbTarget::~DuckDbTarget() = default;

Result<std::set<std::string>> DuckDbTarget::LoadedFiles(const std::string& pipeline, const std::string& source_table) {
  return duckdb::LedgerKeys(*database_, schema_, pipeline, source_table);
}

Result<std::vector<std::string>> DuckDbTarget::PlanDdl(const LoadRequest& request) {
  LoadRequest table_only = request;  // the plan depends on table and schema, not on keys or files
  table_only.primary_key.clear();
  table_only.order_columns.clear();
  SLUICE_RETURN_IF_ERROR(duckdb::ValidateRequest(table_only));
  SLUICE_ASSIGN_OR_RETURN(duckdb::TablePlan plan,
                          duckdb::PlanTable(*database_, duckdb::TargetSettings{schema_, json_available_}, request));
  return plan.All();
}

Result<LoadResult> DuckDbTarget::Load(const LoadRequest& request, store::ObjectStore& store) {
  if (!create_on_load_.empty()) {
    Result<std::unique_ptr<duckdb::Database>> created = duckdb::Database::Open(create_on_load_, false, settings_);
    if (!created.has_value()) return created.error().WithContext(where_);
    database_ = std::move(*created);
    create_on_load_.clear();
  }
  return duckdb::RunLoad(*database_, duckdb::TargetSettings{schema_, json_available_}, request, store);
}

Result<int64_t> DuckDbTarget::CountRows(const std::string& target_table) {
  SLUICE_ASSIGN_OR_RETURN(bool exists, duckdb::TableExists(*database_, schema_, target_table));
  if (!exists) return int64_t{0};
  SLUICE_ASSIGN_OR_RETURN(duckdb::QueryResult result,
                          database_->Query("SELECT count(*) FROM " + duckdb::QualifiedName(schema_, target_table)));
  return result.Int64(0, 0);
}

Result<std::string> DuckDbTarget::Setting(std::string_view setting) {
  SLUICE_ASSIGN_OR_RETURN(duckdb::QueryResult result,
                          database_->QueryWith("SELECT CAST(current_setting($1) AS VARCHAR)", {setting}));
  return result.Text(0, 0).value_or("");
}

Result<std::string> DuckDbTarget::ServerVersion() { return fmt::format("DuckDB {}", duckdb_library_version()); }

}  // namespace sluice::target
