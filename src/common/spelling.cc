#include "common/spelling.h"

#include <algorithm>
#include <utility>

#include <fmt/format.h>

namespace sluice {
namespace {

char LowerChar(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

}  // namespace

std::string AsciiLower(std::string_view text) {
  std::string lower(text);
  for (char& c : lower) c = LowerChar(c);
  return lower;
}

size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<std::vector<size_t>> distance(a.size() + 1, std::vector<size_t>(b.size() + 1));
  for (size_t a_idx = 0; a_idx <= a.size(); ++a_idx) distance[a_idx][0] = a_idx;
  for (size_t b_idx = 0; b_idx <= b.size(); ++b_idx) distance[0][b_idx] = b_idx;
  for (size_t a_idx = 1; a_idx <= a.size(); ++a_idx) {
    for (size_t b_idx = 1; b_idx <= b.size(); ++b_idx) {
      size_t cost = LowerChar(a[a_idx - 1]) == LowerChar(b[b_idx - 1]) ? 0 : 1;
      distance[a_idx][b_idx] = std::min(
          {distance[a_idx - 1][b_idx] + 1, distance[a_idx][b_idx - 1] + 1, distance[a_idx - 1][b_idx - 1] + cost});
      if (a_idx > 1 && b_idx > 1 && LowerChar(a[a_idx - 1]) == LowerChar(b[b_idx - 2]) &&
          LowerChar(a[a_idx - 2]) == LowerChar(b[b_idx - 1])) {
        distance[a_idx][b_idx] = std::min(distance[a_idx][b_idx], distance[a_idx - 2][b_idx - 2] + 1);
      }
    }
  }
  return distance[a.size()][b.size()];
}

std::string DescribeAlternatives(std::string_view wanted, const std::vector<std::string>& names,
                                 std::string_view kind, std::string_view when_empty) {
  if (names.empty()) return std::string(when_empty);
  std::string wanted_lower = AsciiLower(wanted);
  std::vector<std::pair<size_t, std::string>> close;
  for (const std::string& name : names) {
    std::string lower = AsciiLower(name);
    size_t distance = EditDistance(wanted_lower, lower);
    bool contains = lower.find(wanted_lower) != std::string::npos || wanted_lower.find(lower) != std::string::npos;
    if (distance <= std::max<size_t>(2, wanted.size() / 3) || contains) close.emplace_back(distance, name);
  }
  std::sort(close.begin(), close.end());
  constexpr size_t kMaxListed = 10;
  size_t available = close.empty() ? names.size() : close.size();
  std::string listed;
  for (size_t idx = 0; idx < std::min(kMaxListed, available); ++idx) {
    listed += (idx == 0 ? "" : ", ") + (close.empty() ? names[idx] : close[idx].second);
  }
  if (available > kMaxListed) listed += ", ...";
  return fmt::format("{}: {}", close.empty() ? kind : "close names", listed);
}

}  // namespace sluice
