// Whether a process on this host is gone, for taking over what a crashed
// run held (its lease, its spool directory).
#pragma once

#include <cstdint>

namespace sluice {

// True only when `pid` certainly names no running process on this host:
// none exists, or it is a zombie (it died and its parent has not reaped it,
// as under a container's PID 1 that reaps nothing). Any doubt is false.
bool ProcessIsGone(int64_t pid);

}  // namespace sluice
