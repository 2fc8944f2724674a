// TableSync's load step: staged files → target (one transaction with the
// target's ledger) → watermark (staged_files → loaded_files).
#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "common/failpoint.h"
#include "common/logging.h"
#include "common/redact.h"
#include "state/rewind.h"
#include "sync/table_sync.h"
#include "types/temporal.h"

namespace sluice::sync {
namespace {

// Errors a damaged staged file can cause in a target (the target's own
// file checks, a reader failing on it); others (schema, connection) cannot.
bool MayBeAFileProblem(const Status& error) {
  switch (error.code()) {
    case StatusCode::kDataError:
    case StatusCode::kNotFound:
    case StatusCode::kIoError:
    case StatusCode::kInternal: return true;
    default: return false;
  }
}

}  // namespace

Status TableSync::Load(const LoadShape& shape) {
  Status status = LoadStagedFiles(shape);
  if (status.ok()) return status;
  state::Watermark& watermark = stored_.watermark;
  watermark.load.status = state::LoadStatus::kFailed;
  watermark.load.last_error = Redact(status.message());
  Status saved = SaveWatermark();
  if (!saved.ok()) SLUICE_LOG_WARN("table {}: could not record the failure: {}", table_.name, saved.message());
  return status;
}

Status TableSync::LoadStagedFiles(const LoadShape& shape) {
  state::Watermark& watermark = stored_.watermark;
  if (watermark.staged_files.empty()) return Status::Ok();
  SLUICE_RETURN_IF_ERROR(lease_->Check());
  SLUICE_ASSIGN_OR_RETURN(target::Target * target, parts_.target());
  SLUICE_RETURN_IF_ERROR(RewindOverUnloadableFile(*target, StagedCheck::kStore));
  if (watermark.staged_files.empty()) return Status::Ok();
  std::set<std::string> superseded;
  Result<target::LoadResult> loaded = LoadInTarget(*target, shape, superseded);
  if (!loaded.has_value() && MayBeAFileProblem(loaded.error())) {
    // Present and of the right size, yet perhaps unreadable: look inside before blaming the target.
    Result<bool> rewound = RewindOverUnloadableFile(*target, StagedCheck::kParquet);
    if (!rewound.has_value()) {
      SLUICE_LOG_WARN("table {}: checking the staged files after a failed load: {}", table_.name,
                      rewound.error().message());
    } else if (*rewound) {
      if (watermark.staged_files.empty()) return Status::Ok();
      superseded.clear();
      loaded = LoadInTarget(*target, shape, superseded);
    }
  }
  if (!loaded.has_value()) {
    const Status& error = loaded.error();
    if (!MayBeAFileProblem(error)) return error;
    // The checks cannot see every damage inside a file whose framing and size are intact.
    return Status(error.code(),
                  fmt::format("{}. If a staged file is damaged, `sluice files clean -p {} -t {} --include-staged "
                              "--force` forgets the waiting files and their rows are read again",
                              error.message(), parts_.pipeline->name, table_.name));
  }
  RecordLoaded(*loaded, superseded);
  if (!watermark.staged_files.empty()) {
    return Internal("table {}: the target did not account for {} staged files", table_.name,
                    watermark.staged_files.size());
  }
  return SaveWatermark();
}

Result<target::LoadResult> TableSync::LoadInTarget(target::Target& target, const LoadShape& shape,
                                                   std::set<std::string>& superseded) {
  const state::Watermark& watermark = stored_.watermark;
  target::LoadRequest request =
      LoadRequestFor(*parts_.pipeline, table_, shape.schema, shape.spec, run_.ExecutionId());
  // Asked of the store, not of the lease's last renewal: another run may have taken the table just now.
  request.fence = [this] {
    Status renewed = lease_->Renew();
    if (!renewed.ok()) {
      SLUICE_LOG_DEBUG("table {}: renewing the lease before commit: {}", table_.name, renewed.message());
    }
    return lease_->Check();
  };
  // Incremental tables without a key are warned about at extract (cdc::SpecWarnings); custom_sql here.
  if (request.mode == target::LoadMode::kAppend && table_.cdc_strategy == config::CdcStrategy::kCustomSql) {
    SLUICE_LOG_WARN("table {}: no primary key, so rows are appended; a row read twice (updates, lookback) "
                    "appears twice. Set primary_key to merge.",
                    table_.name);
  }
  // A replace loads only the newest complete copy; older staged copies are superseded.
  const std::string& newest_run = watermark.staged_files.back().run_id;
  for (const state::StagedFileEntry& entry : watermark.staged_files) {
    if (request.mode == target::LoadMode::kReplace && entry.run_id != newest_run) {
      superseded.insert(entry.key);
      continue;
    }
    request.files.push_back({entry.key, entry.rows, entry.bytes, entry.run_id});
  }
  Failpoint("load.before");
  Result<target::LoadResult> loaded = target.Load(request, *parts_.store);
  if (loaded.has_value()) Failpoint("load.after_commit");
  return loaded;
}

void TableSync::RecordLoaded(const target::LoadResult& loaded, const std::set<std::string>& superseded) {
  state::Watermark& watermark = stored_.watermark;
  for (const std::string& ddl : loaded.ddl) SLUICE_LOG_INFO("table {}: applied {}", table_.name, ddl);
  std::set<std::string> now_loaded(loaded.loaded_keys.begin(), loaded.loaded_keys.end());
  std::set<std::string> done = now_loaded;
  done.insert(loaded.already_loaded_keys.begin(), loaded.already_loaded_keys.end());
  done.insert(superseded.begin(), superseded.end());
  std::string now = NowIso();
  std::vector<state::StagedFileEntry> still_staged;
  for (state::StagedFileEntry& entry : watermark.staged_files) {
    if (!done.count(entry.key)) {
      still_staged.push_back(std::move(entry));
      continue;
    }
    if (now_loaded.count(entry.key)) result_.validation.expected_loaded_rows += entry.rows;
    watermark.loaded_files.push_back({entry.key, entry.rows, now});
  }
  watermark.staged_files = std::move(still_staged);
  if (watermark.loaded_files.size() > state::kLoadedFilesKept) {
    watermark.loaded_files.erase(watermark.loaded_files.begin(),
                                 watermark.loaded_files.end() - static_cast<long>(state::kLoadedFilesKept));
  }
  result_.rows_loaded += loaded.rows_in_files;
  result_.files_loaded += static_cast<int64_t>(loaded.loaded_keys.size());
  result_.validation.loaded_rows += loaded.rows_in_files;
  watermark.load.status = state::LoadStatus::kSuccess;
  watermark.load.last_error.reset();
  watermark.load.rows_loaded += loaded.rows_in_files;
  watermark.load.last_loaded_at = now;
  SLUICE_LOG_INFO("table {}: loaded {} files ({} rows read, {} rows written) into {}", table_.name,
                  loaded.loaded_keys.size(), loaded.rows_in_files, loaded.rows_written, table_.target_name);
}

Result<bool> TableSync::RewindOverUnloadableFile(target::Target& target, StagedCheck depth) {
  const state::Watermark& watermark = stored_.watermark;
  std::optional<std::set<std::string>> ledger;  // read only when needed
  auto in_ledger = [&](const std::string& key) -> Result<bool> {
    if (!ledger) {
      SLUICE_ASSIGN_OR_RETURN(ledger, target.LoadedFiles(parts_.pipeline->name, table_.name));
    }
    return ledger->count(key) > 0;
  };
  for (size_t index = 0; index < watermark.staged_files.size(); ++index) {
    const state::StagedFileEntry& entry = watermark.staged_files[index];
    if (depth == StagedCheck::kParquet) {
      SLUICE_ASSIGN_OR_RETURN(bool loaded, in_ledger(entry.key));  // not worth reading
      if (loaded) continue;
    }
    SLUICE_ASSIGN_OR_RETURN(std::optional<std::string> problem, FindStagedFileProblem(*parts_.store, entry, depth));
    if (!problem) continue;
    // A file the target already committed needs nothing from the store.
    SLUICE_ASSIGN_OR_RETURN(bool loaded, in_ledger(entry.key));
    if (loaded) continue;
    SLUICE_RETURN_IF_ERROR(RewindOver(index, *problem));
    return true;
  }
  return false;
}

Status TableSync::RewindOver(size_t index, const std::string& problem) {
  state::Watermark& watermark = stored_.watermark;
  SLUICE_ASSIGN_OR_RETURN(
      std::vector<state::StagedFileEntry> dropped,
      state::RewindOverStagedFile(watermark, index, IsFullSync(), problem, NowIso()));
  // Forgotten first, deleted after: a file the watermark no longer lists is never loaded.
  SLUICE_RETURN_IF_ERROR(SaveWatermark());
  const state::RewindRecord& rewind = *watermark.last_rewind;
  result_.rewinds.push_back(rewind);
  if (IsFullSync()) {
    SLUICE_LOG_WARN(
        "table {}: staged file '{}' {}; forgot its full copy ({} files, {} rows), so a new copy "
        "replaces it",
        table_.name, rewind.key, problem, rewind.files_dropped, rewind.rows_dropped);
  } else {
    SLUICE_LOG_WARN(
        "table {}: staged file '{}' {}; forgot it and every file staged after it ({} files, {} rows) "
        "and moved the cursor back to where its rows begin, so the next extract reads them again",
        table_.name, rewind.key, problem, rewind.files_dropped, rewind.rows_dropped);
  }
  for (const state::StagedFileEntry& entry : dropped) {
    Status deleted = parts_.store->Delete(entry.key);
    if (!deleted.ok()) {
      SLUICE_LOG_WARN("table {}: could not delete forgotten file '{}' ({}); `sluice files clean` removes it later",
                      table_.name, entry.key, deleted.message());
    }
  }
  return Status::Ok();
}

}  // namespace sluice::sync
