// Helpers shared by the commands that read a pipeline's store
// (watermark, files, status).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "cli/cli.h"
#include "sync/context.h"

namespace sluice::cli {

// Loads the configuration for `pipeline` and opens its store. The target,
// opened on first use, is only read with kPlanOnly (no file is created).
struct OpenedPipeline {
  std::unique_ptr<config::Config> config;
  std::unique_ptr<sync::PipelineContext> context;
};
Result<OpenedPipeline> OpenPipeline(const Cli& cli, const std::string& pipeline,
                                    target::TargetAccess target_access = target::TargetAccess::kReadWrite);

// "1.2 MB", "532 B"
std::string HumanBytes(uint64_t bytes);

// "2025-11-27T15:30:00.000000Z id 42", "id 42", "binlog.000042:1234 gtid 0-1-987",
// "lsn 0/16B3748", "snapshot 2025-11-28T14:00:00.000000Z", or "-" for an empty cursor.
std::string CursorText(const Cursor& cursor);

}  // namespace sluice::cli
