// PipelineContext: the composition root of a command on one pipeline, and
// the one place that opens things from configuration: its store (seen
// under the pipeline's staging prefix), its source and target, each opened
// on first use so commands that need only the store (watermark, files,
// status) never connect to a database. A table run is given its parts
// (PartsForTableRun) and opens nothing itself.
//
// Thread-compatible; owned by one command.
#pragma once

#include <memory>
#include <string>

#include "config/config.h"
#include "source/source.h"
#include "state/watermark.h"
#include "store/object_store.h"
#include "sync/run_parts.h"
#include "target/target.h"

namespace sluice::sync {

class PipelineContext {
 public:
  // Opens the pipeline's store. REQUIRES: `config` outlives the context.
  // `target_access` kPlanOnly (dry runs) never creates or changes the target.
  static Result<std::unique_ptr<PipelineContext>> Open(
      const config::Config& config, const std::string& pipeline,
      target::TargetAccess target_access = target::TargetAccess::kReadWrite);

  const config::Config& config() const { return *config_; }
  const config::PipelineConfig& pipeline() const { return *pipeline_; }
  // The store, with keys relative to the pipeline's staging prefix.
  store::ObjectStore& store() { return *store_; }
  state::WatermarkStore& watermarks() { return watermarks_; }
  // A source connection shared by the command's own reads (dry run, schema).
  Result<source::Source*> source();
  // A new source connection, owned by the caller: one per table run.
  Result<std::unique_ptr<source::Source>> OpenSource() const;
  Result<target::Target*> target();
  // The table's configuration, or NotFound listing the pipeline's tables.
  Result<const config::TableConfig*> FindTable(const std::string& table) const;
  // A private directory for spool files, removed with the context.
  Result<std::string> SpoolDirectory();
  // What a table run is given: this context's store, watermarks, target and
  // spool, and a source connection of its own, opened on first use into
  // `own_source`. REQUIRES: the context, `own_source`, `clock` and `cancel`
  // outlive the run.
  TableRunParts PartsForTableRun(std::unique_ptr<source::Source>& own_source, const Clock& clock,
                                 const CancelToken& cancel);

  ~PipelineContext();

 private:
  PipelineContext() = default;

  const config::Config* config_ = nullptr;
  const config::PipelineConfig* pipeline_ = nullptr;
  std::unique_ptr<store::ObjectStore> store_;
  state::WatermarkStore watermarks_{nullptr};
  std::unique_ptr<source::Source> source_;
  std::unique_ptr<target::Target> target_;
  target::TargetAccess target_access_ = target::TargetAccess::kReadWrite;
  std::string spool_directory_;
  int spool_lock_fd_ = -1;  // flock held on <spool>/.lock while this run lives
};

}  // namespace sluice::sync
