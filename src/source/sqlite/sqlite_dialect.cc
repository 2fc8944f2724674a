#include "source/sqlite/sqlite_dialect.h"

#include <fmt/format.h>

namespace sluice::source::sqlite {
namespace {

std::string_view CanonicalFormat(TypeId id) { return id == TypeId::kDate ? "%Y-%m-%d" : "%Y-%m-%d %H:%M:%f"; }

std::string ParameterExpression(std::string_view placeholder, const DataType& type) {
  if (!IsCanonicalTextKey(type.id)) return std::string(placeholder);
  return fmt::format("strftime('{}', {})", CanonicalFormat(type.id), placeholder);
}

}  // namespace

bool IsCanonicalTextKey(TypeId id) {
  return id == TypeId::kTimestamp || id == TypeId::kTimestampTz || id == TypeId::kDate;
}

std::string SqliteKeyExpression(std::string_view quoted_column, const DataType& type) {
  if (!IsCanonicalTextKey(type.id)) return std::string(quoted_column);
  std::string_view format = CanonicalFormat(type.id);
  return fmt::format(
      "coalesce(CASE WHEN typeof({0}) IN ('integer', 'real') THEN strftime('{1}', {0}, 'unixepoch') "
      "ELSE strftime('{1}', {0}) END, {0})",
      quoted_column, format);
}

SqlDialect SqliteDialect() {
  SqlDialect dialect;
  dialect.identifier_quote = '"';
  dialect.placeholder_style = PlaceholderStyle::kQuestionMark;
  dialect.key_column = SqliteKeyExpression;
  dialect.key_parameter = ParameterExpression;
  dialect.flavor = SqlFlavor::kSqlite;
  return dialect;
}

}  // namespace sluice::source::sqlite
