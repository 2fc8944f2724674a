// Test helpers for reading through the Source API: every cell of a read as
// canonical text, so tests compare values exactly.
#pragma once

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <memory>

#include "harness.h"
#include "pg_fixture.h"
#include "source/source.h"

namespace sluice::testing {

// The PostgreSQL source of the private test server, opened through
// sluice's own connect library; nullptr (and a test failure) when it cannot be.
std::unique_ptr<source::Source> OpenTestPostgresSource(const ServerEnv& server);

// A test of the PostgreSQL source: the private server, a libpq fixture to
// make tables with, and the source, opened for each test.
class PostgresSourceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = PostgresServer();
    ASSERT_FALSE(::testing::Test::HasFailure());
    fixture_ = std::make_unique<PgFixture>(server_);
    source_ = OpenTestPostgresSource(server_);
    ASSERT_NE(source_, nullptr);
  }

  ServerEnv server_;
  std::unique_ptr<PgFixture> fixture_;
  std::unique_ptr<source::Source> source_;
};

// A cell as text: integers and exact decimals as digits, floats as fmt
// prints them ("nan", "-inf", "-0", "3.4028235e+38"), booleans true/false,
// dates "YYYY-MM-DD", timestamps "YYYY-MM-DDTHH:MM:SS.ffffffZ", times
// "HH:MM:SS.ffffff", binary as "\x<hex>", strings and JSON as they are,
// NULL as "NULL".
std::string CellText(const ColumnVector& column, size_t row);

struct ReadResult {
  std::vector<std::vector<std::string>> rows;
  source::ReadStats stats;
  Status status;  // the first error, if any
};

// Reads `query` to the end in batches of `batch_rows`.
ReadResult ReadAllRows(source::Source& source, const SelectQuery& query, SchemaPtr schema,
                       const source::ReadOptions& options = {}, size_t batch_rows = 1000);

// A keyset query over every column of `schema`, keyed by its primary key.
SelectQuery WholeTable(const std::string& table, const Schema& schema);

}  // namespace sluice::testing
