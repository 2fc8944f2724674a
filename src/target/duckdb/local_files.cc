#include "target/duckdb/local_files.h"

#include <fmt/format.h>
#include <stdlib.h>

#include <cerrno>
#include <filesystem>
#include <system_error>

#include "common/file.h"

namespace sluice::target::duckdb {
namespace {

namespace fs = std::filesystem;

bool HasGlobCharacter(const std::string& path) { return path.find_first_of("*?[") != std::string::npos; }

// Streams the object to `path` a piece at a time: a staged file can be
// 128 MB and is never held in memory whole.
constexpr size_t kDownloadChunkBytes = 1 << 20;

Status Download(store::ObjectStore& store, const std::string& key, const std::string& path) {
  SLUICE_ASSIGN_OR_RETURN(std::unique_ptr<store::ObjectReader> reader, store.OpenRead(key));
  SLUICE_ASSIGN_OR_RETURN(std::unique_ptr<WritableFile> file, OpenWritableFile(path));
  std::string chunk(kDownloadChunkBytes, '\0');
  uint64_t copied = 0;
  while (true) {
    SLUICE_ASSIGN_OR_RETURN(size_t read, reader->Read(chunk.data(), chunk.size()));
    if (read == 0) break;
    SLUICE_RETURN_IF_ERROR(file->Append(std::string_view(chunk.data(), read)));
    copied += read;
  }
  if (copied != reader->size_bytes()) {
    return IoError("read {} of the {} bytes of '{}'", copied, reader->size_bytes(), key);
  }
  return file->Close();
}

}  // namespace

LocalFiles::LocalFiles(LocalFiles&& other) noexcept
    : paths_(std::move(other.paths_)), temp_directory_(std::exchange(other.temp_directory_, std::string())) {}

LocalFiles::~LocalFiles() {
  if (temp_directory_.empty()) return;
  std::error_code ignored;  // a leftover directory under TMPDIR is harmless
  fs::remove_all(temp_directory_, ignored);
}

Result<std::string> LocalFiles::TempDirectory() {
  if (!temp_directory_.empty()) return temp_directory_;
  std::error_code error;
  fs::path base = fs::temp_directory_path(error);
  if (error) base = "/tmp";
  std::string pattern = (base / "sluice-load-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) return ErrnoError("creating a temporary directory " + pattern, errno);
  temp_directory_ = pattern;
  return temp_directory_;
}

Result<LocalFiles> LocalFiles::Prepare(store::ObjectStore& store, const std::vector<std::string>& keys) {
  LocalFiles files;
  for (size_t key_idx = 0; key_idx < keys.size(); ++key_idx) {
    const std::string& key = keys[key_idx];
    std::string located = store.Locate(key);
    bool is_local = located.starts_with('/');
    if (is_local && !fs::exists(located)) {
      return NotFound("staged file '{}' is missing: {} does not exist", key, located);
    }
    if (is_local && !HasGlobCharacter(located)) {
      files.paths_.push_back(std::move(located));
      continue;
    }
    SLUICE_ASSIGN_OR_RETURN(std::string directory, files.TempDirectory());
    std::string path = fmt::format("{}/file_{:06}.parquet", directory, key_idx);
    if (is_local) {
      std::error_code error;
      fs::create_symlink(located, path, error);
      if (error) return IoError("linking {} as {}: {}", located, path, error.message());
    } else {
      SLUICE_RETURN_IF_ERROR(Download(store, key, path)
                                 .WithContext(fmt::format("fetching staged file '{}' from {}", key, store.Describe())));
    }
    files.paths_.push_back(std::move(path));
  }
  return files;
}

}  // namespace sluice::target::duckdb
