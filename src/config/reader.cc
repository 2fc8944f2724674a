#include "config/reader.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>

#include "common/spelling.h"

namespace sluice::config {
namespace {

char Lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }


// Every character of `word`, in order, appears in `candidate` ("last_ts" in "last_timestamp").
bool IsSubsequence(std::string_view word, std::string_view candidate) {
  size_t candidate_idx = 0;
  for (char c : word) {
    while (candidate_idx < candidate.size() && Lower(candidate[candidate_idx]) != Lower(c)) ++candidate_idx;
    if (candidate_idx == candidate.size()) return false;
    ++candidate_idx;
  }
  return true;
}

std::string RangeText(int64_t min, int64_t max) {
  if (max == INT64_MAX) return fmt::format("a whole number of at least {}", min);
  return fmt::format("a whole number from {} to {}", min, max);
}

}  // namespace

std::vector<KeyHint> BelongsUnder(std::string_view section, const std::vector<std::string_view>& keys) {
  std::vector<KeyHint> hints;
  for (std::string_view key : keys) {
    hints.push_back(
        KeyHint{key, fmt::format("{} belongs under {}: write {}: {{{}: ...}}", key, section, section, key)});
  }
  return hints;
}

std::optional<std::string_view> ClosestMatch(std::string_view word, const std::vector<std::string_view>& candidates) {
  // Tiers, best first: same but for case; a prefix; an abbreviation; a few typos.
  auto tier = [word](std::string_view candidate) -> int {
    size_t distance = EditDistance(word, candidate);
    if (distance == 0) return 0;
    if (word.size() >= 4 && (candidate.starts_with(word) || word.starts_with(candidate))) return 1;
    if (word.size() >= 4 && IsSubsequence(word, candidate)) return 2;
    return distance <= std::max<size_t>(1, std::min(word.size(), candidate.size()) / 3) ? 3 : 4;
  };
  std::optional<std::string_view> best;
  std::pair<int, size_t> best_rank = {4, SIZE_MAX};
  for (std::string_view candidate : candidates) {
    std::pair<int, size_t> rank = {tier(candidate), EditDistance(word, candidate)};
    if (rank.first < 4 && rank < best_rank) {
      best = candidate;
      best_rank = rank;
    }
  }
  return best;
}

std::string JoinChoices(const std::vector<std::string_view>& choices, std::string_view last_separator) {
  std::string text;
  for (size_t idx = 0; idx < choices.size(); ++idx) {
    if (idx > 0) text += idx + 1 == choices.size() ? last_separator : std::string_view(", ");
    text += choices[idx];
  }
  return text;
}

MapReader::MapReader(const ReadContext& context, const YamlNode& node, int line, std::string path,
                     std::vector<std::string_view> known_keys, std::vector<KeyHint> hints)
    : context_(context), node_(node), line_(node.line > 0 ? node.line : line), path_(std::move(path)) {
  if (node.is_null()) return;  // an empty map
  if (!node.is_map() && path_.empty()) {
    ReportHere(
        fmt::format("expected the file to be a map of top-level keys, got {} (see docs/configuration.md "
                    "for the layout)",
                    KindName(node)));
    return;
  }
  if (!node.is_map()) {
    ReportHere(
        fmt::format("expected a map of key: value lines, got {} (indent the settings under '{}:', one "
                    "key: value per line)",
                    KindName(node), path_.substr(path_.rfind('.') + 1)));
    return;
  }
  is_map_ = true;
  line_ = line;
  CheckKeys(known_keys, hints);
}

void MapReader::CheckKeys(const std::vector<std::string_view>& known_keys, const std::vector<KeyHint>& hints) {
  std::map<std::string_view, int> first_line;
  for (const YamlEntry& entry : node_.entries) {
    auto [previous, inserted] = first_line.emplace(entry.key, entry.line);
    if (!inserted) {
      context_.problems->Add(context_.file, entry.line, KeyPath(entry.key),
                             fmt::format("set twice (first on line {}; keep one, or rename one)", previous->second));
      continue;
    }
    if (known_keys.empty() || std::ranges::find(known_keys, entry.key) != known_keys.end()) continue;
    auto hint = std::ranges::find(hints, std::string_view(entry.key), &KeyHint::key);
    std::string remedy;
    if (hint != hints.end()) {
      remedy = hint->text;
    } else if (std::optional<std::string_view> closest = ClosestMatch(entry.key, known_keys)) {
      remedy = fmt::format("did you mean '{}'?", *closest);
    } else {
      remedy = fmt::format("known keys here: {}", JoinChoices(known_keys, ", "));
    }
    context_.problems->Add(context_.file, entry.line, KeyPath(entry.key), fmt::format("unknown key ({})", remedy));
  }
}

