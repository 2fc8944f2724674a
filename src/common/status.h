// Status and Result<T>: errors are values.
//
// A Status is ok or carries a code and a message. The code says what a
// caller can do about the error (fix the input, retry, give up); the
// message says what happened with enough context to act on it, e.g.
// "pipelines/us_dw.yml:12: tables.orders.batch_size: expected an integer".
//
// Result<T> is std::expected<T, Status> with one addition: an error Status
// converts to it implicitly, so `return InvalidArgument(...)` works in any
// function returning Status or Result<T>.
//
// Thread-safety: value types; distinct objects may be used concurrently.
#pragma once

#include <cassert>
#include <expected>
#include <string>
#include <string_view>
#include <utility>

#include <fmt/format.h>

namespace sluice {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,  // bad usage or configuration: fix the input (exit 2)
  kNotSupported,     // valid request this build or backend cannot do (exit 2)
  kNotFound,         // a named thing does not exist
  kUnavailable,      // transient: a retry may succeed
  kIoError,          // local I/O failed (disk full, permission)
  kDataError,        // a value cannot be represented or breaks a rule
  kSchemaMismatch,   // source and target schemas disagree
  kConflict,         // a conditional write lost a race
  kLeaseHeld,        // another run holds the table's lease (exit 75)
  kCancelled,        // stopped on request (signal, timeout)
  kInternal,         // a bug: an invariant did not hold
};

std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}
  // Lets `return std::unexpected(status)` work in functions returning Status.
  Status(std::unexpected<Status> error) : Status(std::move(error).error()) {}  // NOLINT

  static Status Ok() { return Status(); }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // Prefixes the message: "context: message". Ok stays ok.
  Status WithContext(std::string_view context) const;
  // "Code: message", or "OK".
  std::string ToString() const;

  friend bool operator==(const Status& a, const Status& b) {
    return a.code_ == b.code_ && a.message_ == b.message_;
  }

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

template <typename T>
class [[nodiscard]] Result : public std::expected<T, Status> {
  using Base = std::expected<T, Status>;

 public:
  using Base::Base;
  // REQUIRES: !status.ok()
  Result(Status status) : Base(std::unexpect, std::move(status)) {  // NOLINT
    assert(!this->error().ok());
  }
  // The error, or Ok.
  Status status() const { return this->has_value() ? Status::Ok() : this->error(); }
};

#define SLUICE_STATUS_FACTORY(Name, Code)                                        \
  inline Status Name(std::string message) {                                      \
    return Status(StatusCode::Code, std::move(message));                         \
  }                                                                              \
  template <typename... Args>                                                    \
    requires(sizeof...(Args) > 0)                                                \
  Status Name(fmt::format_string<Args...> format, Args&&... args) {              \
    return Status(StatusCode::Code, fmt::format(format, std::forward<Args>(args)...)); \
  }

SLUICE_STATUS_FACTORY(InvalidArgument, kInvalidArgument)
SLUICE_STATUS_FACTORY(NotSupported, kNotSupported)
SLUICE_STATUS_FACTORY(NotFound, kNotFound)
SLUICE_STATUS_FACTORY(Unavailable, kUnavailable)
SLUICE_STATUS_FACTORY(IoError, kIoError)
SLUICE_STATUS_FACTORY(DataError, kDataError)
SLUICE_STATUS_FACTORY(SchemaMismatch, kSchemaMismatch)
SLUICE_STATUS_FACTORY(Conflict, kConflict)
SLUICE_STATUS_FACTORY(LeaseHeld, kLeaseHeld)
SLUICE_STATUS_FACTORY(Cancelled, kCancelled)
SLUICE_STATUS_FACTORY(Internal, kInternal)
#undef SLUICE_STATUS_FACTORY

// "<what>: strerror(errno)" as an IoError.
Status ErrnoError(std::string_view what, int error_number);

namespace internal {
inline const Status& ToStatus(const Status& status) { return status; }
template <typename T>
Status ToStatus(const Result<T>& result) {
  return result.status();
}
}  // namespace internal

}  // namespace sluice

#define SLUICE_CONCAT_INNER(a, b) a##b
#define SLUICE_CONCAT(a, b) SLUICE_CONCAT_INNER(a, b)

// Returns the error of `expr` (a Status or Result) from the current function.
#define SLUICE_RETURN_IF_ERROR(expr)                                      \
  do {                                                                    \
    ::sluice::Status sluice_status_ = ::sluice::internal::ToStatus(expr); \
    if (!sluice_status_.ok()) return sluice_status_;                      \
  } while (0)

// Evaluates `expr` (a Result<T>); on error returns it, else assigns the value to `lhs`.
#define SLUICE_ASSIGN_OR_RETURN(lhs, expr)                                         \
  auto SLUICE_CONCAT(sluice_result_, __LINE__) = (expr);                           \
  if (!SLUICE_CONCAT(sluice_result_, __LINE__).has_value())                        \
    return std::move(SLUICE_CONCAT(sluice_result_, __LINE__)).error();             \
  lhs = std::move(*SLUICE_CONCAT(sluice_result_, __LINE__))
