// WatermarkStore: the watermark document in the object store, written with
// compare-and-swap and fenced by lease epoch.
#include <algorithm>

#include "state/names.h"
#include "state/watermark.h"

namespace sluice::state {
namespace {

constexpr std::string_view kWatermarksFolder = "watermarks/";
constexpr std::string_view kJsonSuffix = ".json";

store::PutCondition ConditionFor(const std::string& expected_version) {
  store::PutCondition condition;
  if (expected_version.empty())
    condition.if_absent = true;
  else
    condition.if_version = expected_version;
  return condition;
}

// Conflict unless the stored document is at `expected_version` and was not
// written under a newer lease epoch than `epoch`. Returns its generation
// (0 when there is none).
Result<int64_t> CheckStored(store::ObjectStore& store, const std::string& key, const std::string& expected_version,
                            int64_t epoch) {
  Result<store::Object> stored = store.Get(key);
  if (!stored.has_value() && stored.error().code() != StatusCode::kNotFound) return stored.error();
  if (!stored.has_value()) {
    if (expected_version.empty()) return int64_t{0};
    return Conflict(
        "{} was deleted after this run read it (by `watermark reset` or another run); "
        "not writing it back",
        key);
  }
  if (expected_version.empty()) {
    return Conflict("{} was created by another run or command after this run found none; reload it and retry", key);
  }
  if (stored->version != expected_version) {
    return Conflict("{} was changed by another run or command after this run read it (version {}, expected {})", key,
                    stored->version, expected_version);
  }
  Result<Watermark> current = WatermarkFromJson(stored->data, key);
  if (!current.has_value()) return current.error().WithContext("checking the stored watermark before replacing it");
  if (current->lease_epoch > epoch) {
    return Conflict(
        "{}: refusing to write with lease epoch {}: the stored watermark was written under epoch {}, "
        "so another run has taken over this table's lease since; this run must stop",
        key, epoch, current->lease_epoch);
  }
  return current->generation;
}

}  // namespace

std::string WatermarkKey(const std::string& pipeline, const std::string& table) {
  return std::string(kWatermarksFolder) + pipeline + "/" + table + std::string(kJsonSuffix);
}

Result<VersionedWatermark> WatermarkStore::Load(const std::string& pipeline, const std::string& table) {
  std::string key = WatermarkKey(pipeline, table);
  SLUICE_RETURN_IF_ERROR(internal::ValidateDocumentNames(pipeline, table, key));
  Result<store::Object> stored = store_->Get(key);
  if (!stored.has_value()) {
    if (stored.error().code() != StatusCode::kNotFound) return stored.error();
    VersionedWatermark fresh;
    fresh.watermark.pipeline = pipeline;
    fresh.watermark.table = table;
    return fresh;
  }
  Result<Watermark> watermark = WatermarkFromJson(stored->data, store_->Locate(key));
  if (watermark.has_value() && (watermark->pipeline != pipeline || watermark->table != table)) {
    watermark = DataError("{}: the document is for table '{}' of pipeline '{}', not table '{}' of pipeline '{}'",
                          store_->Locate(key), watermark->table, watermark->pipeline, table, pipeline);
  }
  if (!watermark.has_value()) {
    if (watermark.error().code() != StatusCode::kDataError) return watermark.error();  // e.g. "upgrade sluice"
    return DataError(
        "the watermark of table {} of pipeline {} cannot be read: {}; repair the file, or start the table over "
        "with `sluice watermark reset -p {} -t {} --yes` (the next sync then extracts the whole table again)",
        table, pipeline, watermark.error().message(), pipeline, table);
  }
  return VersionedWatermark{std::move(*watermark), std::move(stored->version)};
}

Result<std::string> WatermarkStore::ReplaceUnreadable(Watermark& watermark) {
  std::string key = WatermarkKey(watermark.pipeline, watermark.table);
  SLUICE_RETURN_IF_ERROR(internal::ValidateDocumentNames(watermark.pipeline, watermark.table, key));
  Result<store::Object> stored = store_->Get(key);
  if (!stored.has_value() && stored.error().code() == StatusCode::kNotFound) return Save(watermark, "");
  if (!stored.has_value()) return stored.error();
  Result<Watermark> current = WatermarkFromJson(stored->data, key);
  if (current.has_value() && current->pipeline == watermark.pipeline && current->table == watermark.table) {
    return Conflict("{} can be read (another command or run rewrote it); load it and save over its version", key);
  }
  // Nothing of the unreadable document is kept, so its generation is unknown;
  // the caller's lease epoch, new to this table, keeps these bytes unique.
  Watermark next = watermark;
  next.generation = watermark.generation + 1;
  store::PutCondition condition;
  condition.if_version = stored->version;
  Result<store::ObjectInfo> written = store_->Put(key, WatermarkToJson(next), condition);
  if (!written.has_value()) return written.error().WithContext(fmt::format("replacing {}", key));
  watermark.generation = next.generation;
  return std::move(written->version);
}

Result<std::string> WatermarkStore::Save(Watermark& watermark, const std::string& expected_version) {
  std::string key = WatermarkKey(watermark.pipeline, watermark.table);
  SLUICE_RETURN_IF_ERROR(internal::ValidateDocumentNames(watermark.pipeline, watermark.table, key));
  SLUICE_ASSIGN_OR_RETURN(int64_t stored_generation,
                          CheckStored(*store_, key, expected_version, watermark.lease_epoch));
  // A new generation makes these bytes differ from every earlier version's,
  // so no store (S3: ETag = digest) can give this write an old version back.
  Watermark next = watermark;
  next.generation = std::max(stored_generation, watermark.generation) + 1;
  // The compare-and-swap makes the check above hold at the moment of writing.
  Result<store::ObjectInfo> written = store_->Put(key, WatermarkToJson(next), ConditionFor(expected_version));
  if (!written.has_value()) return written.error().WithContext(fmt::format("saving {}", key));
  watermark.generation = next.generation;
  return std::move(written->version);
}

Status WatermarkStore::Delete(const std::string& pipeline, const std::string& table) {
  std::string key = WatermarkKey(pipeline, table);
  SLUICE_RETURN_IF_ERROR(internal::ValidateDocumentNames(pipeline, table, key));
  return store_->Delete(key);
}

Result<std::vector<std::string>> WatermarkStore::ListTables(const std::string& pipeline) {
  SLUICE_RETURN_IF_ERROR(internal::ValidatePipelineName(pipeline));
  std::string prefix = std::string(kWatermarksFolder) + pipeline + "/";
  SLUICE_ASSIGN_OR_RETURN(std::vector<store::ObjectInfo> objects, store_->List(prefix));
  std::vector<std::string> tables;
  for (const store::ObjectInfo& object : objects) {
    std::string_view name = std::string_view(object.key).substr(prefix.size());
    if (name.find('/') != std::string_view::npos || !name.ends_with(kJsonSuffix)) continue;
    name.remove_suffix(kJsonSuffix.size());
    if (!name.empty()) tables.emplace_back(name);
  }
  std::sort(tables.begin(), tables.end());
  return tables;
}

}  // namespace sluice::state
