// PostgreSQL source (libpq); docs/sources.md describes it for users.
//
// Keyset chunks are read with `COPY (SELECT ...) TO STDOUT (FORMAT binary)`
// decoded straight into column batches (pg_copy_reader.h); custom SQL is
// executed with bound parameters in single-row mode (pg_row_reader.h).
// Schemas come from pg_catalog (pg_catalog.h), types map as pg_types.h
// says, and the connection is set up as pg_connection.h says.
//
// Thread-safety: as every Source, one thread at a time, one open reader.
#pragma once

#include <memory>

#include "source/source.h"

namespace sluice::source {

Result<std::unique_ptr<Source>> OpenPostgresSource(const config::SourceConnection& connection);

}  // namespace sluice::source
