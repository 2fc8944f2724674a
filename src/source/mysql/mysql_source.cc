#include "source/mysql/mysql_source.h"

namespace sluice::source {

Result<std::unique_ptr<Source>> OpenMySqlSource(const config::SourceConnection& connection) {
  return NotSupported("source '{}': mysql sources are not supported yet", connection.name);
}

}  // namespace sluice::source
