// The lease document's JSON form (docs/watermark.md, "The lease").
#include <nlohmann/json.hpp>

#include "state/json_reader.h"
#include "state/lease.h"
#include "types/temporal.h"

namespace sluice::state {
namespace {

using internal::JsonFields;

Result<int64_t> ParseTime(JsonFields& fields, std::string_view name) {
  SLUICE_ASSIGN_OR_RETURN(std::string text, fields.String(name));
  Result<int64_t> micros = ParseTimestamp(text);
  if (!micros.has_value()) return fields.Error(name, micros.error().message());
  return *micros;
}

}  // namespace

std::string LeaseKey(const std::string& pipeline, const std::string& table) {
  return "leases/" + pipeline + "/" + table + ".json";
}

std::string LeaseToJson(const LeaseDocument& document) {
  nlohmann::ordered_json json = {
      {"holder_host", document.holder_host},
      {"holder_pid", document.holder_pid},
      {"run_id", document.run_id},
      {"epoch", document.epoch},
      {"renewed_at", FormatTimestampIso(document.renewed_at_micros)},
      {"expires_at", FormatTimestampIso(document.expires_at_micros)},
      {"released", document.released},
      {"generation", document.generation},
  };
  return json.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

Result<LeaseDocument> LeaseFromJson(std::string_view json, const std::string& origin) {
  SLUICE_ASSIGN_OR_RETURN(nlohmann::json parsed, internal::ParseJson(json, origin));
  SLUICE_ASSIGN_OR_RETURN(JsonFields fields, JsonFields::Open(parsed, origin, ""));
  LeaseDocument document;
  SLUICE_ASSIGN_OR_RETURN(document.holder_host, fields.String("holder_host"));
  SLUICE_ASSIGN_OR_RETURN(document.holder_pid, fields.Int64("holder_pid", 0));
  SLUICE_ASSIGN_OR_RETURN(document.run_id, fields.String("run_id"));
  SLUICE_ASSIGN_OR_RETURN(document.epoch, fields.Int64("epoch", 1));
  SLUICE_ASSIGN_OR_RETURN(document.renewed_at_micros, ParseTime(fields, "renewed_at"));
  SLUICE_ASSIGN_OR_RETURN(document.expires_at_micros, ParseTime(fields, "expires_at"));
  SLUICE_ASSIGN_OR_RETURN(document.released, fields.Bool("released", JsonFields::kOptional));
  SLUICE_ASSIGN_OR_RETURN(document.generation, fields.Int64("generation", 0, JsonFields::kOptional));
  return document;
}

}  // namespace sluice::state
