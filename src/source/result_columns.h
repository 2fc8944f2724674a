// What every source checks of the columns a custom query returns, before
// they become a schema: each names one column of the target table.
// Pure functions; thread-safe.
#pragma once

#include "common/status.h"
#include "types/schema.h"
#include "types/select_query.h"

namespace sluice::source {

// InvalidArgument when two of the result columns share a name, naming the
// table (query.table, when set), the column and the remedy: "table orders:
// the custom SQL returns two columns named 'id'; give one an alias (... AS
// another_name)".
Status CheckDistinctColumnNames(const Schema& result, const SelectQuery& query);

}  // namespace sluice::source
