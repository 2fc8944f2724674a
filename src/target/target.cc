#include "target/target.h"

#include "target/duckdb/duckdb_target.h"

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
