#include "source/sqlite/sqlite_types.h"

#include <charconv>
#include <string>
#include <vector>

namespace sluice::source::sqlite {
namespace {

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

struct ParsedDeclaration {
  std::string base;                // upper-cased, spaces collapsed, without the argument list
  std::vector<int64_t> arguments;  // the integers inside (...); empty when absent
  bool arguments_valid = true;     // false when (...) held something other than integers
};

ParsedDeclaration Parse(std::string_view declared) {
  ParsedDeclaration parsed;
  size_t open = declared.find('(');
  std::string_view base = Trim(declared.substr(0, open));
  bool in_space = false;
  for (char c : base) {
    if (c == ' ' || c == '\t') {
      in_space = true;
      continue;
    }
    if (in_space && !parsed.base.empty()) parsed.base.push_back(' ');
    in_space = false;
    parsed.base.push_back(c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c);
  }
  if (open == std::string_view::npos) return parsed;
  size_t close = declared.find(')', open);
  std::string_view inside = declared.substr(open + 1, close == std::string_view::npos ? close : close - open - 1);
  while (true) {
    size_t comma = inside.find(',');
    std::string_view argument = Trim(inside.substr(0, comma));
    int64_t value = 0;
    auto result = std::from_chars(argument.data(), argument.data() + argument.size(), value);
    if (argument.empty() || result.ec != std::errc() || result.ptr != argument.data() + argument.size()) {
      parsed.arguments_valid = false;
    }
    parsed.arguments.push_back(value);
    if (comma == std::string_view::npos) break;
    inside.remove_prefix(comma + 1);
  }
  return parsed;
}

bool Contains(const std::string& text, std::string_view part) { return text.find(part) != std::string::npos; }

Result<ColumnTypeMapping> MapDecimal(const ParsedDeclaration& parsed, std::string_view declared) {
  if (parsed.arguments.empty()) return ColumnTypeMapping{DataType::Decimal(0, 0)};
  if (!parsed.arguments_valid || parsed.arguments.size() > 2) {
    return NotSupported("declared type '{}' is not DECIMAL(precision, scale)", declared);
  }
  int64_t precision = parsed.arguments[0];
  int64_t scale = parsed.arguments.size() == 2 ? parsed.arguments[1] : 0;
  if (precision < 1 || precision > 1000 || scale < 0 || scale > precision) {
    return NotSupported("declared type '{}' needs a precision of 1..1000 and a scale of 0..precision", declared);
  }
  return ColumnTypeMapping{DataType::Decimal(static_cast<int>(precision), static_cast<int>(scale))};
}

}  // namespace

Result<ColumnTypeMapping> MapDeclaredType(std::string_view declared_type) {
  ParsedDeclaration parsed = Parse(declared_type);
  const std::string& base = parsed.base;
  auto of = [](TypeId id) { return ColumnTypeMapping{DataType::Of(id)}; };
  if (base.empty()) return of(TypeId::kBinary);
  if (Contains(base, "BOOL")) return of(TypeId::kBoolean);
  if (base == "DATE") return of(TypeId::kDate);
  if (base == "DATETIME" || base == "TIMESTAMP" || base == "TIMESTAMP WITHOUT TIME ZONE") {
    return of(TypeId::kTimestamp);
  }
  if (base == "TIMESTAMPTZ" || base == "TIMESTAMP WITH TIME ZONE") return of(TypeId::kTimestampTz);
  if (base == "TIME" || base == "TIME WITHOUT TIME ZONE") return of(TypeId::kTime);
  if (base == "JSON" || base == "JSONB") return of(TypeId::kJson);
  if (base == "UUID" || base == "STRING") return of(TypeId::kString);
  if (base == "DECIMAL" || base == "NUMERIC" || base == "DEC") return MapDecimal(parsed, declared_type);
  // SQLite's affinity rules, in SQLite's order.
  if (Contains(base, "INT")) return of(TypeId::kInt64);
  if (Contains(base, "CHAR") || Contains(base, "CLOB") || Contains(base, "TEXT")) {
    ColumnTypeMapping mapping = of(TypeId::kString);
    if (parsed.arguments_valid && !parsed.arguments.empty() && parsed.arguments[0] > 0) {
      mapping.max_length = parsed.arguments[0];
    }
    return mapping;
  }
  if (Contains(base, "BLOB")) return of(TypeId::kBinary);
  if (Contains(base, "REAL") || Contains(base, "FLOA") || Contains(base, "DOUB")) return of(TypeId::kFloat64);
  return ColumnTypeMapping{DataType::Decimal(0, 0)};
}

}  // namespace sluice::source::sqlite
