#include "sync/context.h"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <chrono>
#include <filesystem>

#include <fmt/ranges.h>

#include "common/file.h"
#include "common/logging.h"
#include "store/prefixed_store.h"

namespace sluice::sync {
namespace {

constexpr std::string_view kSpoolPrefix = "sluice-spool-";
// A dead run's spool is removed only when nothing in it changed for this
// long, so a run in another PID namespace sharing the directory is safe.
constexpr auto kAbandonedAfter = std::chrono::hours(1);

// The pid in "sluice-spool-<pid>-<pipeline>", or 0.
pid_t SpoolOwner(const std::string& name) {
  if (!name.starts_with(kSpoolPrefix)) return 0;
  std::string_view rest = std::string_view(name).substr(kSpoolPrefix.size());
  pid_t pid = 0;
  auto [end, error] = std::from_chars(rest.data(), rest.data() + rest.size(), pid);
  if (error != std::errc() || end == rest.data() || end == rest.data() + rest.size() || *end != '-') return 0;
  return pid;
}

bool TouchedSince(const std::filesystem::path& directory, std::filesystem::file_time_type since) {
  std::error_code error;
  if (std::filesystem::last_write_time(directory, error) >= since || error) return true;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(directory, error)) {
    if (entry.last_write_time(error) >= since || error) return true;
  }
  return static_cast<bool>(error);
}

// Spool directories of runs killed before they could clean up (SIGKILL, a
// power cut) hold partial Parquet files; the next run on the host removes
// those whose process is gone and that nobody touched for an hour.
void RemoveAbandonedSpools(const std::filesystem::path& base) {
  std::error_code error;
  auto since = std::filesystem::file_time_type::clock::now() - kAbandonedAfter;
  for (const auto& entry : std::filesystem::directory_iterator(base, error)) {
    pid_t owner = SpoolOwner(entry.path().filename().string());
    if (owner <= 0 || owner == ::getpid() || !entry.is_directory(error)) continue;
    if (::kill(owner, 0) == 0 || errno != ESRCH) continue;  // alive, or not ours to judge
    if (TouchedSince(entry.path(), since)) continue;
    std::error_code ignored;
    std::filesystem::remove_all(entry.path(), ignored);
    if (!ignored) SLUICE_LOG_INFO("removed {}, the spool of a run (pid {}) that ended without cleaning up",
                                  entry.path().string(), owner);
  }
}

}  // namespace

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
    RemoveAbandonedSpools(base);
    std::string path = (base / fmt::format("{}{}-{}", kSpoolPrefix, ::getpid(), pipeline_->name)).string();
    SLUICE_RETURN_IF_ERROR(CreateDirectories(path));
    spool_directory_ = path;
  }
  return spool_directory_;
}

}  // namespace sluice::sync
