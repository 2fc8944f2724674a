// EnumNames: one table per enum of its names as they appear in documents
// and output (a watermark's "extract.status", the run report's "status"),
// so each enum has exactly one ToString and one Parse, generated from it.
//
//   inline constexpr EnumNames<Color, 2> kColorNames{{{Color::kRed, "red"}, {Color::kBlue, "blue"}}};
//   kColorNames.Name(Color::kRed)   -> "red"
//   kColorNames.Parse("blue")       -> Color::kBlue; Parse("green") -> nullopt
//   kColorNames.List()              -> "red, blue"
//
// Thread-safety: constant data.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace sluice {

template <typename Enum, size_t N>
struct EnumNames {
  std::array<std::pair<Enum, std::string_view>, N> entries;

  // REQUIRES: `value` is in the table (every enumerator is).
  constexpr std::string_view Name(Enum value) const {
    for (const auto& [entry, name] : entries) {
      if (entry == value) return name;
    }
    return "?";
  }
  constexpr std::optional<Enum> Parse(std::string_view name) const {
    for (const auto& [entry, entry_name] : entries) {
      if (entry_name == name) return entry;
    }
    return std::nullopt;
  }
  // "never, running, success, failed": for "is not one of ..." errors.
  std::string List() const {
    std::string list;
    for (const auto& [entry, name] : entries) {
      if (!list.empty()) list += ", ";
      list += name;
    }
    return list;
  }
};

}  // namespace sluice
