#include "source/sql_render.h"

#include <fmt/format.h>

namespace sluice::source {
namespace {

// Builds SQL text and its parameter list side by side.
class SqlBuilder {
 public:
  explicit SqlBuilder(const SqlDialect& dialect) : dialect_(dialect) {
    rendered_.placeholder_style = dialect.placeholder_style;
  }

  void Append(std::string_view text) { rendered_.sql.append(text); }
  // Appends a placeholder for `value`.
  void AppendParam(Value value) {
    rendered_.params.push_back(std::move(value));
    AppendPlaceholder();
  }
  // Appends the key column `column` (through the dialect's hook).
  void AppendKey(std::string_view column, const std::optional<DataType>& type) {
    std::string quoted = QuoteIdentifier(column, dialect_);
    Append(type && dialect_.key_column ? dialect_.key_column(quoted, *type) : quoted);
  }
  // Appends `column op ?` with `value` bound against the key column.
  void AppendComparison(std::string_view column, const std::optional<DataType>& type, std::string_view op,
                        const Value& value) {
    AppendKey(column, type);
    Append(op);
    if (dialect_.key_literal) {
      Append(dialect_.key_literal(column, value));
      return;
    }
    rendered_.params.push_back(value);
    std::string placeholder = Placeholder();
    Append(type && dialect_.key_parameter ? dialect_.key_parameter(placeholder, *type) : placeholder);
  }
  RenderedSql Finish() && { return std::move(rendered_); }

 private:
  std::string Placeholder() const {
    if (dialect_.placeholder_style == PlaceholderStyle::kQuestionMark) return "?";
    return fmt::format("${}", rendered_.params.size());
  }
  void AppendPlaceholder() { Append(Placeholder()); }

