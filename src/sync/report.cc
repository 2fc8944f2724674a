#include "sync/report.h"

#include <nlohmann/json.hpp>

#include "common/exit_code.h"
#include "common/redact.h"

namespace sluice::sync {

RunStatus RunReport::Status() const {
  size_t failed = 0;
  for (const auto& [name, result] : table_results) {
    if (result.status != TableStatus::kSuccess) ++failed;
  }
  if (failed == 0) return RunStatus::kSuccess;
  return failed == table_results.size() ? RunStatus::kFailed : RunStatus::kPartial;
}

int RunReport::ExitCode() const {
  std::vector<::sluice::Status> failures;
  for (const auto& [name, result] : table_results) {
    if (result.status != TableStatus::kSuccess) failures.push_back(result.error);
  }
  return RunExitCode(failures);
}

std::string RunReport::ToJson() const {
  nlohmann::ordered_json json;
  json["execution_id"] = execution_id;
  json["status"] = std::string(ToString(Status()));
  json["pipeline"] = pipeline;
  json["tables_requested"] = tables_requested;
  json["started_at"] = started_at;
  json["finished_at"] = finished_at;
  json["duration_seconds"] = duration_seconds;
  nlohmann::ordered_json tables = nlohmann::ordered_json::object();
  for (const auto& [name, result] : table_results) {
    nlohmann::ordered_json entry;
    entry["status"] = std::string(ToString(result.status));
    entry["rows_extracted"] = result.rows_extracted;
    entry["files_created"] = result.files_created;
    entry["bytes_staged"] = result.bytes_staged;
    entry["rows_loaded"] = result.rows_loaded;
    entry["files_loaded"] = result.files_loaded;
    entry["zero_dates_nulled"] = result.zero_dates_nulled;
    entry["null_cursor_rows"] = result.null_cursor_rows;
    entry["validation"] = {{"source_rows", result.validation.source_rows},
                           {"staged_rows", result.validation.staged_rows},
                           {"loaded_rows", result.validation.loaded_rows},
                           // Counts that agree prove nothing for a table whose run failed.
                           {"ok", result.status == TableStatus::kSuccess && result.validation.ok()}};
    entry["rewinds"] = nlohmann::ordered_json::array();
    for (const state::RewindRecord& rewind : result.rewinds) {
      entry["rewinds"].push_back({{"key", rewind.key},
                                  {"reason", rewind.reason},
                                  {"files_dropped", rewind.files_dropped},
                                  {"rows_dropped", rewind.rows_dropped}});
    }
    entry["duration_seconds"] = result.duration_seconds;
    entry["error"] = result.error.ok() ? nlohmann::ordered_json(nullptr)
                                       : nlohmann::ordered_json(Redact(result.error.message()));
    tables[name] = std::move(entry);
  }
  json["table_results"] = std::move(tables);
  return json.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

}  // namespace sluice::sync
