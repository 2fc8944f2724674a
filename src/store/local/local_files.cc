#include "store/local/local_files.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <utility>

#include "common/file.h"

namespace sluice::store::local_internal {
namespace {

constexpr size_t kCopyBufferBytes = 1 << 20;
constexpr int kCreateAttempts = 10;

std::atomic<uint64_t> temp_counter{0};

int64_t WallClockNanos() {
  using namespace std::chrono;
  return duration_cast<nanoseconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace

int64_t ModifiedNanos(const struct stat& info) {
  return static_cast<int64_t>(info.st_mtim.tv_sec) * 1000000000 + info.st_mtim.tv_nsec;
}

std::string VersionOf(const struct stat& info) {
  return fmt::format("{:x}.{:x}.{}.{}", static_cast<uint64_t>(info.st_dev), static_cast<uint64_t>(info.st_ino),
                     static_cast<int64_t>(info.st_size), ModifiedNanos(info));
}

Result<TempFile> TempFile::Create(const std::string& directory) {
  for (int attempt = 0; attempt < kCreateAttempts; ++attempt) {
    SLUICE_RETURN_IF_ERROR(CreateDirectories(directory));
    std::string path = fmt::format("{}/.sluice-tmp-{}-{}", directory, ::getpid(), temp_counter.fetch_add(1));
    int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd >= 0) return TempFile(std::move(path), fd);
    // ENOENT: a concurrent Delete removed the directory we just created.
    if (errno != ENOENT && errno != EEXIST) return ErrnoError(fmt::format("creating '{}'", path), errno);
  }
  return IoError("creating a temporary file in '{}': the directory kept disappearing", directory);
}

TempFile::TempFile(TempFile&& other) noexcept
    : path_(std::move(other.path_)), fd_(std::exchange(other.fd_, -1)), committed_(other.committed_) {
  other.committed_ = true;
}

TempFile::~TempFile() {
  if (fd_ >= 0) ::close(fd_);
  if (!committed_) ::unlink(path_.c_str());
}

Status TempFile::Write(std::string_view data) { return WriteAll(fd_, data, path_); }

Status TempFile::CopyFrom(const std::string& source_path) {
  int source = ::open(source_path.c_str(), O_RDONLY | O_CLOEXEC);
  if (source < 0) {
    if (errno == ENOENT) return NotFound("local file '{}' does not exist", source_path);
    return ErrnoError(fmt::format("opening '{}'", source_path), errno);
  }
  std::string buffer(kCopyBufferBytes, '\0');
  Status status;
  while (status.ok()) {
    ssize_t got = ::read(source, buffer.data(), buffer.size());
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) status = ErrnoError(fmt::format("reading '{}'", source_path), errno);
    if (got <= 0) break;
    status = WriteAll(fd_, std::string_view(buffer.data(), static_cast<size_t>(got)), path_);
  }
  ::close(source);
  return status;
}

Status TempFile::Sync() {
  if (::fsync(fd_) != 0) return ErrnoError(fmt::format("fsync '{}'", path_), errno);
  return Status::Ok();
}

Result<StoreLock> StoreLock::Acquire(const std::string& lock_path) {
  int fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return ErrnoError(fmt::format("opening lock file '{}'", lock_path), errno);
  while (::flock(fd, LOCK_EX) != 0) {
    if (errno == EINTR) continue;
    int saved_errno = errno;
    ::close(fd);
    return ErrnoError(fmt::format("locking '{}'", lock_path), saved_errno);
  }
  return StoreLock(lock_path, fd);
}

StoreLock::StoreLock(StoreLock&& other) noexcept : path_(std::move(other.path_)), fd_(std::exchange(other.fd_, -1)) {}

StoreLock::~StoreLock() {
  if (fd_ >= 0) ::close(fd_);  // closing the last descriptor releases the flock
}

Result<int64_t> StoreLock::ReadLastStamp() {
  char text[32];
  ssize_t got = ::pread(fd_, text, sizeof(text), 0);
  if (got < 0) return ErrnoError(fmt::format("reading '{}'", path_), errno);
  int64_t stamp = 0;
  std::from_chars(text, text + got, stamp);  // empty or garbled: 0, the wall clock takes over
  return stamp;
}

Status StoreLock::WriteLastStamp(int64_t stamp_nanos) {
  std::string text = fmt::format("{:020d}\n", stamp_nanos);
  ssize_t written = ::pwrite(fd_, text.data(), text.size(), 0);
  if (written != static_cast<ssize_t>(text.size())) {
    return ErrnoError(fmt::format("writing '{}'", path_), written < 0 ? errno : EIO);
  }
  return Status::Ok();
}

Status StoreLock::StampFile(int fd, int64_t at_least_nanos) {
  SLUICE_ASSIGN_OR_RETURN(int64_t last, ReadLastStamp());
  int64_t floor = std::max(last, at_least_nanos);
  // Filesystems that keep coarser times truncate the stamp; step up until it sticks.
  for (int64_t step = 1; step <= 1000000000; step *= 1000) {
    int64_t wanted = std::max(WallClockNanos(), floor + step);
    struct timespec times[2] = {{0, UTIME_OMIT}, {wanted / 1000000000, wanted % 1000000000}};
    if (::futimens(fd, times) != 0) return ErrnoError("setting the modification time of a new object", errno);
    struct stat info;
    if (::fstat(fd, &info) != 0) return ErrnoError("stat of a new object", errno);
    if (ModifiedNanos(info) > floor) return WriteLastStamp(ModifiedNanos(info));
  }
  return IoError("the filesystem of '{}' does not keep modification times that can version objects", path_);
}

Result<std::optional<struct stat>> StatPath(const std::string& path) {
  struct stat info;
  if (::stat(path.c_str(), &info) == 0) return std::optional<struct stat>(info);
  if (errno == ENOENT || errno == ENOTDIR) return std::optional<struct stat>();
  return ErrnoError(fmt::format("stat '{}'", path), errno);
}

Result<std::string> ReadAll(int fd, const std::string& path) {
  std::string contents;
  struct stat info;
  if (::fstat(fd, &info) == 0 && info.st_size > 0) contents.reserve(static_cast<size_t>(info.st_size));
  char buffer[1 << 16];
  while (true) {
    ssize_t got = ::read(fd, buffer, sizeof(buffer));
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return ErrnoError(fmt::format("reading '{}'", path), errno);
    if (got == 0) return contents;
    contents.append(buffer, static_cast<size_t>(got));
  }
}

}  // namespace sluice::store::local_internal
