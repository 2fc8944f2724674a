// TableRunParts: everything one table's run touches, handed to it by its
// caller. The run opens nothing from configuration and reads no
// process-wide state: in the binary PipelineContext (the composition root,
// sync/context.h) assembles the parts; unit tests assemble them from the
// memory store, a fake source, a recording target, a manual clock.
//
// The parts outlive the run. Openers are called from the run's thread.
#pragma once

#include <functional>
#include <string>

#include "common/cancel.h"
#include "common/clock.h"
#include "config/config.h"
#include "source/source.h"
#include "state/watermark.h"
#include "store/object_store.h"
#include "target/target.h"

namespace sluice::sync {

struct TableRunParts {
  const config::PipelineConfig* pipeline = nullptr;
  // The pipeline's staging store (keys relative to its prefix): staged
  // files, the watermark and the table's lease live here.
  store::ObjectStore* store = nullptr;
  state::WatermarkStore* watermarks = nullptr;  // over `store`
  // This run's own source connection, opened on first use (a --load-only
  // run over a recorded schema never needs one). A source serves one reader
  // at a time, so concurrent runs never share one.
  std::function<Result<source::Source*>()> source;
  // The target, opened on first use (--backup-only never needs it).
  std::function<Result<target::Target*>()> target;
  // A private directory for the run's spool files (Parquet being written).
  std::function<Result<std::string>()> spool_directory;
  const Clock* clock = nullptr;         // the run's time: timestamps, timeout, lease expiry
  const CancelToken* cancel = nullptr;  // polled at safe points
};

}  // namespace sluice::sync
