// Checks that a staged file is still the file that was staged, before a
// load relies on it: present in the store, the size the watermark
// recorded, and (deeper, on demand) framed as a Parquet file. A file that
// fails is unloadable: the run rewinds over it (state/rewind.h) instead of
// failing on it forever.
//
// Thread-safety: functions; the store is used as its own contract allows.
#pragma once

#include <optional>
#include <string>

#include "state/watermark.h"
#include "store/object_store.h"

namespace sluice::sync {

enum class StagedCheck {
  kStore,    // Head: present, and the recorded size (one request per file)
  kParquet,  // also reads the object: "PAR1" at both ends, a footer that fits
};

// Why `entry` cannot be loaded as staged, said to follow "staged file 'K' "
// ("is missing from the store", "has 120 bytes in the store but was staged
// with 4096"), or nullopt when it looks loadable. An error only when the
// store itself fails.
Result<std::optional<std::string>> FindStagedFileProblem(store::ObjectStore& store, const state::StagedFileEntry& entry,
                                                         StagedCheck depth);

}  // namespace sluice::sync
