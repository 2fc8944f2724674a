#include "common/file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <system_error>

namespace sluice {
namespace {

constexpr size_t kWriteBufferBytes = 1 << 20;


std::string ParentDirectory(const std::string& path) {
  std::filesystem::path parent = std::filesystem::path(path).parent_path();
  return parent.empty() ? std::string(".") : parent.string();
}

class PosixWritableFile final : public WritableFile {
 public:
  PosixWritableFile(std::string path, int fd) : path_(std::move(path)), fd_(fd) {
    buffer_.reserve(kWriteBufferBytes);
  }
  ~PosixWritableFile() override {
    if (fd_ >= 0) ::close(fd_);
  }

  Status Append(std::string_view data) override {
    if (fd_ < 0) return Internal("append to closed file '{}'", path_);
    size_ += data.size();
    if (buffer_.size() + data.size() <= kWriteBufferBytes) {
      buffer_.append(data);
      return Status::Ok();
    }
    SLUICE_RETURN_IF_ERROR(FlushBuffer());
    if (data.size() >= kWriteBufferBytes) return WriteAll(fd_, data, path_);
    buffer_.append(data);
    return Status::Ok();
  }

  Status Sync() override {
    SLUICE_RETURN_IF_ERROR(FlushBuffer());
    if (::fsync(fd_) != 0) return ErrnoError(fmt::format("fsync '{}'", path_), errno);
    return Status::Ok();
  }

  Status Close() override {
    if (fd_ < 0) return Status::Ok();
    Status status = FlushBuffer();
    if (::close(fd_) != 0 && status.ok()) status = ErrnoError(fmt::format("closing '{}'", path_), errno);
    fd_ = -1;
    return status;
  }

  uint64_t Size() const override { return size_; }

 private:
  Status FlushBuffer() {
    Status status = WriteAll(fd_, buffer_, path_);
    buffer_.clear();
    return status;
  }

  std::string path_;
  int fd_;
  std::string buffer_;
  uint64_t size_ = 0;
};

}  // namespace

Status WriteAll(int fd, std::string_view data, const std::string& path) {
  while (!data.empty()) {
    ssize_t written = ::write(fd, data.data(), data.size());
    if (written < 0) {
      if (errno == EINTR) continue;
      return ErrnoError(fmt::format("writing '{}'", path), errno);
    }
    data.remove_prefix(static_cast<size_t>(written));
  }
  return Status::Ok();
}

Result<std::unique_ptr<WritableFile>> OpenWritableFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return ErrnoError(fmt::format("creating '{}'", path), errno);
  return std::unique_ptr<WritableFile>(new PosixWritableFile(path, fd));
}

Status StringWritableFile::Append(std::string_view data) {
  if (closed_) return Internal("append to closed in-memory file");
  contents_.append(data);
  return Status::Ok();
}

Status StringWritableFile::Close() {
  closed_ = true;
  return Status::Ok();
}

Status SyncDirectory(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return ErrnoError(fmt::format("opening directory '{}'", path), errno);
  int rc = ::fsync(fd);
  int saved_errno = errno;
  ::close(fd);
  if (rc != 0) return ErrnoError(fmt::format("fsync directory '{}'", path), saved_errno);
  return Status::Ok();
}

Status SyncAndRename(const std::string& path, const std::string& new_path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoError(fmt::format("opening '{}'", path), errno);
  int rc = ::fsync(fd);
  int saved_errno = errno;
  ::close(fd);
  if (rc != 0) return ErrnoError(fmt::format("fsync '{}'", path), saved_errno);
  if (::rename(path.c_str(), new_path.c_str()) != 0) {
    return ErrnoError(fmt::format("renaming '{}' to '{}'", path, new_path), errno);
  }
  return SyncDirectory(ParentDirectory(new_path));
}

Status WriteFileAtomically(const std::string& path, std::string_view contents) {
  std::string temp_path = fmt::format("{}.tmp.{}", path, ::getpid());
  Status status = [&]() -> Status {
    SLUICE_ASSIGN_OR_RETURN(std::unique_ptr<WritableFile> file, OpenWritableFile(temp_path));
    SLUICE_RETURN_IF_ERROR(file->Append(contents));
    SLUICE_RETURN_IF_ERROR(file->Sync());
    SLUICE_RETURN_IF_ERROR(file->Close());
    return SyncAndRename(temp_path, path);
  }();
  if (!status.ok()) ::unlink(temp_path.c_str());
  return status;
}

Result<std::string> ReadFileToString(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return NotFound("file '{}' does not exist", path);
    return ErrnoError(fmt::format("opening '{}'", path), errno);
  }
  std::string contents;
  char buffer[1 << 16];
  while (true) {
    ssize_t got = ::read(fd, buffer, sizeof(buffer));
    if (got < 0) {
      if (errno == EINTR) continue;
      int saved_errno = errno;
      ::close(fd);
      return ErrnoError(fmt::format("reading '{}'", path), saved_errno);
    }
    if (got == 0) break;
    contents.append(buffer, static_cast<size_t>(got));
  }
  ::close(fd);
  return contents;
}

Status CreateDirectories(const std::string& path) {
  std::error_code error;
  std::filesystem::create_directories(path, error);
  if (error) return IoError("creating directory '{}': {}", path, error.message());
  return Status::Ok();
}

}  // namespace sluice
