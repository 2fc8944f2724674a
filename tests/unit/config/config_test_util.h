// Helpers for the configuration tests: a throw-away project directory
// with a config/ folder, scoped environment variables, and the SPEC §2
// example files.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "config/loader.h"

namespace sluice::config::testing {

// A fresh directory per test: <root>/config/{connections.yml,pipelines/}.
// Removed with everything in it on destruction.
class TempProject {
 public:
  TempProject();
  ~TempProject();
  TempProject(const TempProject&) = delete;
  TempProject& operator=(const TempProject&) = delete;

  const std::string& root() const { return root_; }
  std::string config_dir() const { return root_ + "/config"; }
  // Writes `text` to config/<relative_path>, creating folders.
  void Write(const std::string& relative_path, std::string_view text) const;
  // Removes config/<relative_path> (file or folder).
  void Remove(const std::string& relative_path) const;

  Result<Config> Load(const LoadOptions& options = {}) const { return LoadConfig(config_dir(), options); }
  // The error message of a load that must fail (empty, with a test failure, if it succeeded).
  std::string LoadError(const LoadOptions& options = {}) const;

 private:
  std::string root_;
};

// Sets (or with nullopt unsets) an environment variable; restores it on destruction.
class ScopedEnv {
 public:
  ScopedEnv(std::string name, std::optional<std::string> value);
  ~ScopedEnv();
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  std::string name_;
  std::optional<std::string> previous_;
};

// The connections.yml and pipelines/us_dw.yml of SPEC §2, verbatim.
extern const char* const kSpecConnections;
extern const char* const kSpecPipeline;

// A minimal valid configuration: sqlite source, duckdb target, local store.
extern const char* const kLocalConnections;
// A minimal valid pipeline over kLocalConnections, named `name`, with one
// table, `table` (pipelines of one configuration must load different tables).
std::string LocalPipeline(std::string_view name, std::string_view table = "orders");

}  // namespace sluice::config::testing
