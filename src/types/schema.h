// Schema: the columns of one source table, in source order, with the
// primary key. Sources build it from their catalog; every later stage
// reads it. Immutable once built; share it as std::shared_ptr<const Schema>.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "types/data_type.h"

namespace sluice {

struct Field {
  std::string name;
  DataType type;
  bool nullable = true;
  // The source's own spelling, e.g. "bigint(20) unsigned", for messages and `schema show`.
  std::string source_type;
  // Character columns: maximum length in characters as declared (0: unbounded/unknown).
  int64_t max_length = 0;

  friend bool operator==(const Field&, const Field&) = default;
};

struct Schema {
  std::vector<Field> fields;
  std::vector<std::string> primary_key;  // column names, in key order; empty: none

  // Index of the column named `name` (exact match), if any.
  std::optional<size_t> FieldIndex(std::string_view name) const;
  // A stable hash of names, types and nullability (hex). Changes when the
  // table's shape changes; recorded in the watermark.
  std::string Fingerprint() const;

  friend bool operator==(const Schema&, const Schema&) = default;
};

using SchemaPtr = std::shared_ptr<const Schema>;

}  // namespace sluice
