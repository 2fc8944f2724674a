// JsonFields: strict reading of one JSON object of a state document, with
// errors that name the document and the field:
//   "watermarks/us_dw/orders.json: staged_files[3].rows: expected an integer >= 0, got -5"
//
// Internal to src/state. Thread-safety: used by one thread.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace sluice::state::internal {

// Parses `text` as JSON; DataError naming `origin` when it is not.
Result<nlohmann::json> ParseJson(std::string_view text, const std::string& origin);

class JsonFields {
 public:
  enum Presence { kRequired, kOptional };

  // DataError unless `value` is an object. `path` is "" for the document,
  // else the field's path ("cursor", "staged_files[3]").
  static Result<JsonFields> Open(const nlohmann::json& value, const std::string& origin, std::string path);

  // Missing optional fields yield the type's default (0, "", false, nullptr).
  // String: a JSON string. NullableString: a string or null (null -> nullopt).
  Result<std::string> String(std::string_view name, Presence presence = kRequired);
  Result<std::optional<std::string>> NullableString(std::string_view name, Presence presence = kRequired);
  // A timestamp text ("2025-11-27T15:30:00.000000Z") or null; null and missing give "".
  Result<std::string> Timestamp(std::string_view name, Presence presence = kRequired);
  Result<int64_t> Int64(std::string_view name, int64_t minimum, Presence presence = kRequired);
  Result<uint64_t> UInt64(std::string_view name, Presence presence = kRequired);
  Result<bool> Bool(std::string_view name, Presence presence = kRequired);
  // The field's JSON value, or nullptr when an optional field is missing.
  Result<const nlohmann::json*> Value(std::string_view name, Presence presence = kRequired);

  // DataError naming the first field that was never asked for.
  Status RejectUnknownFields() const;
  // DataError "<origin>: <path>.<name>: <message>".
  Status Error(std::string_view name, std::string_view message) const;
  // "<path>.<name>" (or "<name>" at the top): the path to give a nested object.
  std::string PathOf(std::string_view name) const;
  const std::string& origin() const { return *origin_; }

 private:
  JsonFields(const nlohmann::json& object, const std::string& origin, std::string path)
      : object_(&object), origin_(&origin), path_(std::move(path)) {}

  const nlohmann::json* object_;
  const std::string* origin_;
  std::string path_;
  std::vector<std::string> known_;
};

// "a number", "a string", ...: for "expected X, got Y" messages.
std::string_view JsonTypeName(const nlohmann::json& value);

}  // namespace sluice::state::internal
