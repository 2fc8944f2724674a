#include "connect/open.h"

#include "source/mysql/mysql_source.h"
#include "source/postgres/postgres_source.h"
#include "source/sqlite/sqlite_source.h"
#include "store/local/local_store.h"
#include "target/duckdb/duckdb_target.h"

namespace sluice::source {

Result<std::unique_ptr<Source>> OpenSource(const config::SourceConnection& connection) {
  switch (connection.type) {
    case config::SourceType::kSqlite: return OpenSqliteSource(connection);
    case config::SourceType::kMySql: return OpenMySqlSource(connection);
    case config::SourceType::kPostgres: return OpenPostgresSource(connection);
  }
  return InvalidArgument("source '{}': unknown source type", connection.name);
}

}  // namespace sluice::source

namespace sluice::store {

Result<std::unique_ptr<ObjectStore>> OpenStore(const config::StoreConfig& config) {
  switch (config.type) {
    case config::StoreType::kLocal: {
      SLUICE_ASSIGN_OR_RETURN(std::unique_ptr<LocalStore> store, LocalStore::Open(config));
      return std::unique_ptr<ObjectStore>(std::move(store));
    }
    case config::StoreType::kS3:
      return NotSupported("s3 stores are not supported yet; use a local store (type: local)");
  }
  return InvalidArgument("store '{}': unknown store type", config.name);
}

}  // namespace sluice::store

namespace sluice::target {

Result<std::unique_ptr<Target>> OpenTarget(const config::TargetConnection& connection, TargetAccess access) {
  switch (connection.type) {
    case config::TargetType::kDuckDb: {
      SLUICE_ASSIGN_OR_RETURN(std::unique_ptr<DuckDbTarget> target, DuckDbTarget::Open(connection, access == TargetAccess::kPlanOnly));
      return std::unique_ptr<Target>(std::move(target));
    }
    case config::TargetType::kPostgres:
      return NotSupported("target '{}': postgres targets are not supported yet; use a duckdb target (type: duckdb)",
                          connection.name);
    case config::TargetType::kRedshift:
      return NotSupported("target '{}': redshift targets are not supported yet; use a duckdb target (type: duckdb)",
                          connection.name);
  }
  return InvalidArgument("target '{}': unknown target type", connection.name);
}

}  // namespace sluice::target
