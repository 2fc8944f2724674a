#include "state/json_reader.h"

#include <algorithm>

#include "types/temporal.h"

namespace sluice::state::internal {

using nlohmann::json;

Result<json> ParseJson(std::string_view text, const std::string& origin) {
  try {
    return json::parse(text);
  } catch (const json::exception& error) {
    return DataError("{}: not valid JSON: {}", origin, error.what());
  }
}

std::string_view JsonTypeName(const json& value) {
  switch (value.type()) {
    case json::value_t::null: return "null";
    case json::value_t::boolean: return "a boolean";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned: return "an integer";
    case json::value_t::number_float: return "a decimal number";
    case json::value_t::string: return "a string";
    case json::value_t::array: return "an array";
    case json::value_t::object: return "an object";
    default: return "an unexpected value";
  }
}

Result<JsonFields> JsonFields::Open(const json& value, const std::string& origin, std::string path) {
  if (!value.is_object()) {
    std::string where = path.empty() ? "the document" : path;
    return DataError("{}: {}: expected an object, got {}", origin, where, JsonTypeName(value));
  }
  return JsonFields(value, origin, std::move(path));
}

std::string JsonFields::PathOf(std::string_view name) const {
  return path_.empty() ? std::string(name) : path_ + "." + std::string(name);
}

Status JsonFields::Error(std::string_view name, std::string_view message) const {
  return DataError("{}: {}: {}", *origin_, PathOf(name), message);
}

Result<const json*> JsonFields::Value(std::string_view name, Presence presence) {
  known_.emplace_back(name);
  auto found = object_->find(name);
  if (found != object_->end()) return &*found;
  if (presence == kOptional) return static_cast<const json*>(nullptr);
  return Error(name, "missing");
}

Result<std::string> JsonFields::String(std::string_view name, Presence presence) {
  SLUICE_ASSIGN_OR_RETURN(const json* value, Value(name, presence));
  if (value == nullptr) return std::string();
  if (!value->is_string()) return Error(name, fmt::format("expected a string, got {}", JsonTypeName(*value)));
  return value->get<std::string>();
}

Result<std::optional<std::string>> JsonFields::NullableString(std::string_view name, Presence presence) {
  SLUICE_ASSIGN_OR_RETURN(const json* value, Value(name, presence));
  if (value == nullptr || value->is_null()) return std::optional<std::string>();
  if (!value->is_string()) {
    return Error(name, fmt::format("expected a string or null, got {}", JsonTypeName(*value)));
  }
  return std::optional<std::string>(value->get<std::string>());
}

Result<std::string> JsonFields::Timestamp(std::string_view name, Presence presence) {
  SLUICE_ASSIGN_OR_RETURN(std::optional<std::string> text, NullableString(name, presence));
  if (!text) return std::string();
  Result<int64_t> parsed = ParseTimestamp(*text);
  if (!parsed.has_value()) return Error(name, parsed.error().message());
  return *text;
}

Result<int64_t> JsonFields::Int64(std::string_view name, int64_t minimum, Presence presence) {
  SLUICE_ASSIGN_OR_RETURN(const json* value, Value(name, presence));
  if (value == nullptr) return std::max<int64_t>(minimum, 0);
  std::string expected = fmt::format("expected an integer >= {}", minimum);
  if (value->is_number_unsigned() && value->get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)) {
    return Error(name, fmt::format("{}, got {} (too large)", expected, value->dump()));
  }
  if (!value->is_number_integer()) return Error(name, fmt::format("{}, got {}", expected, JsonTypeName(*value)));
  int64_t number = value->get<int64_t>();
  if (number < minimum) return Error(name, fmt::format("{}, got {}", expected, number));
  return number;
}

Result<uint64_t> JsonFields::UInt64(std::string_view name, Presence presence) {
  SLUICE_ASSIGN_OR_RETURN(const json* value, Value(name, presence));
  if (value == nullptr) return uint64_t{0};
  if (value->is_number_unsigned()) return value->get<uint64_t>();
  if (value->is_number_integer()) return Error(name, fmt::format("expected an integer >= 0, got {}", value->dump()));
  return Error(name, fmt::format("expected an integer >= 0, got {}", JsonTypeName(*value)));
}

Result<bool> JsonFields::Bool(std::string_view name, Presence presence) {
  SLUICE_ASSIGN_OR_RETURN(const json* value, Value(name, presence));
  if (value == nullptr) return false;
  if (!value->is_boolean()) return Error(name, fmt::format("expected true or false, got {}", JsonTypeName(*value)));
  return value->get<bool>();
}

Status JsonFields::RejectUnknownFields() const {
  for (const auto& [name, value] : object_->items()) {
    if (std::find(known_.begin(), known_.end(), name) == known_.end()) return Error(name, "unknown field");
  }
  return Status::Ok();
}

}  // namespace sluice::state::internal
