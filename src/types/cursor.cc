#include "types/cursor.h"

#include <charconv>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "types/temporal.h"

namespace sluice {
namespace {

// One half of an LSN: 1 to 8 hexadecimal digits.
std::optional<uint32_t> ParseLsnHalf(std::string_view digits) {
  if (digits.empty() || digits.size() > 8) return std::nullopt;
  uint32_t value = 0;
  auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value, 16);
  if (error != std::errc() || end != digits.data() + digits.size()) return std::nullopt;
  return value;
}

}  // namespace

Result<Lsn> Lsn::Parse(std::string_view text) {
  size_t slash = text.find('/');
  std::optional<uint32_t> high = slash == std::string_view::npos ? std::nullopt : ParseLsnHalf(text.substr(0, slash));
  std::optional<uint32_t> low = high ? ParseLsnHalf(text.substr(slash + 1)) : std::nullopt;
  if (!low) {
    return InvalidArgument(
        "'{}' is not a PostgreSQL LSN (two hexadecimal numbers of up to 8 digits, X/Y, as in 0/16B3748)", text);
  }
  return Lsn{.value = (static_cast<uint64_t>(*high) << 32) | *low, .text = std::string(text)};
}

std::string ToString(const LogPosition& position) {
  if (const Lsn* lsn = std::get_if<Lsn>(&position)) return "lsn " + lsn->text;
  const BinlogPosition& binlog = std::get<BinlogPosition>(position);
  std::string text = fmt::format("{}:{}", binlog.file, binlog.position);
  if (!binlog.gtid.empty()) text += " gtid " + binlog.gtid;
  return text;
}

std::string ToString(const CopyProgress& copy) {
  if (copy.heap) {
    return fmt::format("in heap order from page {} up to {}", copy.heap->next_page,
                       FormatTimestampIso(copy.ceiling_micros));
  }
  std::vector<std::string> values;
  for (const Value& value : copy.after) values.push_back(value.ToString());
  std::string key = values.empty() ? "the start" : values.size() == 1 ? values[0] : fmt::format("({})", fmt::join(values, ", "));
  return fmt::format("in primary-key order after {} up to {}", key, FormatTimestampIso(copy.ceiling_micros));
}

void PrintTo(const Cursor& cursor, std::ostream* out) {
  *out << "{timestamp_micros: " << (cursor.timestamp_micros ? std::to_string(*cursor.timestamp_micros) : "null")
       << ", id: " << cursor.id.ToString();
  if (cursor.log) *out << ", log: " << ToString(*cursor.log);
  if (cursor.snapshot) *out << ", snapshot: " << cursor.snapshot->state << " at " << cursor.snapshot->taken_at_micros;
  if (cursor.copy) *out << ", copy: " << ToString(*cursor.copy);
  *out << "}";
}

}  // namespace sluice
