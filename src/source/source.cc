#include "source/source.h"

#include "source/mysql/mysql_source.h"
#include "source/postgres/postgres_source.h"
#include "source/sqlite/sqlite_source.h"

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
