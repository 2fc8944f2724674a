// The MySQL / MariaDB source, through MariaDB Connector/C (libmariadb).
//
// One connection per source (mysql_connection.h: TLS modes, a UTC,
// utf8mb4, read-only session). Tables are described from
// information_schema once per source and remembered (mysql_catalog.h);
// column types map as SPEC §5 says (mysql_types.h). Queries are rendered
// by the shared SQL renderer in MySQL's dialect (backtick-quoted names,
// `?` markers) and run as prepared statements, every value bound, never
// pasted; GEOMETRY columns are selected as ST_AsBinary(column), i.e. WKB.
// Results stream row by row through the binary protocol into
// ColumnBatches (mysql_reader.h); nothing buffers a whole result.
//
// BeginSnapshot starts `START TRANSACTION WITH CONSISTENT SNAPSHOT, READ
// ONLY` at REPEATABLE READ, so every Read until EndSnapshot (COMMIT) sees
// one state of the database (InnoDB). docs/sources.md is the user-facing
// description.
//
// Thread-safety: one thread at a time (source/source.h).
#pragma once

#include <memory>

#include "source/source.h"

namespace sluice::source {

// REQUIRES: connection.type == kMySql. Unavailable when the server cannot
// be reached or refuses; NotSupported for ssh_tunnel.enabled.
Result<std::unique_ptr<Source>> OpenMySqlSource(const config::SourceConnection& connection);

}  // namespace sluice::source
