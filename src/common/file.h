// Local files: a buffered append-only WritableFile (the sink the Parquet
// encoder streams into), an in-memory one for tests, and the durable
// whole-file write of LevelDB's SetCurrentFile (temp, fsync, rename).
//
// A WritableFile is used by one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"

namespace sluice {

class WritableFile {
 public:
  virtual ~WritableFile() = default;
  virtual Status Append(std::string_view data) = 0;
  // Writes buffered bytes to the OS and fsyncs them.
  virtual Status Sync() = 0;
  // Flushes and closes; Append after Close is an error.
  virtual Status Close() = 0;
  // Bytes appended so far.
  virtual uint64_t Size() const = 0;
};

// Creates (truncating) `path` for writing through a 1 MiB buffer.
Result<std::unique_ptr<WritableFile>> OpenWritableFile(const std::string& path);

// Collects appended bytes in memory.
class StringWritableFile final : public WritableFile {
 public:
  Status Append(std::string_view data) override;
  Status Sync() override { return Status::Ok(); }
  Status Close() override;
  uint64_t Size() const override { return contents_.size(); }
  const std::string& contents() const { return contents_; }
  std::string& mutable_contents() { return contents_; }

 private:
  std::string contents_;
  bool closed_ = false;
};

// Writes `contents` to `path` so that a reader sees the old file or the
// whole new one, never a prefix: write `path`.tmp.<pid>, fsync, rename,
// fsync the directory. Removes the temp file on failure.
Status WriteFileAtomically(const std::string& path, std::string_view contents);

// Writes all of `data` to `fd`, retrying short writes and EINTR; errors name `path`.
Status WriteAll(int fd, std::string_view data, const std::string& path);

// fsyncs `path` and renames it to `new_path`, then fsyncs the directory.
Status SyncAndRename(const std::string& path, const std::string& new_path);

Result<std::string> ReadFileToString(const std::string& path);

// Creates `path` and its parents (like mkdir -p).
Status CreateDirectories(const std::string& path);

// fsyncs a directory, so a rename or create inside it survives a crash.
Status SyncDirectory(const std::string& path);

}  // namespace sluice
