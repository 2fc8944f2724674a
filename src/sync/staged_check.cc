#include "sync/staged_check.h"

#include <fmt/format.h>

namespace sluice::sync {
namespace {

constexpr std::string_view kParquetMagic = "PAR1";
// "PAR1", the footer, its 4-byte length, "PAR1".
constexpr size_t kSmallestParquetBytes = 12;

std::optional<std::string> FindFramingProblem(std::string_view data) {
  if (data.size() < kSmallestParquetBytes || !data.starts_with(kParquetMagic) || !data.ends_with(kParquetMagic)) {
    return "is not a Parquet file (no PAR1 marker at its start and end)";
  }
  uint64_t footer_bytes = 0;  // little-endian uint32 before the closing marker
  for (size_t byte_idx = 0; byte_idx < 4; ++byte_idx) {
    footer_bytes |= uint64_t{static_cast<unsigned char>(data[data.size() - 8 + byte_idx])} << (8 * byte_idx);
  }
  if (footer_bytes > data.size() - kSmallestParquetBytes) {
    return fmt::format("is not a readable Parquet file (its footer claims {} of its {} bytes)", footer_bytes,
                       data.size());
  }
  return std::nullopt;
}

}  // namespace

Result<std::optional<std::string>> FindStagedFileProblem(store::ObjectStore& store, const state::StagedFileEntry& entry,
                                                         StagedCheck depth) {
  SLUICE_ASSIGN_OR_RETURN(std::optional<store::ObjectInfo> info, store.Head(entry.key));
  if (!info) return std::optional<std::string>("is missing from the store");
  if (info->size_bytes != entry.bytes) {
    return std::optional<std::string>(
        fmt::format("has {} bytes in the store but was staged with {}", info->size_bytes, entry.bytes));
  }
  if (depth == StagedCheck::kStore) return std::optional<std::string>();
  Result<store::Object> object = store.Get(entry.key);
  if (!object.has_value()) {
    if (object.error().code() == StatusCode::kNotFound) return std::optional<std::string>("is missing from the store");
    return object.error();
  }
  return FindFramingProblem(object->data);
}

}  // namespace sluice::sync
