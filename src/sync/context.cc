#include "sync/context.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <chrono>
#include <filesystem>

#include <fmt/ranges.h>

#include "common/file.h"
#include "common/logging.h"
#include "common/process.h"
#include "connect/open.h"
#include "store/prefixed_store.h"
#include "sync/table_plan.h"

namespace sluice::sync {
namespace {

constexpr std::string_view kSpoolPrefix = "sluice-spool-";
// Held (flock) by the run that owns a spool for as long as it lives.
constexpr std::string_view kSpoolLock = ".lock";
// How long a spool must be untouched before it may be removed: a minute
// when its lock proves nobody holds it (covers a run between creating the
// directory and locking it), an hour for one without a lock file.
constexpr std::chrono::seconds kUnlockedAfter{60};
constexpr std::chrono::seconds kLocklessAfter{3600};

// The pid in "sluice-spool-<pid>-<pipeline>", or 0.
pid_t SpoolOwner(const std::string& name) {
  if (!name.starts_with(kSpoolPrefix)) return 0;
  std::string_view rest = std::string_view(name).substr(kSpoolPrefix.size());
  pid_t pid = 0;
  auto [end, error] = std::from_chars(rest.data(), rest.data() + rest.size(), pid);
  if (error != std::errc() || end == rest.data() || end == rest.data() + rest.size() || *end != '-') return 0;
  return pid;
}

// Whether anything in `directory` changed after `since` (or cannot be told).
bool TouchedSince(const std::filesystem::path& directory, std::filesystem::file_time_type since) {
  std::error_code error;
  if (std::filesystem::last_write_time(directory, error) >= since || error) return true;
  std::filesystem::recursive_directory_iterator it(directory, error);
  for (; !error && it != std::filesystem::recursive_directory_iterator(); it.increment(error)) {
    if (it->last_write_time(error) >= since || error) return true;
  }
  return static_cast<bool>(error);
}

// Whether the spool's lock file exists and nobody holds it.
enum class LockState { kHeld, kFree, kMissing };
LockState SpoolLockState(const std::filesystem::path& directory) {
  int fd = ::open((directory / kSpoolLock).c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return errno == ENOENT ? LockState::kMissing : LockState::kHeld;
  bool free = ::flock(fd, LOCK_EX | LOCK_NB) == 0;
  ::close(fd);
  return free ? LockState::kFree : LockState::kHeld;
}

// Spool directories of runs killed before they could clean up (SIGKILL, a
// power cut) hold partial Parquet files. The next run on the host removes
// the ones it owns whose process is gone, whose lock nobody holds (a run in
// another PID namespace sharing the directory still holds its lock) and
// that nobody touched lately. Anything it cannot judge is left alone.
void RemoveAbandonedSpools(const std::filesystem::path& base) {
  std::error_code error;
  auto now = std::filesystem::file_time_type::clock::now();
  std::filesystem::directory_iterator it(base, error);
  for (; !error && it != std::filesystem::directory_iterator(); it.increment(error)) {
    const std::filesystem::path& path = it->path();
    pid_t owner = SpoolOwner(path.filename().string());
    struct stat info {};
    if (owner <= 0 || owner == ::getpid() || ::lstat(path.c_str(), &info) != 0 || !S_ISDIR(info.st_mode) ||
        info.st_uid != ::geteuid()) {
      continue;
    }
    if (!ProcessIsGone(owner)) continue;  // alive, or not ours to judge
    LockState lock = SpoolLockState(path);
    if (lock == LockState::kHeld) continue;
    if (TouchedSince(path, now - (lock == LockState::kFree ? kUnlockedAfter : kLocklessAfter))) continue;
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
    if (!ignored) {
      SLUICE_LOG_INFO("removed {}, the spool of a run (pid {}) that ended without cleaning up", path.string(), owner);
    }
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
  if (spool_lock_fd_ >= 0) ::close(spool_lock_fd_);
}

Result<source::Source*> PipelineContext::source() {
  if (!source_) {
    SLUICE_ASSIGN_OR_RETURN(source_, source::OpenSource(config_->SourceOf(*pipeline_)));
  }
  return source_.get();
}

Result<std::unique_ptr<source::Source>> PipelineContext::OpenSource() const {
  return source::OpenSource(config_->SourceOf(*pipeline_));
}

TableRunParts PipelineContext::PartsForTableRun(std::unique_ptr<source::Source>& own_source, const Clock& clock,
                                                const CancelToken& cancel) {
  TableRunParts parts;
  parts.pipeline = pipeline_;
  parts.store = store_.get();
  parts.watermarks = &watermarks_;
  parts.source = [this, &own_source]() -> Result<source::Source*> {
    if (!own_source) {
      SLUICE_ASSIGN_OR_RETURN(own_source, OpenSource());
    }
    return own_source.get();
  };
  parts.target = [this] { return target(); };
  parts.spool_directory = [this] { return SpoolDirectory(); };
  parts.clock = &clock;
  parts.cancel = &cancel;
  return parts;
}

Result<target::Target*> PipelineContext::target() {
  if (!target_) {
    SLUICE_ASSIGN_OR_RETURN(target_, target::OpenTarget(config_->TargetOf(*pipeline_), target_access_));
  }
  return target_.get();
}

Result<const config::TableConfig*> PipelineContext::FindTable(const std::string& table) const {
  return sync::FindTable(*pipeline_, table);
}

Result<std::string> PipelineContext::SpoolDirectory() {
  if (spool_directory_.empty()) {
    std::error_code error;
    std::filesystem::path base = std::filesystem::temp_directory_path(error);
    if (error) base = "/tmp";
    RemoveAbandonedSpools(base);
    std::string path = (base / fmt::format("{}{}-{}", kSpoolPrefix, ::getpid(), pipeline_->name)).string();
    SLUICE_RETURN_IF_ERROR(CreateDirectories(path));
    // The lock says "alive" to other runs' cleanup, whatever PID namespace they are in.
    std::string lock_path = path + "/" + std::string(kSpoolLock);
    spool_lock_fd_ = ::open(lock_path.c_str(), O_CREAT | O_RDWR | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (spool_lock_fd_ < 0 || ::flock(spool_lock_fd_, LOCK_EX | LOCK_NB) != 0) {
      return IoError("cannot lock the spool directory {} ({}); is another sluice run using it?", path,
                     std::strerror(errno));
    }
    spool_directory_ = path;
  }
  return spool_directory_;
}

}  // namespace sluice::sync
