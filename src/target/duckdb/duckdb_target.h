// DuckDbTarget: a DuckDB database file as the warehouse (`type: duckdb`,
// SPEC §2), loaded in process through DuckDB's C API.
//
// The database file is created by the first Load (its directory must exist
// when the target is opened): until then an empty in-memory database
// stands in for it, so a run that loads nothing leaves no file behind. The
// target schema (config `schema`, default "main") and the ledger table are
// created by the first Load, inside its transaction, so PlanDdl,
// LoadedFiles and CountRows never write.
//
// Load runs in ONE transaction: DDL (create, add columns, widen), the
// ledger check, the data change and the ledger rows commit together; on
// any error it rolls back and the table and ledger are as they were. See
// target.h for the contract and docs/targets.md for the rules.
//
// DuckDB runs bounded by the target's configuration: `memory_limit`
// (default 256 MiB), spilling what does not fit to `temp_directory`
// (default "<path>.tmp"), on `threads` workers (default: the cores, at most
// one per 128 MiB of the limit), so a load larger than memory spills
// instead of failing or swelling.
//
// A DuckDB file is opened by one process at a time; opening one that
// another process holds fails with Unavailable.
//
// Thread-safety: one thread at a time.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "config/config.h"
#include "target/target.h"

namespace sluice::target {

namespace duckdb {
class Database;
}

class DuckDbTarget final : public Target {
 public:
  // REQUIRES: connection.type == kDuckDb.
  // `plan_only`: opens the file read-only, or an empty in-memory database when
  // there is no file yet, so planning never creates or changes the warehouse.
  static Result<std::unique_ptr<DuckDbTarget>> Open(const config::TargetConnection& connection,
                                                    bool plan_only = false);
  ~DuckDbTarget() override;

  Result<std::set<std::string>> LoadedFiles(const std::string& pipeline, const std::string& source_table) override;
  Result<std::vector<std::string>> PlanDdl(const LoadRequest& request) override;
  Result<LoadResult> Load(const LoadRequest& request, store::ObjectStore& store) override;
  Result<int64_t> CountRows(const std::string& target_table) override;
  Result<std::string> ServerVersion() override;

  // DuckDB's current value of `setting` as DuckDB shows it (current_setting):
  // "256.0 MiB" for memory_limit, "2" for threads.
  Result<std::string> Setting(std::string_view setting);

  const std::string& schema() const { return schema_; }
  // Whether JSON columns are created as JSON (else VARCHAR).
  bool json_available() const { return json_available_; }

 private:
  DuckDbTarget(std::unique_ptr<duckdb::Database> database, std::string schema, bool json_available);

  std::unique_ptr<duckdb::Database> database_;
  // Set while database_ stands in for a file that does not exist yet: the
  // file Load creates, and how messages name the target.
  std::string create_on_load_;
  std::vector<std::pair<std::string, std::string>> settings_;  // the bounds create_on_load_ opens with
  std::string where_;
  const std::string schema_;
  const bool json_available_;
};

}  // namespace sluice::target
