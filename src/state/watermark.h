// Watermark: one table's progress, a JSON document in the store at
// watermarks/<pipeline>/<table>.json (SPEC §4; docs/watermark.md).
//
// Rules it carries:
//   - `cursor` advances only over rows whose file is durably staged.
//   - a file moves from `staged_files` to `loaded_files` only after the
//     target committed it (the target's ledger is the authority).
//   - `pending_files` are files of a full_sync run still extracting; they
//     become loadable (staged) together when the run's extract completes.
//   - `lease_epoch` is the epoch of the lease of the last writer; a writer
//     holding an older epoch is refused (fencing).
//   - `generation` grows by one with every save, so no two saves write the
//     same bytes and a compare-and-swap cannot be fooled by an identical
//     rewrite (store/object_store.h, "Versions").
//
// WatermarkStore reads and writes the document with compare-and-swap.
// Thread-safety: value type; WatermarkStore is thread-compatible.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/enum_names.h"
#include "store/object_store.h"
#include "types/cursor.h"
#include "types/schema.h"

namespace sluice::state {

inline constexpr int kWatermarkVersion = 1;
// loaded_files keeps this many most recent entries; the target's ledger keeps all.
inline constexpr size_t kLoadedFilesKept = 200;

// extract.status: "never" before the first run, "running" while one
// extracts (a dead run leaves it), then "success" or "failed".
enum class ExtractStatus { kNever, kRunning, kSuccess, kFailed };
inline constexpr EnumNames<ExtractStatus, 4> kExtractStatusNames{{{{ExtractStatus::kNever, "never"},
                                                                   {ExtractStatus::kRunning, "running"},
                                                                   {ExtractStatus::kSuccess, "success"},
                                                                   {ExtractStatus::kFailed, "failed"}}}};
inline std::string_view ToString(ExtractStatus status) { return kExtractStatusNames.Name(status); }

// load.status: "never", then "success" or "failed".
enum class LoadStatus { kNever, kSuccess, kFailed };
inline constexpr EnumNames<LoadStatus, 3> kLoadStatusNames{
    {{{LoadStatus::kNever, "never"}, {LoadStatus::kSuccess, "success"}, {LoadStatus::kFailed, "failed"}}}};
inline std::string_view ToString(LoadStatus status) { return kLoadStatusNames.Name(status); }

using Cursor = ::sluice::Cursor;  // types/cursor.h
using Lookback = ::sluice::Lookback;

struct StagedFileEntry {
  std::string key;
  int64_t rows = 0;
  uint64_t bytes = 0;
  std::string run_id;
  std::string staged_at;  // ISO UTC
  // The cursor before the file's first row and after its last (incremental
  // strategies). Going back to cursor_before re-reads exactly this file's
  // rows and everything after them (state/rewind.h). nullopt for full copies
  // and for files staged by a sluice that did not record it.
  std::optional<Cursor> cursor_before = std::nullopt;
  std::optional<Cursor> cursor_after = std::nullopt;
  friend bool operator==(const StagedFileEntry&, const StagedFileEntry&) = default;
};

struct LoadedFileEntry {
  std::string key;
  int64_t rows = 0;
  std::string loaded_at;
  friend bool operator==(const LoadedFileEntry&, const LoadedFileEntry&) = default;
};

struct ExtractState {
  ExtractStatus status = ExtractStatus::kNever;
  int64_t total_rows = 0;
  int64_t last_session_rows = 0;
  std::string last_started_at;
  std::string last_finished_at;
  std::optional<std::string> last_error;
  std::string last_run_id;
  std::string last_success_at;  // when an extract last finished without error
  friend bool operator==(const ExtractState&, const ExtractState&) = default;
};

struct LoadState {
  LoadStatus status = LoadStatus::kNever;
  int64_t rows_loaded = 0;
  std::string last_loaded_at;
  std::optional<std::string> last_error;
  friend bool operator==(const LoadState&, const LoadState&) = default;
};

// Why the cursor last went back over staged files that were not loaded
// (state/rewind.h): which file, why, and what was given up to the source.
struct RewindRecord {
  std::string at;      // ISO UTC
  std::string key;     // the first file forgotten
  std::string reason;  // "missing from the store", "cleaned by `files clean`", ...
  int64_t files_dropped = 0;
  int64_t rows_dropped = 0;
  std::optional<Cursor> cursor;  // where the cursor went; nullopt for a full copy (no cursor)
  friend bool operator==(const RewindRecord&, const RewindRecord&) = default;
};

struct Watermark {
  int version = kWatermarkVersion;
  std::string pipeline;
  std::string table;
  std::string cdc_strategy;
  Cursor cursor;
  // What the next run re-reads behind the cursor (cdc/lookback.h); empty
  // without a lookback and in documents of older versions.
  Lookback lookback;
  ExtractState extract;
  std::vector<StagedFileEntry> staged_files;
  std::vector<StagedFileEntry> pending_files;
  std::vector<LoadedFileEntry> loaded_files;
  LoadState load;
  std::string schema_fingerprint;
  // The source schema the staged files were written with, so a load needs
  // no source (sync --load-only). Absent in documents of older versions.
  std::optional<Schema> schema;
  std::optional<RewindRecord> last_rewind;  // absent until the first rewind
  int64_t lease_epoch = 0;
  // Saves so far (WatermarkStore::Save sets it); 0 in documents written
  // before it existed, which do not have the field.
  int64_t generation = 0;
  friend bool operator==(const Watermark&, const Watermark&) = default;
};

// Pretty JSON (2-space indent), fields in the order SPEC §4 shows.
std::string WatermarkToJson(const Watermark& watermark);
// `origin` names the document in errors (its key).
Result<Watermark> WatermarkFromJson(std::string_view json, const std::string& origin);

// "watermarks/<pipeline>/<table>.json"
std::string WatermarkKey(const std::string& pipeline, const std::string& table);

struct VersionedWatermark {
  Watermark watermark;
  std::string version;  // store version; empty when the document does not exist yet
};

class WatermarkStore {
 public:
  explicit WatermarkStore(store::ObjectStore* store) : store_(store) {}
  // A fresh Watermark (version "") when none is stored. A document that
  // cannot be read (not JSON, a field malformed, filed under another table)
  // is a DataError naming the file, the field, and the remedy (`watermark
  // reset`); a newer format version is NotSupported ("upgrade sluice").
  Result<VersionedWatermark> Load(const std::string& pipeline, const std::string& table);
  // Writes `watermark` if the stored version is still `expected_version`
  // ("" = must not exist) and its lease_epoch is not newer than ours, with
  // the next generation (set in `watermark` once written); returns the new
  // version. Conflict otherwise.
  Result<std::string> Save(Watermark& watermark, const std::string& expected_version);
  // Writes `watermark` over a stored document that cannot be read (or
  // creates it when none is stored), unless the document changed since (a
  // compare-and-swap on the unreadable version) or reads again (Conflict).
  // For `watermark reset`, holding the table's lease; `watermark.lease_epoch`
  // should be that lease's epoch. Fencing by the stored epoch is impossible:
  // it cannot be read.
  Result<std::string> ReplaceUnreadable(Watermark& watermark);
  Status Delete(const std::string& pipeline, const std::string& table);
  // Tables that have a watermark in this pipeline.
  Result<std::vector<std::string>> ListTables(const std::string& pipeline);

 private:
  store::ObjectStore* store_;
};

}  // namespace sluice::state
