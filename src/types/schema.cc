#include "types/schema.h"

#include <fmt/format.h>

namespace sluice {

std::optional<size_t> Schema::FieldIndex(std::string_view name) const {
  for (size_t field_idx = 0; field_idx < fields.size(); ++field_idx) {
    if (fields[field_idx].name == name) return field_idx;
  }
  return std::nullopt;
}

std::string Schema::Fingerprint() const {
  // FNV-1a 64 over a canonical text form: stable across runs and builds.
  std::string canonical;
  for (const Field& field : fields) {
    canonical += fmt::format("{}:{}:{};", field.name, field.type.ToString(), field.nullable ? "null" : "not null");
  }
  canonical += "pk:";
  for (const std::string& column : primary_key) canonical += column + ",";
  uint64_t hash = 1469598103934665603ULL;
  for (unsigned char c : canonical) {
    hash ^= c;
    hash *= 1099511628211ULL;
  }
  return fmt::format("{:016x}", hash);
}

}  // namespace sluice
