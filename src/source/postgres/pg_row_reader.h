// Internal to the PostgreSQL source: the BatchReader of custom SQL, which
// executes the user's statement with its {{placeholders}} bound as
// parameters (never pasted into the SQL) and binary results, in libpq's
// single-row mode, so only one row is held at a time.
//
// The source has described the statement (its result columns); the reader
// executes it with PQsendQueryParams and checks that the result's column
// types are the described ones. Values decode as in pg_decode.h. After a failed Next the
// batch holds a partial row and every later Next returns the same error.
// Dropped before the end, the reader cancels and drains (pg_reader.h). It
// may outlive its source. Thread-safety: one thread at a time.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "source/postgres/pg_connection.h"
#include "source/postgres/pg_decode.h"
#include "source/postgres/pg_reader.h"
#include "source/source.h"

namespace sluice::source::postgres {

class PgRowReader final : public BatchReader {
 public:
  // Executes `sql` with `params` (text form; nullopt: NULL) of `param_types`.
  // REQUIRES: no other reader is active on `connection`.
  static Result<std::unique_ptr<BatchReader>> Start(std::shared_ptr<PgConnection> connection, const std::string& sql,
                                                    const std::vector<Oid>& param_types,
                                                    const std::vector<std::optional<std::string>>& params,
                                                    std::vector<PgColumnType> columns, SchemaPtr schema,
                                                    const ReadOptions& options);
  ~PgRowReader() override;

  Result<size_t> Next(ColumnBatch* batch, size_t max_rows) override;
  const ReadStats& stats() const override { return stats_; }

 private:
  PgRowReader(std::shared_ptr<PgConnection> connection, std::vector<PgColumnType> columns, SchemaPtr schema,
              const ReadOptions& options);

  // Appends the row of a PGRES_SINGLE_TUPLE result.
  Status DecodeRow(const PGresult* result, ColumnBatch* batch);
  // SchemaMismatch unless the result's columns have the described types.
  Status CheckResultTypes(const PGresult* result) const;

  std::shared_ptr<PgConnection> connection_;
  std::vector<PgColumnType> columns_;
  SchemaPtr schema_;
  ReadOptions options_;
  std::vector<FieldDecoder> decoders_;
  DecodeContext context_;
  ReadStats stats_;
  Status failure_;
  std::string context_text_;
  bool finished_ = false;
  bool types_checked_ = false;
};

}  // namespace sluice::source::postgres
