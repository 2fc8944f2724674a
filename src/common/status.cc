#include "common/status.h"

#include <cstring>

namespace sluice {

std::string_view StatusCodeName(StatusCode code) {
  switch (code) {
    case StatusCode::kOk: return "OK";
    case StatusCode::kInvalidArgument: return "Invalid argument";
    case StatusCode::kNotSupported: return "Not supported";
    case StatusCode::kNotFound: return "Not found";
    case StatusCode::kUnavailable: return "Unavailable";
    case StatusCode::kIoError: return "I/O error";
    case StatusCode::kDataError: return "Data error";
    case StatusCode::kSchemaMismatch: return "Schema mismatch";
    case StatusCode::kConflict: return "Conflict";
    case StatusCode::kLeaseHeld: return "Lease held";
    case StatusCode::kCancelled: return "Cancelled";
    case StatusCode::kInternal: return "Internal error";
  }
  return "Unknown";
}

Status Status::WithContext(std::string_view context) const {
  if (ok()) return *this;
  return Status(code_, fmt::format("{}: {}", context, message_));
}

std::string Status::ToString() const {
  if (ok()) return "OK";
  return fmt::format("{}: {}", StatusCodeName(code_), message_);
}

Status ErrnoError(std::string_view what, int error_number) {
  return Status(StatusCode::kIoError, fmt::format("{}: {}", what, std::strerror(error_number)));
}

}  // namespace sluice
