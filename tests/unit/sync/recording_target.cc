#include "recording_target.h"

#include "connect/open.h"

namespace sluice::testing {

Result<target::Target*> RecordingTarget::Inner() {
  if (!inner_) {
    config::TargetConnection connection;
    connection.name = "warehouse";
    connection.type = config::TargetType::kDuckDb;
    connection.path = database_path_;
    connection.schema = "main";
    SLUICE_ASSIGN_OR_RETURN(inner_, target::OpenTarget(connection));
  }
  return inner_.get();
}

Result<std::set<std::string>> RecordingTarget::LoadedFiles(const std::string& pipeline,
                                                           const std::string& source_table) {
  SLUICE_ASSIGN_OR_RETURN(target::Target * inner, Inner());
  return inner->LoadedFiles(pipeline, source_table);
}

Result<std::vector<std::string>> RecordingTarget::PlanDdl(const target::LoadRequest& request) {
  SLUICE_ASSIGN_OR_RETURN(target::Target * inner, Inner());
  return inner->PlanDdl(request);
}

Result<target::LoadResult> RecordingTarget::Load(const target::LoadRequest& request, store::ObjectStore& store) {
  requests_.push_back(request);
  if (load_hook_) load_hook_();
  if (fail_before_) {
    Status failure = std::move(*fail_before_);
    fail_before_.reset();
    return failure;
  }
  SLUICE_ASSIGN_OR_RETURN(target::Target * inner, Inner());
  SLUICE_ASSIGN_OR_RETURN(target::LoadResult result, inner->Load(request, store));
  files_read_.insert(files_read_.end(), result.loaded_keys.begin(), result.loaded_keys.end());
  if (fail_after_) {
    Status failure = std::move(*fail_after_);
    fail_after_.reset();
    return failure;
  }
  return result;
}

Result<int64_t> RecordingTarget::CountRows(const std::string& target_table) {
  SLUICE_ASSIGN_OR_RETURN(target::Target * inner, Inner());
  return inner->CountRows(target_table);
}

Result<std::string> RecordingTarget::ServerVersion() {
  SLUICE_ASSIGN_OR_RETURN(target::Target * inner, Inner());
  return inner->ServerVersion();
}

}  // namespace sluice::testing
