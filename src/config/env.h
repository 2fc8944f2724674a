// ${VAR} substitution for configuration values, and CONFIG_DIR/.env.
//
// In a scalar value:
//   ${NAME}            the variable's value; an error when it is not set
//   ${NAME:-fallback}  the value, or `fallback` (taken literally) when the
//                      variable is unset or empty
//   $$                 one '$'
// Any other '$' is kept as it is. NAME is letters, digits and '_', not
// starting with a digit. A variable is looked up in the process
// environment first, then in the .env file: the environment wins.
//
// .env holds KEY=VALUE lines: blank lines and lines starting with '#' are
// ignored, `export ` may precede KEY, VALUE may be in single quotes
// (literal) or double quotes (\n, \t, \", \\ and \$ escapes); an unquoted
// VALUE ends at a " #" comment and is trimmed. Values are not themselves
// substituted.
//
// Thread-safety: an Environment is immutable after construction.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"
#include "config/problems.h"

namespace sluice::config {

class Environment {
 public:
  Environment() = default;
  // `dotenv_file` is named in messages (whether or not it exists).
  Environment(std::map<std::string, std::string> dotenv, std::string dotenv_file)
      : dotenv_(std::move(dotenv)), dotenv_file_(std::move(dotenv_file)) {}

  // The process environment's value, else the .env value, else nullopt.
  std::optional<std::string> Lookup(const std::string& name) const;
  const std::string& dotenv_file() const { return dotenv_file_; }

 private:
  std::map<std::string, std::string> dotenv_;
  std::string dotenv_file_;
};

// Parses the text of a .env file; malformed lines are added to `problems`.
std::map<std::string, std::string> ParseDotEnv(std::string_view text, const std::string& file, Problems* problems);

// `text` with variables replaced. Errors are InvalidArgument whose message
// is "what is wrong (remedy)", without a location: the caller adds it.
Result<std::string> SubstituteVariables(std::string_view text, const Environment& environment);

}  // namespace sluice::config
