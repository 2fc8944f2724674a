// LocalFiles: local paths DuckDB can read the staged files of one load
// from. A store whose Locate() gives a local absolute path (the local
// store) is read in place; any other store (S3, memory) is fetched with
// Get() into a private temporary directory, removed when the LocalFiles
// is destroyed. A local path holding a glob character ('*', '?', '[',
// which read_parquet would expand) is read through a symlink in that
// directory.
//
// Thread-safety: one thread at a time.
#pragma once

#include <string>
#include <vector>

#include "common/status.h"
#include "store/object_store.h"

namespace sluice::target::duckdb {

class LocalFiles {
 public:
  // REQUIRES: keys are distinct. NotFound when a key's object is missing.
  static Result<LocalFiles> Prepare(store::ObjectStore& store, const std::vector<std::string>& keys);

  LocalFiles(LocalFiles&& other) noexcept;
  LocalFiles& operator=(LocalFiles&&) = delete;
  LocalFiles(const LocalFiles&) = delete;
  ~LocalFiles();

  // paths()[i] is where keys[i] is read from.
  const std::vector<std::string>& paths() const { return paths_; }

 private:
  LocalFiles() = default;
  // Creates the temporary directory on first use.
  Result<std::string> TempDirectory();

  std::vector<std::string> paths_;
  std::string temp_directory_;  // empty until needed
};

}  // namespace sluice::target::duckdb