MapReader MapReader::Child(std::string_view key, std::vector<std::string_view> known_keys,
                           std::vector<KeyHint> hints) const {
  static const YamlNode kEmpty;
  const YamlEntry* entry = Find(key);
  return MapReader(context_, entry ? entry->value : kEmpty, LineOf(key), KeyPath(key), std::move(known_keys),
                   std::move(hints));
}

MapReader MapReader::Child(const YamlEntry& entry, std::vector<std::string_view> known_keys,
                           std::vector<KeyHint> hints) const {
  return MapReader(context_, entry.value, entry.line, KeyPath(entry.key), std::move(known_keys), std::move(hints));
}

std::string MapReader::KeyPath(std::string_view key) const {
  return path_.empty() ? std::string(key) : fmt::format("{}.{}", path_, key);
}

const YamlEntry* MapReader::Find(std::string_view key) const {
  if (!is_map_) return nullptr;
  for (const YamlEntry& entry : node_.entries) {
    if (entry.key == key) return &entry;
  }
  return nullptr;
}

bool MapReader::Has(std::string_view key) const {
  const YamlEntry* entry = Find(key);
  return entry && !entry->value.is_null() && !(entry->value.is_scalar() && entry->value.scalar.empty());
}

int MapReader::LineOf(std::string_view key) const {
  const YamlEntry* entry = Find(key);
  return entry ? entry->line : line_;
}

int MapReader::ValueLine(const YamlEntry& entry) const {
  return entry.value.line > 0 && !entry.value.is_map() ? entry.value.line : entry.line;
}

std::vector<const YamlEntry*> MapReader::Entries() const {
  std::vector<const YamlEntry*> entries;
  for (const YamlEntry& entry : node_.entries) {
    if (Find(entry.key) == &entry) entries.push_back(&entry);
  }
  return entries;
}

void MapReader::Report(std::string_view key, std::string message) const {
  context_.problems->Add(context_.file, LineOf(key), KeyPath(key), std::move(message));
}

void MapReader::ReportHere(std::string message) const {
  context_.problems->Add(context_.file, line_, path_, std::move(message));
}

std::optional<std::string> MapReader::Text(std::string_view key, std::string_view expected) const {
  const YamlEntry* entry = Find(key);
  if (!entry || entry->value.is_null()) return std::nullopt;
  if (!entry->value.is_scalar()) {
    context_.problems->Add(context_.file, ValueLine(*entry), KeyPath(key),
                           fmt::format("expected {}, got {} (give {} one value, on the same line)", expected,
                                       KindName(entry->value), key));
    return std::nullopt;
  }
  Result<std::string> text = SubstituteVariables(entry->value.scalar, *context_.environment);
  if (!text.has_value()) {
    context_.problems->Add(context_.file, ValueLine(*entry), KeyPath(key), text.error().message());
    return std::nullopt;
  }
  if (text->empty()) return std::nullopt;
  return std::move(*text);
}

bool MapReader::String(std::string_view key, std::string* out) const {
  std::optional<std::string> text = Text(key, "a single value (text)");
  if (!text) return false;
  *out = std::move(*text);
  return true;
}

bool MapReader::Int(std::string_view key, int64_t* out, int64_t min, int64_t max) const {
  std::optional<std::string> text = Text(key, "a whole number");
  if (!text) return false;
  int64_t value = 0;
  auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (error == std::errc::result_out_of_range) {
    Report(key, fmt::format("{} is out of range (use {})", *text, RangeText(min, max)));
    return false;
  }
  if (error != std::errc() || end != text->data() + text->size()) {
    Report(key, fmt::format("expected a whole number, got '{}' (use {})", *text, RangeText(min, max)));
    return false;
  }
  if (value < min || value > max) {
    Report(key, fmt::format("{} is out of range (use {})", value, RangeText(min, max)));
    return false;
  }
  *out = value;
  return true;
}

