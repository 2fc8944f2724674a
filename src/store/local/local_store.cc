#include "store/local/local_store.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>

#include "common/file.h"
#include "store/keys.h"
#include "store/local/local_files.h"

namespace sluice::store {
namespace {

using local_internal::ModifiedNanos;
using local_internal::StatPath;
using local_internal::StoreLock;
using local_internal::TempFile;
using local_internal::VersionOf;

constexpr std::string_view kLockFileName = ".sluice-lock";

std::string ParentOf(const std::string& path) { return path.substr(0, path.rfind('/')); }

ObjectInfo InfoOf(const std::string& key, const struct stat& info) {
  return ObjectInfo{.key = key,
                    .size_bytes = static_cast<uint64_t>(info.st_size),
                    .modified_micros = ModifiedNanos(info) / 1000,
                    .version = VersionOf(info)};
}

Status CheckCondition(const std::string& key, const std::optional<struct stat>& current,
                      const PutCondition& condition) {
  if (condition.if_absent && current) return Conflict("object '{}' already exists (written only if absent)", key);
  if (!condition.if_version) return Status::Ok();
  if (!current) {
    return Conflict("object '{}' does not exist (written only over version {})", key, *condition.if_version);
  }
  std::string version = VersionOf(*current);
  if (version != *condition.if_version) {
    return Conflict("object '{}' is at version {}, not {} (written only over that version)", key, version,
                    *condition.if_version);
  }
  return Status::Ok();
}

// Appends the objects under `directory` (the key prefix `relative`, "" or
// ending in '/') whose keys start with `prefix`. Entries that vanish while
// listing are skipped: a concurrent Delete is not an error.
Status Walk(const std::string& directory, const std::string& relative, const std::string& prefix,
            std::vector<ObjectInfo>* objects) {
  std::unique_ptr<DIR, int (*)(DIR*)> dir(::opendir(directory.c_str()), &::closedir);
  if (!dir) {
    if (errno == ENOENT || errno == ENOTDIR) return Status::Ok();
    return ErrnoError(fmt::format("listing '{}'", directory), errno);
  }
  while (true) {
    errno = 0;
    struct dirent* entry = ::readdir(dir.get());
    if (entry == nullptr) {
      if (errno != 0) return ErrnoError(fmt::format("listing '{}'", directory), errno);
      return Status::Ok();
    }
    std::string_view name = entry->d_name;
    if (name == "." || name == ".." || IsReservedName(name)) continue;
    std::string key = relative + std::string(name);
    struct stat info;
    if (::fstatat(::dirfd(dir.get()), entry->d_name, &info, 0) != 0) {
      if (errno == ENOENT) continue;
      return ErrnoError(fmt::format("stat '{}/{}'", directory, name), errno);
    }
    if (S_ISDIR(info.st_mode)) {
      std::string subdirectory = key + "/";
      if (subdirectory.starts_with(prefix) || prefix.starts_with(subdirectory)) {
        SLUICE_RETURN_IF_ERROR(Walk(directory + "/" + std::string(name), subdirectory, prefix, objects));
      }
    } else if (S_ISREG(info.st_mode) && key.starts_with(prefix)) {
      objects->push_back(InfoOf(key, info));
    }
  }
}

// Reads up to `length` bytes at `offset` of the open file; fewer at its end.
Result<size_t> ReadAt(int fd, char* buffer, size_t length, uint64_t offset, const std::string& path) {
  size_t done = 0;
  while (done < length) {
    ssize_t got = ::pread(fd, buffer + done, length - done, static_cast<off_t>(offset + done));
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return ErrnoError(fmt::format("reading '{}'", path), errno);
    if (got == 0) break;
    done += static_cast<size_t>(got);
  }
  return done;
}

}  // namespace

namespace local_internal {

// The object's file, open. The descriptor pins the inode, so what is read
// through it and the version agree even if the key is replaced meanwhile.
class OpenObject {
 public:
  OpenObject(int fd, const struct stat& info, std::string path)
      : fd_(fd), size_bytes_(static_cast<uint64_t>(info.st_size)), version_(VersionOf(info)), path_(std::move(path)) {}
  OpenObject(const OpenObject&) = delete;
  OpenObject& operator=(const OpenObject&) = delete;
  ~OpenObject() { ::close(fd_); }

  Result<size_t> ReadAt(char* buffer, size_t length, uint64_t offset) const {
    return ::sluice::store::ReadAt(fd_, buffer, length, offset, path_);
  }
  int fd() const { return fd_; }
  uint64_t size_bytes() const { return size_bytes_; }
  const std::string& version() const { return version_; }
  const std::string& path() const { return path_; }

