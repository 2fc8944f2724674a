// A plain YAML document tree: what the configuration readers walk instead
// of the YAML library's own nodes. yaml_tree.cc is the one file in sluice
// that includes yaml-cpp; it converts parsed text into this tree and back.
//
// The tree keeps what the readers need and the library hides or drops:
// the 1-based line of every node and every key, and map entries in file
// order with duplicate keys kept (YAML forbids them, yaml-cpp accepts them
// silently; the readers report them). Scalars stay text: a reader decides
// from the key whether "5432" is a number, and substitutes ${VAR} first.
//
// Thread-safety: value types.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace sluice::config {

struct YamlEntry;

struct YamlNode {
  enum class Kind { kNull, kScalar, kList, kMap };

  Kind kind = Kind::kNull;
  std::string scalar;              // kScalar: the text as written (unquoted, unescaped)
  bool quoted = false;             // kScalar: written in quotes (emitted in quotes)
  int line = 0;                    // 1-based; 0 when unknown (an empty value)
  std::vector<YamlNode> items;     // kList
  std::vector<YamlEntry> entries;  // kMap, in file order, duplicates kept

  bool is_null() const { return kind == Kind::kNull; }
  bool is_scalar() const { return kind == Kind::kScalar; }
  bool is_list() const { return kind == Kind::kList; }
  bool is_map() const { return kind == Kind::kMap; }

  static YamlNode Scalar(std::string text, bool quoted = false);
  static YamlNode List();
  static YamlNode Map();
  // kMap: appends an entry and returns its value.
  YamlNode& Add(std::string key, YamlNode value);
};

struct YamlEntry {
  std::string key;
  int line = 0;  // 1-based line of the key
  YamlNode value;
};

// "a map", "a list", "a string", "an empty value": for messages.
std::string_view KindName(const YamlNode& node);

// Parses one YAML document. An empty file (or only comments) is a null
// node. Errors are InvalidArgument "<file_name>:<line>: ..." for a syntax
// error, a second document, or a key that is not a plain scalar.
// `<<: *anchor` merge keys are applied: the anchor's entries are added
// where the map does not set the key itself. A ${...} reference (on one
// line) may stand anywhere a plain value may, also inside a flow
// collection such as {user: ${DB_USER}}, which plain YAML rejects.
Result<YamlNode> ParseYaml(std::string_view text, std::string_view file_name);

// Block-style YAML text for `node`; multi-line scalars as literal blocks.
std::string EmitYaml(const YamlNode& node);

}  // namespace sluice::config
