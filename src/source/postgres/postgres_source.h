// PostgreSQL source (libpq).
#pragma once

#include <memory>

#include "source/source.h"

namespace sluice::source {

Result<std::unique_ptr<Source>> OpenPostgresSource(const config::SourceConnection& connection);

}  // namespace sluice::source
