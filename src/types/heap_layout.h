// HeapLayout: a table as its source stores it, in numbered pages the source
// can read by range (PostgreSQL 14+ plain tables: TID Range Scans). A first
// copy reads such a table in that order, the cheapest one for the source
// (cdc/planner.h, "first copy"); a table without one is copied in
// primary-key order.
//
// Thread-safety: a value type.
#pragma once

#include <cstdint>
#include <string>

namespace sluice {

struct HeapLayout {
  int64_t pages = 0;         // the table's size in pages when it was read
  double rows_per_page = 0;  // the source's estimate; 0 when it has none (never analyzed)
  // Names the storage the pages belong to (PostgreSQL: the relfilenode). A
  // rewrite that moves every row (VACUUM FULL, CLUSTER, TRUNCATE) changes
  // it, so page numbers recorded before it mean nothing after.
  std::string storage;
  friend bool operator==(const HeapLayout&, const HeapLayout&) = default;
};

}  // namespace sluice
