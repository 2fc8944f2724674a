// MapReader: reads one YAML map of the configuration into typed values,
// reporting every mistake to a Problems list instead of stopping.
//
// A reader is built over a map node with the keys that map may hold. On
// construction it reports a value that is not a map, keys set twice, and
// keys it does not know (with the closest known key as a suggestion).
// Its typed getters then:
//   - leave the output untouched when the key is absent or empty (so a
//     caller pre-fills defaults, or a pipeline's values a table overrides);
//   - substitute ${VAR} in the scalar first (config/env.h);
//   - report a wrong kind, a bad number, an out-of-range value or an
//     unknown choice, and return false.
// They return true when they stored a value.
//
// Thread-safety: one thread at a time; the node and context must outlive it.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/env.h"
#include "config/problems.h"
#include "config/yaml_tree.h"

namespace sluice::config {

// The file being read and where its problems go.
struct ReadContext {
  std::string file;  // as shown in messages, e.g. "config/pipelines/us_dw.yml"
  const Environment* environment = nullptr;
  Problems* problems = nullptr;
  // Report connections this build cannot serve (LoadOptions::refuse_unbuilt).
  bool refuse_unbuilt = false;
};

// A remedy for a key that is unknown here but means something elsewhere.
struct KeyHint {
  std::string_view key;
  std::string text;  // e.g. "batch_size belongs under processing:"
};

// Hints for each of `keys`: "<key> belongs under <section>: ...".
std::vector<KeyHint> BelongsUnder(std::string_view section, const std::vector<std::string_view>& keys);

// The candidate closest to `word` (edit distance, case-insensitive, or a
// prefix match), or nullopt when none is close enough to be a likely typo.
std::optional<std::string_view> ClosestMatch(std::string_view word, const std::vector<std::string_view>& candidates);

// "a, b or c".
std::string JoinChoices(const std::vector<std::string_view>& choices, std::string_view last_separator = " or ");

class MapReader {
 public:
  // `line` is where the map's key is (for an empty map and missing keys);
  // `path` the dotted key path of the map ("" at the top of a file).
  MapReader(const ReadContext& context, const YamlNode& node, int line, std::string path,
            std::vector<std::string_view> known_keys, std::vector<KeyHint> hints = {});

  const ReadContext& context() const { return context_; }
  const std::string& path() const { return path_; }
  int line() const { return line_; }
  // False when the node was not a map (already reported).
  bool is_map() const { return is_map_; }
  // "path.key".
  std::string KeyPath(std::string_view key) const;

  // A reader for the map under `key` (an empty map when absent).
  MapReader Child(std::string_view key, std::vector<std::string_view> known_keys,
                  std::vector<KeyHint> hints = {}) const;
  // A reader for the map that is `entry`'s value (an entry of this map).
  MapReader Child(const YamlEntry& entry, std::vector<std::string_view> known_keys,
                  std::vector<KeyHint> hints = {}) const;

  // The first entry for `key`, or nullptr.
  const YamlEntry* Find(std::string_view key) const;
  // Present with a non-empty value.
  bool Has(std::string_view key) const;
  // The line of `key`, or the map's line when absent.
  int LineOf(std::string_view key) const;
  // The entries in file order (first of each duplicated key only).
  std::vector<const YamlEntry*> Entries() const;

  bool String(std::string_view key, std::string* out) const;
  bool Int(std::string_view key, int64_t* out, int64_t min, int64_t max) const;
  bool Int(std::string_view key, int* out, int min, int max) const;
  bool Double(std::string_view key, double* out, double min, double max) const;
  bool Bool(std::string_view key, bool* out) const;
  bool StringList(std::string_view key, std::vector<std::string>* out) const;
  // One of `choices`; stores its index.
  bool Choice(std::string_view key, const std::vector<std::string_view>& choices, size_t* index) const;
  template <typename Enum>
  bool EnumValue(std::string_view key, Enum* out, std::initializer_list<Enum> values) const {
    std::vector<std::string_view> names;
    for (Enum value : values) names.push_back(ToString(value));
    size_t index = 0;
    if (!Choice(key, names, &index)) return false;
    *out = *(values.begin() + index);
    return true;
  }

  // Reports `key` as missing (with `remedy`) unless Has(key).
  bool Require(std::string_view key, std::string_view remedy) const;
  // String() for a key that must be set: reports it missing or empty.
  bool RequireString(std::string_view key, std::string* out, std::string_view remedy) const;
  // Reports a problem about `key` at its line ("what is wrong (remedy)").
  void Report(std::string_view key, std::string message) const;
  // Reports a problem about the map itself.
  void ReportHere(std::string message) const;

 private:
  void CheckKeys(const std::vector<std::string_view>& known_keys, const std::vector<KeyHint>& hints);
  // The substituted scalar text, or nullopt when absent, empty or bad (reported).
  std::optional<std::string> Text(std::string_view key, std::string_view expected) const;
  int ValueLine(const YamlEntry& entry) const;

  const ReadContext& context_;
  const YamlNode& node_;
  int line_;
  std::string path_;
  bool is_map_ = false;
};

}  // namespace sluice::config
