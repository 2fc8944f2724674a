// Object keys: the rules every ObjectStore backend enforces, so a key that
// works on one store works on all of them (a local directory, S3, memory).
//
// A key is a '/'-separated path relative to the store's root: non-empty,
// at most kMaxKeyBytes bytes, no leading or trailing '/', no empty, "." or
// ".." segment, no control characters, each segment at most
// kMaxSegmentBytes bytes, and no segment starting with kReservedPrefix
// (names the local store uses for its temporary and lock files). Spaces,
// '=', and any UTF-8 are fine: partition keys look like "year=2025/month=11".
//
// Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <string_view>

#include "common/status.h"

namespace sluice::store {

inline constexpr size_t kMaxKeyBytes = 1024;     // S3's limit
inline constexpr size_t kMaxSegmentBytes = 255;  // NAME_MAX of local filesystems
inline constexpr std::string_view kReservedPrefix = ".sluice-";

// Ok, or InvalidArgument naming the key and what is wrong with it.
Status ValidateKey(std::string_view key);

// A List prefix: "" (everything), a key, a key ending with '/', or a key
// whose last segment is cut short ("incremental/year=2025/mo").
// InvalidArgument for what no valid key could start with ("/x", "a//b", "../").
Status ValidateListPrefix(std::string_view prefix);

// True for a name the local store keeps for itself (its temp and lock files).
inline bool IsReservedName(std::string_view segment) { return segment.starts_with(kReservedPrefix); }

}  // namespace sluice::store