bool MapReader::Int(std::string_view key, int* out, int min, int max) const {
  int64_t value = 0;
  if (!Int(key, &value, min, max)) return false;
  *out = static_cast<int>(value);
  return true;
}

bool MapReader::Double(std::string_view key, double* out, double min, double max) const {
  std::optional<std::string> text = Text(key, "a number");
  if (!text) return false;
  double value = 0;
  auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (error != std::errc() || end != text->data() + text->size() || !std::isfinite(value)) {
    Report(key, fmt::format("expected a number, got '{}' (use a number from {} to {}, e.g. 2.5)", *text, min, max));
    return false;
  }
  if (value < min || value > max) {
    Report(key, fmt::format("{} is out of range (use a number from {} to {})", *text, min, max));
    return false;
  }
  *out = value;
  return true;
}

bool MapReader::Bool(std::string_view key, bool* out) const {
  std::optional<std::string> text = Text(key, "true or false");
  if (!text) return false;
  if (*text == "true" || *text == "True" || *text == "TRUE") {
    *out = true;
    return true;
  }
  if (*text == "false" || *text == "False" || *text == "FALSE") {
    *out = false;
    return true;
  }
  Report(key,
         fmt::format("expected true or false, got '{}' (write true or false; yes/no/on/off are not accepted)", *text));
  return false;
}

bool MapReader::StringList(std::string_view key, std::vector<std::string>* out) const {
  const YamlEntry* entry = Find(key);
  if (!entry || entry->value.is_null()) return false;
  if (!entry->value.is_list()) {
    std::string example = entry->value.is_scalar() ? entry->value.scalar : "a, b";
    context_.problems->Add(
        context_.file, ValueLine(*entry), KeyPath(key),
        fmt::format("expected a list, got {} (write {}: [{}])", KindName(entry->value), key, example));
    return false;
  }
  std::vector<std::string> values;
  bool ok = true;
  for (size_t item_idx = 0; item_idx < entry->value.items.size(); ++item_idx) {
    const YamlNode& item = entry->value.items[item_idx];
    std::string item_path = fmt::format("{}[{}]", KeyPath(key), item_idx);
    int item_line = item.line > 0 ? item.line : entry->line;
    if (!item.is_scalar() || item.scalar.empty()) {
      context_.problems->Add(context_.file, item_line, item_path,
                             fmt::format("expected a name, got {} (write {}: [a, b])", KindName(item), key));
      ok = false;
      continue;
    }
    Result<std::string> text = SubstituteVariables(item.scalar, *context_.environment);
    if (!text.has_value()) {
      context_.problems->Add(context_.file, item_line, item_path, text.error().message());
      ok = false;
      continue;
    }
    values.push_back(std::move(*text));
  }
  if (ok) *out = std::move(values);
  return ok;
}

bool MapReader::Choice(std::string_view key, const std::vector<std::string_view>& choices, size_t* index) const {
  std::optional<std::string> text = Text(key, fmt::format("one of {}", JoinChoices(choices)));
  if (!text) return false;
  auto found = std::ranges::find(choices, std::string_view(*text));
  if (found != choices.end()) {
    *index = static_cast<size_t>(found - choices.begin());
    return true;
  }
  std::string message = fmt::format("'{}' is not one of {}", *text, JoinChoices(choices, ", "));
  if (std::optional<std::string_view> closest = ClosestMatch(*text, choices)) {
    message += fmt::format(" (did you mean '{}'?)", *closest);
  } else {
    message += " (use one of these, spelled exactly)";
  }
  Report(key, std::move(message));
  return false;
}

bool MapReader::Require(std::string_view key, std::string_view remedy) const {
  if (Has(key)) return true;
  const YamlEntry* entry = Find(key);
  Report(key, fmt::format("{} ({})", entry ? "is empty" : "missing", remedy));
  return false;
}

bool MapReader::RequireString(std::string_view key, std::string* out, std::string_view remedy) const {
  if (!Require(key, remedy)) return false;
  std::string value;
  if (String(key, &value)) {
    *out = std::move(value);
    return true;
  }
  const YamlEntry* entry = Find(key);
  if (entry->value.is_scalar() && SubstituteVariables(entry->value.scalar, *context_.environment).has_value()) {
    Report(key, fmt::format("is empty after substituting variables ({})", remedy));
  }
  return false;
}

}  // namespace sluice::config