  const SqlDialect& dialect_;
  RenderedSql rendered_;
};

std::optional<DataType> TypeOfValue(const Value& value) {
  switch (value.kind()) {
    case Value::Kind::kInt64: return DataType::Of(TypeId::kInt64);
    case Value::Kind::kUInt64: return DataType::Of(TypeId::kUInt64);
    case Value::Kind::kTimestamp: return DataType::Of(TypeId::kTimestamp);
    case Value::Kind::kDate: return DataType::Of(TypeId::kDate);
    case Value::Kind::kText: return DataType::Of(TypeId::kString);
    case Value::Kind::kNull: break;
  }
  return std::nullopt;
}

bool IsTemporal(TypeId id) {
  return id == TypeId::kDate || id == TypeId::kTimestamp || id == TypeId::kTimestampTz || id == TypeId::kTime;
}

// The type each bound column (SelectQuery::BoundColumns) is compared as:
// given, else that of a value bound against it.
Result<std::vector<std::optional<DataType>>> ResolveKeyTypes(const SelectQuery& query,
                                                             const std::vector<std::optional<DataType>>& given) {
  std::vector<std::string> columns = query.BoundColumns();
  if (!given.empty() && given.size() != columns.size()) {
    return InvalidArgument("{} key types given for {} key columns", given.size(), columns.size());
  }
  std::vector<std::optional<DataType>> types(columns.size());
  for (size_t key_idx = 0; key_idx < types.size(); ++key_idx) {
    std::vector<const Value*> bound;
    if (key_idx < query.lower.size()) bound.push_back(&query.lower[key_idx]);
    if (key_idx == query.UpperIndex() && query.upper) bound.push_back(&*query.upper);
    if (key_idx == 0 && query.equal_to) bound.push_back(&*query.equal_to);
    for (const Value* value : bound) {
      if (value->is_null()) {
        return InvalidArgument("key column '{}' is compared with NULL, which matches no row", columns[key_idx]);
      }
    }
    types[key_idx] = given.empty() ? std::nullopt : given[key_idx];
    if (!types[key_idx] && !bound.empty()) types[key_idx] = TypeOfValue(*bound.front());
    if (!types[key_idx]) continue;
    for (const Value* value : bound) {
      bool numeric = value->kind() == Value::Kind::kInt64 || value->kind() == Value::Kind::kUInt64;
      if (IsTemporal(types[key_idx]->id) && numeric) {
        return InvalidArgument("key column '{}' is a {} but is compared with the integer {}", columns[key_idx],
                               types[key_idx]->ToString(), value->ToString());
      }
    }
  }
  return types;
}

// (a > ?) OR (a = ? AND b > ?), with `a >= ?` in front when more than one key is bounded.
void AppendLowerBound(const SelectQuery& query, const std::vector<std::optional<DataType>>& types,
                      SqlBuilder* builder) {
  size_t bounded = query.lower.size();
  if (bounded > 1) {
    builder->AppendComparison(query.key_columns[0], types[0], " >= ", query.lower[0]);
    builder->Append(" AND (");
  }
  for (size_t term_idx = 0; term_idx < bounded; ++term_idx) {
    if (bounded > 1) builder->Append(term_idx == 0 ? "(" : " OR (");
    for (size_t key_idx = 0; key_idx < term_idx; ++key_idx) {
      builder->AppendComparison(query.key_columns[key_idx], types[key_idx], " = ", query.lower[key_idx]);
      builder->Append(" AND ");
    }
    bool last = term_idx + 1 == bounded;
    builder->AppendComparison(query.key_columns[term_idx], types[term_idx],
                              last && query.lower_inclusive ? " >= " : " > ", query.lower[term_idx]);
    if (bounded > 1) builder->Append(")");
  }
  if (bounded > 1) builder->Append(")");
}

// "pages [10, 20)", "pages from 10 to the table's end".
std::string PagesText(const PageRange& range) {
  if (!range.end) return fmt::format("pages from {} to the table's end", range.first);
  return fmt::format("pages [{}, {})", range.first, *range.end);
}

// A page range reads pages in the source's order: no key, no order, no
// keyset bound; only a dialect that can address pages renders it.
Status CheckPageRange(const SelectQuery& query, const SqlDialect& dialect) {
  const PageRange& range = *query.pages;
  if (!dialect.page_range) {
    return Internal("query on '{}' reads {}, which this source cannot address (only PostgreSQL 14+ can)", query.table,
                    PagesText(range));
  }
  if (!query.key_columns.empty() || !query.lower.empty() || query.equal_to || query.limit) {
    return Internal("query on '{}' reads {}, which takes no key columns, key bounds or limit", query.table,
                    PagesText(range));
  }
  if (range.first < 0 || (range.end && *range.end <= range.first)) {
    return Internal("query on '{}' reads the empty or negative {}", query.table, PagesText(range));
  }
  return Status::Ok();
}

Result<RenderedSql> RenderKeyset(const SelectQuery& query, const SqlDialect& dialect,
                                 const std::vector<std::optional<DataType>>& given_types) {
  if (query.columns.empty()) return InvalidArgument("query on '{}' selects no columns", query.table);
  if (query.table.empty()) return InvalidArgument("query names no table");
  if (query.lower.size() > query.key_columns.size()) {
    return InvalidArgument("query on '{}' has {} lower-bound values for {} key columns", query.table,
                           query.lower.size(), query.key_columns.size());
  }
  if (((query.upper && query.upper_column.empty()) || query.equal_to) && query.key_columns.empty()) {
    return InvalidArgument("query on '{}' bounds a key but names no key columns", query.table);
  }
  if (query.limit && *query.limit < 0) return InvalidArgument("query on '{}' has a negative limit", query.table);
  if (query.pages) SLUICE_RETURN_IF_ERROR(CheckPageRange(query, dialect));
  SLUICE_ASSIGN_OR_RETURN(auto types, ResolveKeyTypes(query, given_types));

  SqlBuilder builder(dialect);
  builder.Append("SELECT ");
  for (size_t column_idx = 0; column_idx < query.columns.size(); ++column_idx) {
    if (column_idx > 0) builder.Append(", ");
    std::string quoted = QuoteIdentifier(query.columns[column_idx], dialect);
    builder.Append(dialect.select_column ? dialect.select_column(query.columns[column_idx], quoted) : quoted);
  }
  builder.Append(" FROM ");
  builder.Append(QuoteTableName(query.table, dialect));
  std::string_view joiner = " WHERE ";
  if (query.pages) {
    builder.Append(joiner);
    builder.Append(dialect.page_range(*query.pages));
    joiner = " AND ";
  }
  if (!query.lower.empty()) {
    builder.Append(joiner);
    AppendLowerBound(query, types, &builder);
    joiner = " AND ";
  }
  if (query.upper) {
    builder.Append(joiner);
    size_t upper_idx = query.UpperIndex();
    builder.AppendComparison(query.BoundColumns()[upper_idx], types[upper_idx], " <= ", *query.upper);
    joiner = " AND ";
  }
  if (query.equal_to) {
    builder.Append(joiner);
    builder.AppendComparison(query.key_columns[0], types[0], " = ", *query.equal_to);
  }
  for (size_t key_idx = 0; key_idx < query.key_columns.size(); ++key_idx) {
    builder.Append(key_idx == 0 ? " ORDER BY " : ", ");
    builder.AppendKey(query.key_columns[key_idx], types[key_idx]);
  }
  if (query.limit) builder.Append(fmt::format(" LIMIT {}", *query.limit));
  return std::move(builder).Finish();
}

Result<RenderedSql> RenderCustom(const SelectQuery& query, const SqlDialect& dialect) {
  Result<PlaceholderScan> scan = ScanPlaceholders(query.custom_sql, dialect.flavor);
  if (!scan.has_value()) return scan.error().WithContext("custom SQL");
  SqlBuilder builder(dialect);
  std::string_view sql = query.custom_sql;
  size_t position = 0;
  for (const Placeholder& placeholder : scan->placeholders) {
    builder.Append(sql.substr(position, placeholder.offset - position));
    auto parameter = query.parameters.find(placeholder.name);
    if (parameter == query.parameters.end()) {
      std::string known;
      for (const auto& [known_name, value] : query.parameters) known += (known.empty() ? "" : ", ") + known_name;
      return InvalidArgument("custom SQL uses the unknown placeholder {{{{{}}}}} (known: {})", placeholder.name,
                             known.empty() ? "none" : known);
    }
    builder.AppendParam(parameter->second);
    position = placeholder.offset + placeholder.length;
  }
  builder.Append(sql.substr(position));
  return std::move(builder).Finish();
}

}  // namespace

std::string QuoteIdentifier(std::string_view identifier, const SqlDialect& dialect) {
  std::string quoted;
  quoted.reserve(identifier.size() + 2);
  quoted.push_back(dialect.identifier_quote);
  for (char c : identifier) {
    quoted.push_back(c);
    if (c == dialect.identifier_quote) quoted.push_back(c);
  }
  quoted.push_back(dialect.identifier_quote);
  return quoted;
}

std::string QuoteTableName(std::string_view table, const SqlDialect& dialect) {
  size_t dot = table.find('.');
  if (dot == std::string_view::npos) return QuoteIdentifier(table, dialect);
  return QuoteIdentifier(table.substr(0, dot), dialect) + "." + QuoteIdentifier(table.substr(dot + 1), dialect);
}

Result<RenderedSql> RenderSelect(const SelectQuery& query, const SqlDialect& dialect,
                                 const std::vector<std::optional<DataType>>& key_types) {
  if (query.is_custom()) return RenderCustom(query, dialect);
  return RenderKeyset(query, dialect, key_types);
}

std::string ExplainSql(const RenderedSql& rendered) {
  std::string text = rendered.sql;
  if (rendered.params.empty()) return text;
  // $n placeholders are named by number; ?s are bound in the order they appear.
  bool numbered = rendered.placeholder_style == PlaceholderStyle::kDollarNumber;
  text += numbered ? "\n-- params: " : "\n-- params, one per ? in order: ";
  for (size_t param_idx = 0; param_idx < rendered.params.size(); ++param_idx) {
    const Value& value = rendered.params[param_idx];
    if (param_idx > 0) text += ", ";
    if (numbered) fmt::format_to(std::back_inserter(text), "${}=", param_idx + 1);
    bool quoted = value.kind() != Value::Kind::kNull && value.kind() != Value::Kind::kInt64 &&
                  value.kind() != Value::Kind::kUInt64;
    if (!quoted) {
      text += value.ToString();
      continue;
    }
    text.push_back('\'');
    for (char c : value.ToString()) {
      text.push_back(c);
      if (c == '\'') text.push_back('\'');
    }
    text.push_back('\'');
  }
  return text;
}

}  // namespace sluice::source
