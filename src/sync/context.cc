#include "sync/context.h"

#include <unistd.h>

#include <filesystem>

#include <fmt/ranges.h>

#include "common/file.h"
#include "store/prefixed_store.h"

namespace sluice::sync {

Result<std::unique_ptr<PipelineContext>> PipelineContext::Open(const config::Config& config,
                                                               const std::string& pipeline,
                                                               target::TargetAccess target_access) {
  const config::PipelineConfig* found = config.FindPipeline(pipeline);
  if (!found) {
    std::vector<std::string> names;
    for (const config::PipelineConfig& candidate : config.pipelines) names.push_back(candidate.name);
    return NotFound("pipeline '{}' is not configured in {} (pipelines: {})", pipeline, config.dir,
                    names.empty() ? "none" : fmt::format("{}", fmt::join(names, ", ")));
  }
  std::unique_ptr<PipelineContext> context(new PipelineContext());
  context->config_ = &config;
  context->pipeline_ = found;
  context->target_access_ = target_access;
  SLUICE_ASSIGN_OR_RETURN(std::unique_ptr<store::ObjectStore> base, store::OpenStore(config.StoreOf(*found)));
  context->store_ = std::make_unique<store::PrefixedStore>(std::move(base), found->staging.prefix);
  context->watermarks_ = state::WatermarkStore(context->store_.get());
  return context;
}

PipelineContext::~PipelineContext() {
  if (!spool_directory_.empty()) {
    std::error_code ignored;
    std::filesystem::remove_all(spool_directory_, ignored);
  }
}

Result<source::Source*> PipelineContext::source() {
  if (!source_) {
    SLUICE_ASSIGN_OR_RETURN(source_, source::OpenSource(config_->SourceOf(*pipeline_)));
  }
  return source_.get();
}

Result<target::Target*> PipelineContext::target() {
  if (!target_) {
    SLUICE_ASSIGN_OR_RETURN(target_, target::OpenTarget(config_->TargetOf(*pipeline_), target_access_));
  }
  return target_.get();
}

Result<const config::TableConfig*> PipelineContext::FindTable(const std::string& table) const {
  std::vector<std::string> names;
  for (const config::TableConfig& candidate : pipeline_->tables) {
    if (candidate.name == table) return &candidate;
    names.push_back(candidate.name);
  }
  return NotFound("table '{}' is not in pipeline '{}' (tables: {})", table, pipeline_->name,
                  fmt::format("{}", fmt::join(names, ", ")));
}

Result<std::string> PipelineContext::SpoolDirectory() {
  if (spool_directory_.empty()) {
    std::error_code error;
    std::filesystem::path base = std::filesystem::temp_directory_path(error);
    if (error) base = "/tmp";
    std::string path = (base / fmt::format("sluice-spool-{}-{}", ::getpid(), pipeline_->name)).string();
    SLUICE_RETURN_IF_ERROR(CreateDirectories(path));
    spool_directory_ = path;
  }
  return spool_directory_;
}

}  // namespace sluice::sync
