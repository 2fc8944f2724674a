// MySQL / MariaDB source (MariaDB Connector/C).
#pragma once

#include <memory>

#include "source/source.h"

namespace sluice::source {

Result<std::unique_ptr<Source>> OpenMySqlSource(const config::SourceConnection& connection);

}  // namespace sluice::source
