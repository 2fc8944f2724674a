// The "every type" table of the Parquet tests: one column per sluice type
// (decimals at each physical width), each with its extreme and awkward
// values, and the DuckDB type each should read back as.
#pragma once

#include <string>
#include <vector>

#include "parquet_test_util.h"

namespace sluice::parquet::testing {

struct TypeCase {
  std::string name;
  DataType type;
  std::vector<TestValue> values;  // cycled through the rows
  std::string duckdb_type;        // as DESCRIBE reports it
};

// Every type of types/data_type.h with its extremes.
std::vector<TypeCase> AllTypeCases();

// A schema with a REQUIRED ("<name>_req") and an OPTIONAL ("<name>_opt")
// column per case, and `row_count` rows: row r holds values[r % size]; in
// the OPTIONAL column every seventh row (from row 3) is NULL (7 divides no
// case's value count, so every value also appears in the OPTIONAL column).
struct AllTypesTable {
  SchemaPtr schema;
  std::vector<std::vector<TestValue>> rows;
};
AllTypesTable MakeAllTypesTable(const std::vector<TypeCase>& cases, size_t row_count);

}  // namespace sluice::parquet::testing
