// POSIX pieces of LocalStore: temporary files that become objects by
// rename, the store-wide lock that serializes publishing, and object
// versions derived from a file's identity.
//
// Versions. An object's version is "<dev>.<inode>.<size>.<mtime_ns>" of its
// file. Every file the store publishes is written to a new temporary file
// (a new inode) and, under the store lock, stamped with a modification time
// strictly later than any stamp the store handed out before (kept in the
// lock file) and than the file it replaces. So a version is never reused,
// even when the filesystem hands a freed inode to the next file within one
// clock tick (which ext4 does), and checking it costs one stat, however
// large the object. Content hashes would make Head and List read every byte.
//
// Internal to src/store/local. Thread-safety: TempFile and StoreLock are
// used by one thread; distinct objects may be used concurrently.
#pragma once

#include <sys/stat.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace sluice::store::local_internal {

// The version string of a regular file.
std::string VersionOf(const struct stat& info);
int64_t ModifiedNanos(const struct stat& info);

// A temporary file in the directory an object will live in, named
// ".sluice-tmp-<pid>-<n>" (never listed as an object). Removed on
// destruction unless Commit() was called after it was renamed into place.
class TempFile {
 public:
  // Creates `directory` (and parents) as needed, then the file; retries if
  // a concurrent Delete removes the empty directory in between.
  static Result<TempFile> Create(const std::string& directory);
  TempFile(TempFile&& other) noexcept;
  TempFile& operator=(TempFile&&) = delete;
  ~TempFile();

  Status Write(std::string_view data);
  // Appends the whole of the local file `source_path`.
  Status CopyFrom(const std::string& source_path);
  // fsyncs the data.
  Status Sync();
  int fd() const { return fd_; }
  const std::string& path() const { return path_; }
  // The file was renamed into place: keep it, only close it.
  void Commit() { committed_ = true; }

 private:
  TempFile(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}
  std::string path_;
  int fd_ = -1;
  bool committed_ = false;
};

// An exclusive flock on the store's lock file, which also holds the last
// modification-time stamp handed out. flock locks belong to an open file
// description, so this excludes other threads and other processes alike.
class StoreLock {
 public:
  static Result<StoreLock> Acquire(const std::string& lock_path);
  StoreLock(StoreLock&& other) noexcept;
  StoreLock& operator=(StoreLock&&) = delete;
  ~StoreLock();

  // Sets the mtime of the open file `fd` to a stamp later than every stamp
  // before it and than `at_least_nanos`, and records it. IoError if the
  // filesystem cannot keep such a time.
  Status StampFile(int fd, int64_t at_least_nanos);

 private:
  StoreLock(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}
  Result<int64_t> ReadLastStamp();
  Status WriteLastStamp(int64_t stamp_nanos);

  std::string path_;
  int fd_ = -1;
};

// stat() of `path`: nullopt when nothing is there (ENOENT, ENOTDIR).
Result<std::optional<struct stat>> StatPath(const std::string& path);

// Reads the whole open file.
Result<std::string> ReadAll(int fd, const std::string& path);

}  // namespace sluice::store::local_internal