 private:
  int fd_;
  uint64_t size_bytes_;
  std::string version_;
  std::string path_;
};

}  // namespace local_internal

namespace {

using local_internal::OpenObject;

class LocalObjectReader final : public ObjectReader {
 public:
  explicit LocalObjectReader(std::unique_ptr<OpenObject> object) : object_(std::move(object)) {}
  Result<size_t> Read(char* buffer, size_t capacity) override {
    size_t wanted = static_cast<size_t>(std::min<uint64_t>(capacity, object_->size_bytes() - offset_));
    SLUICE_ASSIGN_OR_RETURN(size_t got, object_->ReadAt(buffer, wanted, offset_));
    if (got < wanted) {
      return IoError("'{}' ended at byte {} while reading it; it was {} bytes when opened", object_->path(),
                     offset_ + got, object_->size_bytes());
    }
    offset_ += got;
    return got;
  }
  uint64_t size_bytes() const override { return object_->size_bytes(); }
  const std::string& version() const override { return object_->version(); }

 private:
  std::unique_ptr<OpenObject> object_;
  uint64_t offset_ = 0;
};

}  // namespace

Result<std::unique_ptr<LocalStore>> LocalStore::Open(const config::StoreConfig& config) {
  if (config.path.empty()) {
    return InvalidArgument("store '{}': a local store needs `path`, the directory to stage files in", config.name);
  }
  std::string prefix = config.prefix;
  while (prefix.starts_with('/')) prefix.erase(0, 1);
  while (prefix.ends_with('/')) prefix.pop_back();
  if (!prefix.empty()) {
    Status valid = ValidateKey(prefix);
    if (!valid.ok()) return InvalidArgument("store '{}': prefix: {}", config.name, valid.message());
  }
  return OpenDirectory(prefix.empty() ? config.path : config.path + "/" + prefix);
}

Result<std::unique_ptr<LocalStore>> LocalStore::OpenDirectory(const std::string& root) {
  std::error_code error;
  std::filesystem::path absolute = std::filesystem::absolute(root, error);
  if (error) return IoError("local store directory '{}': {}", root, error.message());
  std::string normal = absolute.lexically_normal().string();
  while (normal.size() > 1 && normal.ends_with('/')) normal.pop_back();
  if (std::filesystem::exists(normal, error) && !std::filesystem::is_directory(normal, error)) {
    return InvalidArgument("local store directory '{}' is a file (set path: to a directory)", normal);
  }
  return std::unique_ptr<LocalStore>(new LocalStore(std::move(normal)));
}

std::string LocalStore::LockPath() const { return root_ + "/" + std::string(kLockFileName); }

Result<ObjectInfo> LocalStore::Publish(const std::string& key, TempFile& temp, const PutCondition& condition) {
  SLUICE_ASSIGN_OR_RETURN(StoreLock lock, StoreLock::Acquire(LockPath()));
  std::string path = PathOf(key);
  SLUICE_ASSIGN_OR_RETURN(std::optional<struct stat> current, StatPath(path));
  if (current && S_ISDIR(current->st_mode)) {
    return InvalidArgument("cannot write object '{}' in {}: a directory of other objects has that name", key,
                           Describe());
  }
  SLUICE_RETURN_IF_ERROR(CheckCondition(key, current, condition));
  SLUICE_RETURN_IF_ERROR(lock.StampFile(temp.fd(), current ? ModifiedNanos(*current) : 0));
  SLUICE_RETURN_IF_ERROR(temp.Sync());
  struct stat info;
  if (::fstat(temp.fd(), &info) != 0) return ErrnoError(fmt::format("stat '{}'", temp.path()), errno);
  if (::rename(temp.path().c_str(), path.c_str()) != 0) {
    return ErrnoError(fmt::format("renaming '{}' to '{}'", temp.path(), path), errno);
  }
  temp.Commit();
  SLUICE_RETURN_IF_ERROR(SyncDirectory(ParentOf(path)));
  return InfoOf(key, info);
}

Result<ObjectInfo> LocalStore::Put(const std::string& key, std::string_view data, const PutCondition& condition) {
  SLUICE_RETURN_IF_ERROR(ValidateKey(key));
  SLUICE_ASSIGN_OR_RETURN(TempFile temp, TempFile::Create(ParentOf(PathOf(key))));
  SLUICE_RETURN_IF_ERROR(temp.Write(data));
  SLUICE_RETURN_IF_ERROR(temp.Sync());
  return Publish(key, temp, condition);
}

Result<ObjectInfo> LocalStore::PutFile(const std::string& key, const std::string& local_path) {
  SLUICE_RETURN_IF_ERROR(ValidateKey(key));
  SLUICE_ASSIGN_OR_RETURN(TempFile temp, TempFile::Create(ParentOf(PathOf(key))));
  Status copied = temp.CopyFrom(local_path);
  if (!copied.ok()) return copied.WithContext(fmt::format("uploading '{}' to '{}'", local_path, key));
  SLUICE_RETURN_IF_ERROR(temp.Sync());
  return Publish(key, temp, PutCondition{});
}

Result<std::unique_ptr<OpenObject>> LocalStore::OpenFile(const std::string& key) const {
  SLUICE_RETURN_IF_ERROR(ValidateKey(key));
  std::string path = PathOf(key);
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0 && (errno == ENOENT || errno == ENOTDIR)) {
    return NotFound("object '{}' does not exist in {}", key, Describe());
  }
  if (fd < 0) return ErrnoError(fmt::format("opening '{}'", path), errno);
  struct stat info;
  if (::fstat(fd, &info) != 0) {
    int saved_errno = errno;
    ::close(fd);
    return ErrnoError(fmt::format("stat '{}'", path), saved_errno);
  }
  auto object = std::make_unique<OpenObject>(fd, info, path);
  if (!S_ISREG(info.st_mode)) return NotFound("object '{}' does not exist in {} (it is a directory)", key, Describe());
  return object;
}

