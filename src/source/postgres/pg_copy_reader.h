// Internal to the PostgreSQL source: the BatchReader of keyset chunks,
// which runs `COPY (SELECT ...) TO STDOUT (FORMAT binary)` and decodes the
// stream straight into column batches.
//
// The stream (PQgetCopyData, one row per message) is the 19-byte header
// ("PGCOPY\n\377\r\n\0", int32 flags, int32 extension length + extension),
// then per row an int16 field count and per field an int32 length (-1:
// NULL) and the value in its binary send format (pg_decode.h), then an
// int16 -1 trailer. Only the current row is held; libpq buffers what the
// socket delivers.
//
// After a failed Next the batch holds a partial row and every later Next
// returns the same error. Dropped before the end, the reader drains
// (bounded chunks) or cancels and drains (pg_reader.h). It may outlive its
// source. Thread-safety: one thread at a time, as the connection.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "source/postgres/pg_connection.h"
#include "source/postgres/pg_decode.h"
#include "source/postgres/pg_reader.h"
#include "source/source.h"

namespace sluice::source::postgres {

struct CopyPlan {
  std::string sql;                    // the whole COPY statement
  std::vector<PgColumnType> columns;  // how each selected column is decoded, in order
  RowLocator locator;
  bool cancel_when_dropped = false;   // false: drain the rest instead
};

class PgCopyReader final : public BatchReader {
 public:
  // Starts the COPY. REQUIRES: no other reader is active on `connection`.
  static Result<std::unique_ptr<BatchReader>> Start(std::shared_ptr<PgConnection> connection, CopyPlan plan,
                                                    SchemaPtr schema, const ReadOptions& options);
  ~PgCopyReader() override;

  Result<size_t> Next(ColumnBatch* batch, size_t max_rows) override;
  const ReadStats& stats() const override { return stats_; }

 private:
  PgCopyReader(std::shared_ptr<PgConnection> connection, CopyPlan plan, SchemaPtr schema,
               const ReadOptions& options);

  // Reads the next message; false at the end of the data (then the COPY's result is checked).
  Result<bool> NextMessage();
  Status ParseHeader();
  // Decodes one row at position_ into `batch`; false when it was the trailer.
  Result<bool> DecodeRow(ColumnBatch* batch);
  Status Malformed(std::string_view what) const;
  std::string DescribeRow(const char* row) const;
  void ReleaseMessage();

  std::shared_ptr<PgConnection> connection_;
  CopyPlan plan_;
  SchemaPtr schema_;
  ReadOptions options_;
  std::vector<FieldDecoder> decoders_;
  DecodeContext context_;
  ReadStats stats_;
  Status failure_;
  std::string context_text_;  // "reading orders"
  char* message_ = nullptr;   // owned (PQfreemem)
  const char* position_ = nullptr;
  const char* end_ = nullptr;
  bool header_seen_ = false;
  bool trailer_seen_ = false;
  bool finished_ = false;
};

}  // namespace sluice::source::postgres
