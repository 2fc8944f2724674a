#include "types/sql_placeholders.h"

#include <optional>

namespace sluice {
namespace {

// What `flavor` reads as a literal or a comment (see the header's table).
struct LexicalRules {
  bool backtick_names = false;
  bool bracket_names = false;
  bool backslash_escapes = false;  // in '...' and "..."
  bool escape_strings = false;     // E'...' with backslash escapes
  bool dollar_quotes = false;
  bool hash_comments = false;
  bool dash_comment_needs_space = false;
  bool nested_comments = false;
  bool executable_comments = false;  // /*! ... */, /*M! ... */ are SQL
};

LexicalRules RulesOf(SqlFlavor flavor) {
  switch (flavor) {
    case SqlFlavor::kSqlite: return {.backtick_names = true, .bracket_names = true};
    case SqlFlavor::kMySql:
      return {.backtick_names = true,
              .backslash_escapes = true,
              .hash_comments = true,
              .dash_comment_needs_space = true,
              .executable_comments = true};
    case SqlFlavor::kPostgres: return {.escape_strings = true, .dollar_quotes = true, .nested_comments = true};
  }
  return {};
}

bool IsNameChar(char c) {
  auto byte = static_cast<unsigned char>(c);
  return (byte >= 'a' && byte <= 'z') || (byte >= 'A' && byte <= 'Z') || (byte >= '0' && byte <= '9') || c == '_' ||
         c == '$' || byte >= 0x80;
}

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

std::string_view Trimmed(std::string_view text) {
  while (!text.empty() && IsSpace(text.front())) text.remove_prefix(1);
  while (!text.empty() && IsSpace(text.back())) text.remove_suffix(1);
  return text;
}

// One past the quote that closes the literal opened at `open`; a doubled
// quote stays inside. The end of the text when it is never closed.
size_t EndOfQuoted(std::string_view sql, size_t open, char quote, bool backslash_escapes) {
  for (size_t at = open + 1; at < sql.size(); ++at) {
    if (backslash_escapes && sql[at] == '\\') {
      ++at;
    } else if (sql[at] == quote) {
      if (at + 1 < sql.size() && sql[at + 1] == quote) {
        ++at;
      } else {
        return at + 1;
      }
    }
  }
  return sql.size();
}

size_t EndOfLine(std::string_view sql, size_t at) {
  size_t newline = sql.find('\n', at);
  return newline == std::string_view::npos ? sql.size() : newline + 1;
}

size_t EndOfBlockComment(std::string_view sql, size_t open, bool nested) {
  int depth = 1;
  for (size_t at = open + 2; at + 1 < sql.size(); ++at) {
    if (sql[at] == '*' && sql[at + 1] == '/') {
      if (--depth == 0) return at + 2;
      ++at;
    } else if (nested && sql[at] == '/' && sql[at + 1] == '*') {
      ++depth;
      ++at;
    }
  }
  return sql.size();
}

// PostgreSQL: the opening "$tag$" (or "$$") at `at`, when one starts there:
// not inside a name (a$b$), not a parameter ($1).
std::optional<std::string_view> DollarTag(std::string_view sql, size_t at) {
  if (at > 0 && IsNameChar(sql[at - 1])) return std::nullopt;
  size_t end = at + 1;
  if (end < sql.size() && sql[end] >= '0' && sql[end] <= '9') return std::nullopt;
  while (end < sql.size() && sql[end] != '$' && IsNameChar(sql[end])) ++end;
  if (end >= sql.size() || sql[end] != '$') return std::nullopt;
  return sql.substr(at, end - at + 1);
}

// The length of the literal or comment that starts at `at`; 0 when none does.
size_t TextAt(std::string_view sql, size_t at, const LexicalRules& rules) {
  auto next = [&](size_t ahead) { return at + ahead < sql.size() ? sql[at + ahead] : '\0'; };
  size_t end = at;
  switch (sql[at]) {
    case '\'':
    case '"': end = EndOfQuoted(sql, at, sql[at], rules.backslash_escapes); break;
    case '`':
      if (rules.backtick_names) end = EndOfQuoted(sql, at, '`', false);
      break;
    case '[':
      if (rules.bracket_names) {
        size_t close = sql.find(']', at + 1);
        end = close == std::string_view::npos ? sql.size() : close + 1;
      }
      break;
    case 'E':
    case 'e':
      if (rules.escape_strings && next(1) == '\'' && (at == 0 || !IsNameChar(sql[at - 1]))) {
        end = EndOfQuoted(sql, at + 1, '\'', true);
      }
      break;
    case '$':
      if (rules.dollar_quotes) {
        if (std::optional<std::string_view> tag = DollarTag(sql, at)) {
          size_t close = sql.find(*tag, at + tag->size());
          end = close == std::string_view::npos ? sql.size() : close + tag->size();
        }
      }
      break;
    case '#':
      if (rules.hash_comments) end = EndOfLine(sql, at);
      break;
    case '-':
      if (next(1) == '-' &&
          (!rules.dash_comment_needs_space || next(2) == '\0' || static_cast<unsigned char>(next(2)) <= ' ')) {
        end = EndOfLine(sql, at);
      }
      break;
    case '/':
      if (next(1) == '*') {
        bool executable = rules.executable_comments && (next(2) == '!' || (next(2) == 'M' && next(3) == '!'));
        if (!executable) end = EndOfBlockComment(sql, at, rules.nested_comments);
      }
      break;
    default: break;
  }
  return end - at;
}

// "{{...}}" inside a literal or comment: its name, for PlaceholderScan::in_text.
void CollectInText(std::string_view text, std::vector<std::string>& names) {
  for (size_t open = text.find("{{"); open != std::string_view::npos; open = text.find("{{", open + 2)) {
    size_t close = text.find("}}", open + 2);
    if (close == std::string_view::npos) return;
    names.emplace_back(Trimmed(text.substr(open + 2, close - open - 2)));
    open = close;
  }
}

}  // namespace

Result<PlaceholderScan> ScanPlaceholders(std::string_view sql, SqlFlavor flavor) {
  LexicalRules rules = RulesOf(flavor);
  PlaceholderScan scan;
  size_t at = 0;
  while (at < sql.size()) {
    if (size_t text_length = TextAt(sql, at, rules)) {
      CollectInText(sql.substr(at, text_length), scan.in_text);
      at += text_length;
      continue;
    }
    if (sql.compare(at, 2, "{{") != 0) {
      ++at;
      continue;
    }
    size_t close = sql.find("}}", at + 2);
    if (close == std::string_view::npos) {
      return InvalidArgument("'{}' is not closed (a placeholder ends with }}}})", sql.substr(at, 30));
    }
    scan.placeholders.push_back(
        Placeholder{at, close + 2 - at, std::string(Trimmed(sql.substr(at + 2, close - at - 2)))});
    at = close + 2;
  }
  return scan;
}

}  // namespace sluice
