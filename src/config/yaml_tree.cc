// The one file that sees yaml-cpp: YAML text <-> YamlNode.
#include "config/yaml_tree.h"

#include <yaml-cpp/yaml.h>

#include <exception>
#include <set>

namespace sluice::config {

YamlNode YamlNode::Scalar(std::string text, bool quoted) {
  YamlNode node;
  node.kind = Kind::kScalar;
  node.scalar = std::move(text);
  node.quoted = quoted;
  return node;
}

YamlNode YamlNode::List() {
  YamlNode node;
  node.kind = Kind::kList;
  return node;
}

YamlNode YamlNode::Map() {
  YamlNode node;
  node.kind = Kind::kMap;
  return node;
}

YamlNode& YamlNode::Add(std::string key, YamlNode value) {
  entries.push_back(YamlEntry{std::move(key), 0, std::move(value)});
  return entries.back().value;
}

std::string_view KindName(const YamlNode& node) {
  switch (node.kind) {
    case YamlNode::Kind::kNull: return "an empty value";
    case YamlNode::Kind::kScalar: return "a single value";
    case YamlNode::Kind::kList: return "a list";
    case YamlNode::Kind::kMap: return "a map";
  }
  return "a value";
}

namespace {

// The line of the first key that is a list or map (0: none), reported by ParseYaml.
struct ConvertState {
  int bad_key_line = 0;
};

// YAML forbids '{' and '}' in a plain scalar inside a flow collection, so
// `ssh_tunnel: {username: ${SSH_USER}}` (SPEC §2) would not parse. Before
// parsing, the braces of each ${...} on one line become two private-use
// characters; Restore() turns them back in every scalar and key. Line
// numbers do not change, and substitution still happens after parsing.
constexpr std::string_view kOpenBrace = "\xEE\x80\x80";   // U+E000
constexpr std::string_view kCloseBrace = "\xEE\x80\x81";  // U+E001

std::string ProtectVariableBraces(std::string_view text) {
  if (text.find(kOpenBrace) != std::string_view::npos || text.find(kCloseBrace) != std::string_view::npos) {
    return std::string(text);  // already holds the markers: leave the text as written
  }
  std::string out;
  size_t position = 0;
  for (size_t start = text.find("${"); start != std::string_view::npos; start = text.find("${", position)) {
    size_t close = text.find_first_of("}{\n", start + 2);
    out.append(text.substr(position, start + 1 - position));
    if (close == std::string_view::npos || text[close] != '}') {
      position = start + 1;
      continue;
    }
    out.append(kOpenBrace);
    out.append(text.substr(start + 2, close - start - 2));
    out.append(kCloseBrace);
    position = close + 1;
  }
  out.append(text.substr(position));
  return out;
}

std::string Restore(std::string text) {
  for (auto [marker, brace] : {std::pair{kOpenBrace, '{'}, std::pair{kCloseBrace, '}'}}) {
    for (size_t found = text.find(marker); found != std::string::npos; found = text.find(marker, found + 1)) {
      text.replace(found, marker.size(), 1, brace);
    }
  }
  return text;
}

int LineOf(const YAML::Node& node) { return node.Mark().is_null() ? 0 : node.Mark().line + 1; }

YamlNode Convert(const YAML::Node& node, ConvertState& state);

// Applies `<<: *anchor` (a map or a list of maps): entries the map does not set itself.
void Merge(const YamlNode& source, const std::set<std::string>& explicit_keys, YamlNode* target) {
  if (source.is_list()) {
    for (const YamlNode& item : source.items) Merge(item, explicit_keys, target);
    return;
  }
  for (const YamlEntry& entry : source.entries) {
    if (!explicit_keys.contains(entry.key)) target->entries.push_back(entry);
  }
}

YamlNode ConvertMap(const YAML::Node& node, ConvertState& state) {
  YamlNode map = YamlNode::Map();
  map.line = LineOf(node);
  std::vector<YamlNode> merges;
  std::set<std::string> explicit_keys;
  for (auto it = node.begin(); it != node.end(); ++it) {
    if (!it->first.IsScalar()) {
      if (state.bad_key_line == 0) state.bad_key_line = LineOf(it->first);
      continue;
    }
    YamlEntry entry{Restore(it->first.Scalar()), LineOf(it->first), Convert(it->second, state)};
    if (entry.key == "<<" && it->first.Tag() == "?" && (entry.value.is_map() || entry.value.is_list())) {
      merges.push_back(std::move(entry.value));
      continue;
    }
    explicit_keys.insert(entry.key);
    map.entries.push_back(std::move(entry));
  }
  for (const YamlNode& merge : merges) Merge(merge, explicit_keys, &map);
  return map;
}

YamlNode Convert(const YAML::Node& node, ConvertState& state) {
  switch (node.Type()) {
    case YAML::NodeType::Scalar: {
      YamlNode scalar = YamlNode::Scalar(Restore(node.Scalar()), node.Tag() == "!");
      scalar.line = LineOf(node);
      return scalar;
    }
    case YAML::NodeType::Sequence: {
      YamlNode list = YamlNode::List();
      list.line = LineOf(node);
      for (const YAML::Node& item : node) list.items.push_back(Convert(item, state));
      return list;
    }
    case YAML::NodeType::Map: return ConvertMap(node, state);
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined: break;
  }
  return YamlNode();  // an empty value: its line is the key's, which the reader knows
}

void Emit(const YamlNode& node, YAML::Emitter& out) {
  switch (node.kind) {
    case YamlNode::Kind::kNull: out << YAML::Null; return;
    case YamlNode::Kind::kScalar:
      if (node.scalar.find('\n') != std::string::npos) {
        out << YAML::Literal << node.scalar;
      } else if (node.quoted) {
        out << YAML::DoubleQuoted << node.scalar;
      } else {
        out << node.scalar;
      }
      return;
    case YamlNode::Kind::kList: {
      bool all_scalars = true;
      for (const YamlNode& item : node.items) all_scalars &= item.is_scalar();
      if (all_scalars) out << YAML::Flow;
      out << YAML::BeginSeq;
      for (const YamlNode& item : node.items) Emit(item, out);
      out << YAML::EndSeq;
      return;
    }
    case YamlNode::Kind::kMap:
      out << YAML::BeginMap;
      for (const YamlEntry& entry : node.entries) {
        out << YAML::Key << entry.key << YAML::Value;
        Emit(entry.value, out);
      }
      out << YAML::EndMap;
      return;
  }
}

}  // namespace

Result<YamlNode> ParseYaml(std::string_view text, std::string_view file_name) {
  std::vector<YAML::Node> documents;
  try {
    documents = YAML::LoadAll(ProtectVariableBraces(text));
  } catch (const YAML::Exception& error) {
    return InvalidArgument(
        "{}:{}: YAML syntax error: {} (check the indentation and quoting on this line and the "
        "lines just above it)",
        file_name, error.mark.is_null() ? 0 : error.mark.line + 1, error.msg);
  } catch (const std::exception& error) {
    return InvalidArgument("{}: cannot parse as YAML: {}", file_name, error.what());
  }
  if (documents.empty()) return YamlNode();
  if (documents.size() > 1) {
    return InvalidArgument(
        "{}:{}: the file holds {} YAML documents (keep one per file: remove the '---' "
        "separator and what follows it, or move it to its own file)",
        file_name, LineOf(documents[1]), documents.size());
  }
  ConvertState state;
  YamlNode root = Convert(documents[0], state);
  if (state.bad_key_line != 0) {
    return InvalidArgument("{}:{}: a key is a list or map (keys must be plain names such as 'batch_size')", file_name,
                           state.bad_key_line);
  }
  return root;
}

std::string EmitYaml(const YamlNode& node) {
  YAML::Emitter out;
  out.SetIndent(2);
  Emit(node, out);
  std::string text = out.c_str();
  if (!text.empty() && text.back() != '\n') text += '\n';
  return text;
}

}  // namespace sluice::config
