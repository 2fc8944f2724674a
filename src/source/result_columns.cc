#include "source/result_columns.h"

#include <set>
#include <string>

#include <fmt/format.h>

namespace sluice::source {

Status CheckDistinctColumnNames(const Schema& result, const SelectQuery& query) {
  std::set<std::string> seen;
  for (const Field& field : result.fields) {
    if (seen.insert(field.name).second) continue;
    std::string what = query.table.empty() ? "the query" : fmt::format("table {}: the custom SQL", query.table);
    return InvalidArgument("{} returns two columns named '{}'; give one an alias (... AS another_name)", what,
                           field.name);
  }
  return Status::Ok();
}

}  // namespace sluice::source