Result<Object> LocalStore::Get(const std::string& key) {
  SLUICE_ASSIGN_OR_RETURN(std::unique_ptr<OpenObject> object, OpenFile(key));
  SLUICE_ASSIGN_OR_RETURN(std::string data, local_internal::ReadAll(object->fd(), object->path()));
  return Object{.data = std::move(data), .version = object->version()};
}

Result<Object> LocalStore::GetRange(const std::string& key, uint64_t offset, uint64_t length) {
  SLUICE_ASSIGN_OR_RETURN(std::unique_ptr<OpenObject> object, OpenFile(key));
  uint64_t available = offset < object->size_bytes() ? object->size_bytes() - offset : 0;
  std::string data(static_cast<size_t>(std::min(length, available)), '\0');
  SLUICE_ASSIGN_OR_RETURN(size_t got, object->ReadAt(data.data(), data.size(), offset));
  data.resize(got);
  return Object{.data = std::move(data), .version = object->version()};
}

Result<std::unique_ptr<ObjectReader>> LocalStore::OpenRead(const std::string& key) {
  SLUICE_ASSIGN_OR_RETURN(std::unique_ptr<OpenObject> object, OpenFile(key));
  return std::unique_ptr<ObjectReader>(std::make_unique<LocalObjectReader>(std::move(object)));
}

Result<std::optional<ObjectInfo>> LocalStore::Head(const std::string& key) {
  SLUICE_RETURN_IF_ERROR(ValidateKey(key));
  SLUICE_ASSIGN_OR_RETURN(std::optional<struct stat> info, StatPath(PathOf(key)));
  if (!info || !S_ISREG(info->st_mode)) return std::optional<ObjectInfo>();
  return std::optional<ObjectInfo>(InfoOf(key, *info));
}

Result<std::vector<ObjectInfo>> LocalStore::List(const std::string& prefix) {
  SLUICE_RETURN_IF_ERROR(ValidateListPrefix(prefix));
  // Start in the deepest directory the prefix names in full.
  size_t slash = prefix.rfind('/');
  std::string relative = slash == std::string::npos ? "" : prefix.substr(0, slash + 1);
  std::string directory = relative.empty() ? root_ : root_ + "/" + relative.substr(0, relative.size() - 1);
  std::vector<ObjectInfo> objects;
  SLUICE_RETURN_IF_ERROR(Walk(directory, relative, prefix, &objects));
  std::sort(objects.begin(), objects.end(), [](const ObjectInfo& a, const ObjectInfo& b) { return a.key < b.key; });
  return objects;
}

Status LocalStore::Delete(const std::string& key) {
  SLUICE_RETURN_IF_ERROR(ValidateKey(key));
  // A store never written to holds nothing to delete (and has no lock file yet).
  SLUICE_ASSIGN_OR_RETURN(std::optional<struct stat> root, StatPath(root_));
  if (!root) return Status::Ok();
  SLUICE_ASSIGN_OR_RETURN(StoreLock lock, StoreLock::Acquire(LockPath()));
  std::string path = PathOf(key);
  if (::unlink(path.c_str()) != 0) {
    // Absent, or a directory of other objects: either way there is no object to delete.
    if (errno == ENOENT || errno == ENOTDIR || errno == EISDIR) return Status::Ok();
    return ErrnoError(fmt::format("deleting '{}'", path), errno);
  }
  SLUICE_RETURN_IF_ERROR(SyncDirectory(ParentOf(path)));
  RemoveEmptyParents(path);
  return Status::Ok();
}

void LocalStore::RemoveEmptyParents(const std::string& path) const {
  for (std::string directory = ParentOf(path); directory.size() > root_.size(); directory = ParentOf(directory)) {
    if (::rmdir(directory.c_str()) != 0) return;  // not empty (or gone): stop
    (void)SyncDirectory(ParentOf(directory));     // best effort: an empty directory left behind is harmless
  }
}

std::string LocalStore::Locate(const std::string& key) const { return PathOf(key); }

std::string LocalStore::Describe() const { return "local directory " + root_; }

}  // namespace sluice::store
