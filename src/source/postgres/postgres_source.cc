#include "source/postgres/postgres_source.h"

namespace sluice::source {

Result<std::unique_ptr<Source>> OpenPostgresSource(const config::SourceConnection& connection) {
  return NotSupported("source '{}': postgres sources are not supported yet", connection.name);
}

}  // namespace sluice::source
