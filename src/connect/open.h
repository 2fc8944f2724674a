// Opening the configured source, store and target: the one place that maps
// a configuration to a concrete backend. Everything below works through the
// interfaces (source/source.h, store/object_store.h, target/target.h); a
// new backend is a library of its own plus one case here.
//
// The functions keep their interfaces' namespaces, so a call reads as what
// it opens: source::OpenSource(connection).
#pragma once

#include <memory>

#include "config/config.h"
#include "source/source.h"
#include "store/object_store.h"
#include "target/target.h"

namespace sluice::source {
// Connects to the configured source. Relative SQLite paths were already
// resolved by the config loader.
Result<std::unique_ptr<Source>> OpenSource(const config::SourceConnection& connection);
}  // namespace sluice::source

namespace sluice::store {
Result<std::unique_ptr<ObjectStore>> OpenStore(const config::StoreConfig& config);
}  // namespace sluice::store

namespace sluice::target {
Result<std::unique_ptr<Target>> OpenTarget(const config::TargetConnection& connection,
                                           TargetAccess access = TargetAccess::kReadWrite);
}  // namespace sluice::target
