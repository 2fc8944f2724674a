#include "store/keys.h"

namespace sluice::store {
namespace {

// The problem with one segment, or "" when it is fine. `complete` is false
// for the last segment of a List prefix, which may be cut short.
std::string_view SegmentProblem(std::string_view segment, bool complete) {
  if (segment.empty()) return "it has an empty path segment ('//', or a leading or trailing '/')";
  if (complete && (segment == "." || segment == "..")) return "'.' and '..' segments are not allowed";
  if (segment.size() > kMaxSegmentBytes) return "a path segment is longer than 255 bytes";
  if (complete && IsReservedName(segment)) return "segments starting with '.sluice-' are reserved for the store";
  for (char c : segment) {
    auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) return "it contains a control character";
  }
  return "";
}

// Checks every segment; the last is complete only when `last_complete`.
std::string_view PathProblem(std::string_view path, bool last_complete) {
  if (path.size() > kMaxKeyBytes) return "it is longer than 1024 bytes";
  if (path.starts_with('/')) return "it starts with '/' (keys are relative to the store's root)";
  size_t start = 0;
  while (true) {
    size_t slash = path.find('/', start);
    bool last = slash == std::string_view::npos;
    std::string_view segment = path.substr(start, last ? std::string_view::npos : slash - start);
    std::string_view problem = SegmentProblem(segment, !last || last_complete);
    if (!problem.empty()) return problem;
    if (last) return "";
    start = slash + 1;
  }
}

}  // namespace

Status ValidateKey(std::string_view key) {
  if (key.empty()) return InvalidArgument("invalid object key '': it is empty");
  std::string_view problem = PathProblem(key, /*last_complete=*/true);
  if (!problem.empty()) return InvalidArgument("invalid object key '{}': {}", key, problem);
  return Status::Ok();
}

Status ValidateListPrefix(std::string_view prefix) {
  if (prefix.empty()) return Status::Ok();
  std::string_view path = prefix;
  bool ends_with_slash = path.ends_with('/');
  if (ends_with_slash) path.remove_suffix(1);
  std::string_view problem = PathProblem(path, /*last_complete=*/ends_with_slash);
  if (!problem.empty()) return InvalidArgument("invalid list prefix '{}': {}", prefix, problem);
  return Status::Ok();
}

}  // namespace sluice::store
