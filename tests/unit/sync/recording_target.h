// RecordingTarget: the real DuckDB target (a database file in a scratch
// directory) behind a wrapper that records every LoadRequest and the
// staged files each load read, and fails on command: before the load
// (nothing applied), or after it committed (applied, reported failed: the
// ambiguous outcome a lost connection gives). A hook runs at the start of
// each load, so a test can act between file staging and the commit.
//
// The database is opened on first use and closed by Close(), so a test can
// read it with an independent DuckDB between runs.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "target/target.h"

namespace sluice::testing {

class RecordingTarget final : public target::Target {
 public:
  explicit RecordingTarget(std::string database_path) : database_path_(std::move(database_path)) {}

  // The next Load fails with `status` and applies nothing.
  void FailNextLoad(Status status) { fail_before_ = std::move(status); }
  // The next Load commits, then reports `status`.
  void FailNextLoadAfterCommit(Status status) { fail_after_ = std::move(status); }
  void SetLoadHook(std::function<void()> hook) { load_hook_ = std::move(hook); }
  void Close() { inner_.reset(); }

  const std::vector<target::LoadRequest>& requests() const { return requests_; }
  // Keys of the files each committed load read, in load order.
  const std::vector<std::string>& files_read() const { return files_read_; }
  const std::string& database_path() const { return database_path_; }

  Result<std::set<std::string>> LoadedFiles(const std::string& pipeline, const std::string& source_table) override;
  Result<std::vector<std::string>> PlanDdl(const target::LoadRequest& request) override;
  Result<target::LoadResult> Load(const target::LoadRequest& request, store::ObjectStore& store) override;
  Result<int64_t> CountRows(const std::string& target_table) override;
  Result<std::string> ServerVersion() override;

 private:
  Result<target::Target*> Inner();

  std::string database_path_;
  std::unique_ptr<target::Target> inner_;
  std::optional<Status> fail_before_;
  std::optional<Status> fail_after_;
  std::function<void()> load_hook_;
  std::vector<target::LoadRequest> requests_;
  std::vector<std::string> files_read_;
};

}  // namespace sluice::testing
