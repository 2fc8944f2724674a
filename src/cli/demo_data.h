// The demo's sample data: a small shop in SQLite (customers, orders with an
// id gap of tens of thousands, order events, shipments), its configuration,
// and the changes made between the demo's two syncs. Deterministic.
#pragma once

#include <string>

#include "common/status.h"

namespace sluice::cli::demo {

// Creates DIR/demo.db with the initial rows and DIR/config (connections.yml,
// pipelines/demo.yml) pointing at DIR/stage and DIR/warehouse.duckdb.
// Replaces an earlier demo in DIR.
Status CreateDemo(const std::string& dir);

// Updates and inserts rows: orders updated later (newer updated_at), new
// orders sharing one timestamp, a renamed customer, new events and shipments.
// Returns a one-paragraph description of what changed.
Result<std::string> ChangeRows(const std::string& dir);

// Runs `sql` against DIR/demo.db and returns the single value it yields, as text.
Result<std::string> QuerySource(const std::string& dir, const std::string& sql);

}  // namespace sluice::cli::demo
