// Spelling help for error messages: "did you mean" and "close names".
//
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace sluice {

// ASCII lower case ("Orders" -> "orders"); other bytes unchanged.
std::string AsciiLower(std::string_view text);

// Optimal string alignment distance, ASCII case-insensitive: insertions,
// deletions, substitutions and swaps of neighbours each count one.
size_t EditDistance(std::string_view a, std::string_view b);

// What to tell a user who named `wanted` among `names`: "close names: orders,
// order_items" (near misses, closest first), else "<kind>: a, b, c", at most
// ten names then ", ..."; `when_empty` when there are no names at all.
std::string DescribeAlternatives(std::string_view wanted, const std::vector<std::string>& names,
                                 std::string_view kind, std::string_view when_empty);

}  // namespace sluice
