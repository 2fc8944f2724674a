// The run's ceiling (SPEC §3): the cursor columns' MAX at run start, the
// timestamp one capped below the source's clock so its tie group is closed.
// Used by sync and by --dry-run, which prints the same ceiling.
#pragma once

#include <string>
#include <vector>

#include "cdc/planner.h"
#include "config/config.h"
#include "source/source.h"

namespace sluice::sync {

// `notes` (optional) gets one human line per ceiling column read, e.g.
// "MAX(updated_at) = 2025-11-27T15:30:00.000000Z".
Result<cdc::Ceiling> ReadCeiling(source::Source& source, const config::TableConfig& table,
                                 const cdc::TableSpec& spec, std::vector<std::string>* notes = nullptr);

}  // namespace sluice::sync
