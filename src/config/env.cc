#include "config/env.h"

#include <cstdlib>

namespace sluice::config {
namespace {

bool IsNameStart(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; }
bool IsNameChar(char c) { return IsNameStart(c) || (c >= '0' && c <= '9'); }

bool IsValidName(std::string_view name) {
  if (name.empty() || !IsNameStart(name.front())) return false;
  for (char c : name) {
    if (!IsNameChar(c)) return false;
  }
  return true;
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t' || text.front() == '\r')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) text.remove_suffix(1);
  return text;
}

// True when what follows a closing quote is nothing or a comment.
bool OnlyComment(std::string_view rest) {
  rest = Trim(rest);
  return rest.empty() || rest.front() == '#';
}

// The value part of a .env line (after '='); nullopt with *error set when malformed.
std::optional<std::string> ParseDotEnvValue(std::string_view untrimmed, std::string* error) {
  std::string_view raw = Trim(untrimmed);
  if (raw.starts_with('\'')) {
    size_t close = raw.find('\'', 1);
    if (close == std::string_view::npos || !OnlyComment(raw.substr(close + 1))) {
      *error = "unterminated single quote (close the value with ' on the same line)";
      return std::nullopt;
    }
    return std::string(raw.substr(1, close - 1));
  }
  if (raw.starts_with('"')) {
    std::string value;
    for (size_t index = 1; index < raw.size(); ++index) {
      char c = raw[index];
      if (c == '"') {
        if (OnlyComment(raw.substr(index + 1))) return value;
        break;
      }
      if (c == '\\' && index + 1 < raw.size()) {
        char escaped = raw[++index];
        value += escaped == 'n' ? '\n' : escaped == 't' ? '\t' : escaped;
        continue;
      }
      value += c;
    }
    *error = "unterminated double quote (close the value with \" on the same line)";
    return std::nullopt;
  }
  // A '#' after whitespace starts a comment; KEY=#x keeps "#x".
  size_t comment = untrimmed.find(" #");
  if (comment == std::string_view::npos) comment = untrimmed.find("\t#");
  if (comment != std::string_view::npos) untrimmed = untrimmed.substr(0, comment);
  return std::string(Trim(untrimmed));
}

}  // namespace

std::optional<std::string> Environment::Lookup(const std::string& name) const {
  if (const char* value = std::getenv(name.c_str())) return std::string(value);
  auto found = dotenv_.find(name);
  if (found != dotenv_.end()) return found->second;
  return std::nullopt;
}

std::map<std::string, std::string> ParseDotEnv(std::string_view text, const std::string& file, Problems* problems) {
  std::map<std::string, std::string> values;
  std::map<std::string, int> first_line;
  int line_number = 0;
  while (!text.empty()) {
    size_t end = text.find('\n');
    std::string_view line = Trim(text.substr(0, end));
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    ++line_number;
    if (line.empty() || line.front() == '#') continue;
    if (line.starts_with("export ") || line.starts_with("export\t")) line = Trim(line.substr(7));
    size_t equals = line.find('=');
    std::string_view name = equals == std::string_view::npos ? line : Trim(line.substr(0, equals));
    if (equals == std::string_view::npos || !IsValidName(name)) {
      problems->Add(
          file, line_number, "",
          "expected KEY=VALUE (KEY is letters, digits and _, e.g. DB_PASSWORD=secret; comments start with #)");
      continue;
    }
    std::string error;
    std::optional<std::string> value = ParseDotEnvValue(line.substr(equals + 1), &error);
    if (!value) {
      problems->Add(file, line_number, name, error);
      continue;
    }
    auto [previous, inserted] = first_line.emplace(std::string(name), line_number);
    if (!inserted) {
      problems->Add(file, line_number, name, fmt::format("set twice (first on line {}; keep one)", previous->second));
      continue;
    }
    values[std::string(name)] = std::move(*value);
  }
  return values;
}

Result<std::string> SubstituteVariables(std::string_view text, const Environment& environment) {
  std::string out;
  size_t position = 0;
  while (position < text.size()) {
    size_t dollar = text.find('$', position);
    if (dollar == std::string_view::npos || dollar + 1 >= text.size()) {
      out.append(text.substr(position));
      break;
    }
    out.append(text.substr(position, dollar - position));
    char next = text[dollar + 1];
    if (next != '$' && next != '{') {
      out += '$';
      position = dollar + 1;
      continue;
    }
    if (next == '$') {
      out += '$';
      position = dollar + 2;
      continue;
    }
    size_t close = text.find('}', dollar + 2);
    if (close == std::string_view::npos) {
      return InvalidArgument("'{}' has no closing '}}' (write ${{NAME}}, or $$ for a literal '$')",
                             text.substr(dollar, 40));
    }
    std::string_view inside = text.substr(dollar + 2, close - dollar - 2);
    size_t separator = inside.find(":-");
    std::string name(inside.substr(0, separator));
    if (!IsValidName(name)) {
      return InvalidArgument(
          "'${{{}}}' is not a valid variable reference (write ${{NAME}} or ${{NAME:-default}}; "
          "NAME is letters, digits and _; $$ is a literal '$')",
          inside);
    }
    std::optional<std::string> value = environment.Lookup(name);
    if (separator != std::string_view::npos) {
      out += value && !value->empty() ? *value : std::string(inside.substr(separator + 2));
    } else if (value) {
      out += *value;
    } else {
      return InvalidArgument(
          "environment variable {} is not set (export it, add {}=... to {}, or give a default "
          "with ${{{}:-default}})",
          name, name, environment.dotenv_file().empty() ? ".env" : environment.dotenv_file(), name);
    }
    position = close + 1;
  }
  return out;
}

}  // namespace sluice::config
