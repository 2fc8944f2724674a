#include "source/source.h"

#include "source/sqlite/sqlite_source.h"

namespace sluice::source {

Result<std::unique_ptr<Source>> OpenSource(const config::SourceConnection& connection) {
  switch (connection.type) {
    case config::SourceType::kSqlite: return OpenSqliteSource(connection);
    case config::SourceType::kMySql:
      return NotSupported("source '{}': mysql sources are not supported yet (issue: MySQL and PostgreSQL sources)",
                          connection.name);
    case config::SourceType::kPostgres:
      return NotSupported("source '{}': postgres sources are not supported yet (issue: MySQL and PostgreSQL sources)",
                          connection.name);
  }
  return InvalidArgument("source '{}': unknown source type", connection.name);
}

}  // namespace sluice::source
