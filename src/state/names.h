// The names that place a state document in the store:
// watermarks/<pipeline>/<table>.json, leases/<pipeline>/<table>.json.
// Internal to src/state. Pure functions; thread-safe.
#pragma once

#include <string>

#include "common/status.h"

namespace sluice::state::internal {

// InvalidArgument unless `pipeline` is non-empty, free of '/', and a valid key segment.
Status ValidatePipelineName(const std::string& pipeline);

// InvalidArgument unless both are non-empty and free of '/' (a table name
// may contain '.', e.g. "settlement.orders"), and the resulting key is valid.
Status ValidateDocumentNames(const std::string& pipeline, const std::string& table, const std::string& key);

}  // namespace sluice::state::internal
