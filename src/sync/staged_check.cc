#include "sync/staged_check.h"

#include <fmt/format.h>

namespace sluice::sync {
namespace {

constexpr std::string_view kParquetMagic = "PAR1";
// "PAR1", the footer, its 4-byte length, "PAR1".
constexpr size_t kSmallestParquetBytes = 12;

// `head`: the file's first 4 bytes; `tail`: its last 8; `size`: its bytes.
std::optional<std::string> FindFramingProblem(std::string_view head, std::string_view tail, uint64_t size) {
  if (size < kSmallestParquetBytes || !head.starts_with(kParquetMagic) || !tail.ends_with(kParquetMagic)) {
    return "is not a Parquet file (no PAR1 marker at its start and end)";
  }
  uint64_t footer_bytes = 0;  // little-endian uint32 before the closing marker
  for (size_t byte_idx = 0; byte_idx < 4; ++byte_idx) {
    footer_bytes |= uint64_t{static_cast<unsigned char>(tail[byte_idx])} << (8 * byte_idx);
  }
  if (footer_bytes > size - kSmallestParquetBytes) {
    return fmt::format("is not a readable Parquet file (its footer claims {} of its {} bytes)", footer_bytes, size);
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
  if (info->size_bytes < kSmallestParquetBytes) return FindFramingProblem("", "", info->size_bytes);
  // Both ends only: a staged file can be 128 MB and is never read whole here.
  Result<store::Object> head = store.GetRange(entry.key, 0, kParquetMagic.size());
  Result<store::Object> tail = head.has_value() ? store.GetRange(entry.key, info->size_bytes - 8, 8) : head;
  if (!tail.has_value()) {
    if (tail.error().code() == StatusCode::kNotFound) return std::optional<std::string>("is missing from the store");
    return tail.error();
  }
  return FindFramingProblem(head->data, tail->data, info->size_bytes);
}

}  // namespace sluice::sync
