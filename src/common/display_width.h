// The width of text on a terminal, for tables printed in columns
// (`schema show`): a name in Chinese or with accents must line up with
// one in ASCII, so columns are padded by display width, not by bytes.
//
// Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace sluice {

// Terminal columns `utf8` takes, as wcwidth() counts them in a UTF-8
// locale: 2 for East Asian wide and fullwidth characters (CJK, Hangul,
// kana, fullwidth forms, most emoji), 0 for combining marks and zero-width
// characters, 1 for the rest. A byte that is not valid UTF-8 counts 1.
size_t DisplayWidth(std::string_view utf8);

// `text` followed by spaces up to `width` columns; text already as wide or
// wider is returned as is.
std::string PadToWidth(std::string_view text, size_t width);

}  // namespace sluice
