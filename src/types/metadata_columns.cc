#include "types/metadata_columns.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "common/spelling.h"

namespace sluice {

bool IsMetadataColumn(std::string_view name) {
  std::string lower = AsciiLower(name);
  for (std::string_view reserved : kMetadataColumns) {
    if (lower == reserved) return true;
  }
  return false;
}

Status CheckNoMetadataColumns(std::string_view table, const Schema& schema, bool custom_sql) {
  for (const Field& field : schema.fields) {
    if (!IsMetadataColumn(field.name)) continue;
    std::string alias = fmt::format("{}_value", field.name.substr(1));
    std::string remedy =
        custom_sql ? fmt::format("select it under another name in custom_sql (SELECT ..., \"{}\" AS {})", field.name,
                                 alias)
                   : fmt::format("rename it in the source, or read the table with cdc_strategy: custom_sql and "
                                 "select it under another name (SELECT ..., \"{}\" AS {})",
                                 field.name, alias);
    return InvalidArgument(
        "table {}: column \"{}\" has the name of a column sluice writes itself (staged files' row order, change "
        "rows' metadata and the apply modes' columns: {}), so the two could not be told apart; nothing was read "
        "or written. To sync the table, {}",
        table, field.name, fmt::join(kMetadataColumns, ", "), remedy);
  }
  return Status::Ok();
}

}  // namespace sluice
