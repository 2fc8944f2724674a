// The watermark document's JSON form (SPEC §4, docs/watermark.md).
#include <algorithm>
#include <array>
#include <nlohmann/json.hpp>

#include "state/json_reader.h"
#include "state/watermark.h"
#include "types/temporal.h"

namespace sluice::state {
namespace {

using internal::JsonFields;
using internal::JsonTypeName;
using nlohmann::json;
using nlohmann::ordered_json;
constexpr auto kOptional = JsonFields::kOptional;

constexpr std::array kCdcStrategies = {"", "hybrid", "timestamp_only", "id_only", "full_sync", "custom_sql"};

// Timestamps and optional texts: "" is written as null.
ordered_json TextOrNull(const std::string& text) { return text.empty() ? ordered_json(nullptr) : ordered_json(text); }
ordered_json TextOrNull(const std::optional<std::string>& text) { return text ? ordered_json(*text) : nullptr; }

ordered_json CursorIdToJson(const Value& id) {
  switch (id.kind()) {
    case Value::Kind::kNull: return nullptr;
    case Value::Kind::kInt64: return id.int64();
    case Value::Kind::kUInt64: return id.uint64();
    case Value::Kind::kText: return id.text();
    case Value::Kind::kTimestamp:
    case Value::Kind::kDate: return id.ToString();  // read back as text
  }
  return nullptr;
}

ordered_json LogPositionToJson(const LogPosition& position) {
  if (const Lsn* lsn = std::get_if<Lsn>(&position)) return {{"lsn", lsn->text}};
  const BinlogPosition& binlog = std::get<BinlogPosition>(position);
  return {{"file", binlog.file}, {"position", binlog.position}, {"gtid", TextOrNull(binlog.gtid)}};
}

// "timestamp" and "id" as every document before log positions had them;
// "log" and "snapshot" only when set, and then the other two only if set,
// so a log cursor is SPEC §8's {"log": {...}}.
ordered_json CursorToJson(const Cursor& cursor) {
  ordered_json json = ordered_json::object();
  bool keyed = !cursor.log && !cursor.snapshot;
  if (keyed || cursor.timestamp_micros) {
    json["timestamp"] = cursor.timestamp_micros ? ordered_json(FormatTimestampIso(*cursor.timestamp_micros))
                                                : ordered_json(nullptr);
  }
  if (keyed || !cursor.id.is_null()) json["id"] = CursorIdToJson(cursor.id);
  if (cursor.log) json["log"] = LogPositionToJson(*cursor.log);
  if (cursor.snapshot) {
    json["snapshot"] = {{"state", cursor.snapshot->state},
                        {"taken_at", FormatTimestampIso(cursor.snapshot->taken_at_micros)}};
  }
  if (cursor.copy) {
    // The position: "after" for a copy in primary-key order, "heap" for one in page order.
    json["copy"] = ordered_json::object();
    if (const std::optional<HeapProgress>& heap = cursor.copy->heap) {
      json["copy"]["heap"] = {{"next_page", heap->next_page}, {"storage", heap->storage}};
    } else {
      ordered_json after = ordered_json::array();
      for (const Value& value : cursor.copy->after) after.push_back(CursorIdToJson(value));
      json["copy"]["after"] = std::move(after);
    }
    const std::optional<int64_t>& started = cursor.copy->started_micros;
    json["copy"]["ceiling"] = FormatTimestampIso(cursor.copy->ceiling_micros);
    json["copy"]["started_at"] = started ? ordered_json(FormatTimestampIso(*started)) : ordered_json(nullptr);
    const std::optional<int64_t>& max = cursor.copy->max_timestamp_micros;
    json["copy"]["max_timestamp"] = max ? ordered_json(FormatTimestampIso(*max)) : ordered_json(nullptr);
    json["copy"]["max_id"] = CursorIdToJson(cursor.copy->max_id);
  }
  return json;
}

ordered_json CursorToJson(const std::optional<Cursor>& cursor) {
  return cursor ? CursorToJson(*cursor) : ordered_json(nullptr);
}

ordered_json StagedFilesToJson(const std::vector<StagedFileEntry>& entries) {
  ordered_json array = ordered_json::array();
  for (const StagedFileEntry& entry : entries) {
    array.push_back({{"key", entry.key},
                     {"rows", entry.rows},
                     {"bytes", entry.bytes},
                     {"run_id", entry.run_id},
                     {"staged_at", TextOrNull(entry.staged_at)},
                     {"cursor_before", CursorToJson(entry.cursor_before)},
                     {"cursor_after", CursorToJson(entry.cursor_after)}});
  }
  return array;
}

ordered_json RewindToJson(const std::optional<RewindRecord>& rewind) {
  if (!rewind) return nullptr;
  return {{"at", TextOrNull(rewind->at)},
          {"key", rewind->key},
          {"reason", rewind->reason},
          {"files_dropped", rewind->files_dropped},
          {"rows_dropped", rewind->rows_dropped},
          {"cursor", CursorToJson(rewind->cursor)}};
}

ordered_json LoadedFilesToJson(const std::vector<LoadedFileEntry>& entries) {
  ordered_json array = ordered_json::array();
  size_t first = entries.size() > kLoadedFilesKept ? entries.size() - kLoadedFilesKept : 0;
  for (size_t entry_idx = first; entry_idx < entries.size(); ++entry_idx) {
    const LoadedFileEntry& entry = entries[entry_idx];
    array.push_back({{"key", entry.key}, {"rows", entry.rows}, {"loaded_at", TextOrNull(entry.loaded_at)}});
  }
  return array;
}

template <size_t N>
Status CheckOneOf(JsonFields& fields, std::string_view name, const std::string& value,
                  const std::array<const char*, N>& allowed) {
  if (std::find(allowed.begin(), allowed.end(), value) != allowed.end()) return Status::Ok();
  std::string choices;
  for (const char* choice : allowed) {
    if (*choice) choices += fmt::format("{}{}", choices.empty() ? "" : ", ", choice);
  }
  return fields.Error(name, fmt::format("'{}' is not one of {}", value, choices));
}

// The enum the field `name` spells; an error listing the names otherwise.
template <typename Enum, size_t N>
Result<Enum> ParseEnum(JsonFields& fields, std::string_view name, const EnumNames<Enum, N>& names) {
  SLUICE_ASSIGN_OR_RETURN(std::string text, fields.String(name));
  std::optional<Enum> value = names.Parse(text);
  if (!value) return fields.Error(name, fmt::format("'{}' is not one of {}", text, names.List()));
  return *value;
}

ordered_json SchemaToJson(const std::optional<Schema>& schema) {
  if (!schema) return nullptr;
  ordered_json columns = ordered_json::array();
  for (const Field& field : schema->fields) {
    columns.push_back({{"name", field.name},
                       {"type", field.type.ToString()},
                       {"nullable", field.nullable},
                       {"source_type", field.source_type},
                       {"max_length", field.max_length}});
  }
  return {{"columns", std::move(columns)}, {"primary_key", schema->primary_key}};
}

// A cursor id: an integer (beyond INT64_MAX: unsigned), a string or null;
// nullopt for any other JSON type.
std::optional<Value> CursorIdOf(const json* id) {
  if (id->is_number_unsigned() && id->get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)) {
    return Value::UInt64(id->get<uint64_t>());
  }
  if (id->is_number_integer()) return Value::Int64(id->get<int64_t>());
  if (id->is_string()) return Value::Text(id->get<std::string>());
  if (id->is_null()) return Value();
  return std::nullopt;
}

Result<Value> ParseCursorId(JsonFields& fields, std::string_view name) {
  SLUICE_ASSIGN_OR_RETURN(const json* id, fields.Value(name));
  std::optional<Value> value = CursorIdOf(id);
  if (!value) {
    return fields.Error(name, fmt::format("expected an integer, a string or null, got {}", JsonTypeName(*id)));
  }
  return std::move(*value);
}

// A timestamp or null (or missing when `presence` allows): nullopt for null.
Result<std::optional<int64_t>> ParseNullableMicros(JsonFields& fields, std::string_view name,
                                                   JsonFields::Presence presence) {
  SLUICE_ASSIGN_OR_RETURN(std::optional<std::string> text, fields.NullableString(name, presence));
  if (!text) return std::optional<int64_t>();
  Result<int64_t> micros = ParseTimestamp(*text);
  if (!micros.has_value()) return fields.Error(name, micros.error().message());
  return std::optional<int64_t>(*micros);
}

Result<int64_t> ParseMicros(JsonFields& fields, std::string_view name) {
  SLUICE_ASSIGN_OR_RETURN(std::string text, fields.String(name));
  Result<int64_t> micros = ParseTimestamp(text);
  if (!micros.has_value()) return fields.Error(name, micros.error().message());
  return *micros;
}

// {"file", "position", "gtid"} (MySQL/MariaDB) or {"lsn"} (PostgreSQL).
Result<LogPosition> ParseLogPosition(JsonFields& cursor) {
  SLUICE_ASSIGN_OR_RETURN(const json* value, cursor.Value("log"));
  SLUICE_ASSIGN_OR_RETURN(JsonFields fields, JsonFields::Open(*value, cursor.origin(), cursor.PathOf("log")));
  SLUICE_ASSIGN_OR_RETURN(const json* lsn_value, fields.Value("lsn", kOptional));
  if (lsn_value != nullptr) {
    SLUICE_ASSIGN_OR_RETURN(std::string text, fields.String("lsn"));
    Result<Lsn> lsn = Lsn::Parse(text);
    if (!lsn.has_value()) return fields.Error("lsn", lsn.error().message());
    SLUICE_RETURN_IF_ERROR(fields.RejectUnknownFields());  // a binlog "file" beside it is unknown here
    return LogPosition(std::move(*lsn));
  }
  BinlogPosition binlog;
  SLUICE_ASSIGN_OR_RETURN(binlog.file, fields.String("file"));
  if (binlog.file.empty()) return fields.Error("file", "empty (expected a binlog file name such as binlog.000042)");
  SLUICE_ASSIGN_OR_RETURN(binlog.position, fields.UInt64("position"));
  SLUICE_ASSIGN_OR_RETURN(std::optional<std::string> gtid, fields.NullableString("gtid", kOptional));
  binlog.gtid = gtid.value_or("");
  SLUICE_RETURN_IF_ERROR(fields.RejectUnknownFields());
  return LogPosition(std::move(binlog));
}

Result<SnapshotState> ParseSnapshotState(JsonFields& cursor) {
  SLUICE_ASSIGN_OR_RETURN(const json* value, cursor.Value("snapshot"));
  SLUICE_ASSIGN_OR_RETURN(JsonFields fields, JsonFields::Open(*value, cursor.origin(), cursor.PathOf("snapshot")));
  SnapshotState snapshot;
  SLUICE_ASSIGN_OR_RETURN(snapshot.state, fields.String("state"));
  if (snapshot.state.empty()) return fields.Error("state", "empty (expected the store key of the snapshot's state)");
  SLUICE_ASSIGN_OR_RETURN(snapshot.taken_at_micros, ParseMicros(fields, "taken_at"));
  SLUICE_RETURN_IF_ERROR(fields.RejectUnknownFields());
  return snapshot;
}

// {"next_page": 1234, "storage": "16391"}: where a copy in page order stands.
Result<HeapProgress> ParseHeapProgress(JsonFields& copy) {
  SLUICE_ASSIGN_OR_RETURN(const json* value, copy.Value("heap"));
  SLUICE_ASSIGN_OR_RETURN(JsonFields fields, JsonFields::Open(*value, copy.origin(), copy.PathOf("heap")));
  HeapProgress heap;
  SLUICE_ASSIGN_OR_RETURN(heap.next_page, fields.Int64("next_page", 0));
  SLUICE_ASSIGN_OR_RETURN(heap.storage, fields.String("storage"));
  if (heap.storage.empty()) {
    return fields.Error("storage", "empty (expected the table storage the pages belong to, e.g. a relfilenode)");
  }
  SLUICE_RETURN_IF_ERROR(fields.RejectUnknownFields());
  return heap;
}

// {"after": [key values] or "heap": {...}, "ceiling": ISO UTC, ...}: a first copy's progress.
Result<CopyProgress> ParseCopyProgress(JsonFields& cursor) {
  SLUICE_ASSIGN_OR_RETURN(const json* value, cursor.Value("copy"));
  SLUICE_ASSIGN_OR_RETURN(JsonFields fields, JsonFields::Open(*value, cursor.origin(), cursor.PathOf("copy")));
  CopyProgress copy;
  SLUICE_ASSIGN_OR_RETURN(const json* heap, fields.Value("heap", kOptional));
  SLUICE_ASSIGN_OR_RETURN(const json* after,
                          fields.Value("after", heap != nullptr ? kOptional : JsonFields::kRequired));
  if (heap != nullptr && after != nullptr) {
    return fields.Error("heap", "a copy is in primary-key order (\"after\") or in page order (\"heap\"), not both");
  }
  if (heap != nullptr) {
    SLUICE_ASSIGN_OR_RETURN(copy.heap, ParseHeapProgress(fields));
  } else if (!after->is_array()) {
    return fields.Error("after", fmt::format("expected an array of primary-key values, got {}", JsonTypeName(*after)));
  } else {
    for (const json& element : *after) {
      std::optional<Value> key = CursorIdOf(&element);
      if (!key || key->is_null()) {
        return fields.Error("after", fmt::format("expected integers or strings, got {}", JsonTypeName(element)));
      }
      copy.after.push_back(std::move(*key));
    }
  }
  SLUICE_ASSIGN_OR_RETURN(copy.ceiling_micros, ParseMicros(fields, "ceiling"));
  SLUICE_ASSIGN_OR_RETURN(copy.started_micros, ParseNullableMicros(fields, "started_at", kOptional));
  SLUICE_ASSIGN_OR_RETURN(copy.max_timestamp_micros, ParseNullableMicros(fields, "max_timestamp", kOptional));
  SLUICE_ASSIGN_OR_RETURN(const json* max_id, fields.Value("max_id", kOptional));
  if (max_id != nullptr) {
    SLUICE_ASSIGN_OR_RETURN(copy.max_id, ParseCursorId(fields, "max_id"));
  }
  SLUICE_RETURN_IF_ERROR(fields.RejectUnknownFields());
  return copy;
}

// The cursor object in field `name` of `document`. "timestamp" and "id"
// are required unless the cursor holds a log position or a snapshot.
Result<Cursor> ParseCursor(JsonFields& document, std::string_view name = "cursor") {
  SLUICE_ASSIGN_OR_RETURN(const json* value, document.Value(name));
  SLUICE_ASSIGN_OR_RETURN(JsonFields fields, JsonFields::Open(*value, document.origin(), document.PathOf(name)));
  Cursor cursor;
  SLUICE_ASSIGN_OR_RETURN(const json* log, fields.Value("log", kOptional));
  if (log != nullptr) {
    SLUICE_ASSIGN_OR_RETURN(cursor.log, ParseLogPosition(fields));
  }
  SLUICE_ASSIGN_OR_RETURN(const json* snapshot, fields.Value("snapshot", kOptional));
  if (snapshot != nullptr) {
    SLUICE_ASSIGN_OR_RETURN(cursor.snapshot, ParseSnapshotState(fields));
  }
  SLUICE_ASSIGN_OR_RETURN(const json* copy, fields.Value("copy", kOptional));
  if (copy != nullptr) {
    SLUICE_ASSIGN_OR_RETURN(cursor.copy, ParseCopyProgress(fields));
  }
  JsonFields::Presence keys = cursor.log || cursor.snapshot ? kOptional : JsonFields::kRequired;
  SLUICE_ASSIGN_OR_RETURN(cursor.timestamp_micros, ParseNullableMicros(fields, "timestamp", keys));
  SLUICE_ASSIGN_OR_RETURN(const json* id, fields.Value("id", keys));
  if (id != nullptr) {
    SLUICE_ASSIGN_OR_RETURN(cursor.id, ParseCursorId(fields, "id"));
  }
  SLUICE_RETURN_IF_ERROR(fields.RejectUnknownFields());
  return cursor;
}

// An optional cursor field: missing or null gives nullopt.
Result<std::optional<Cursor>> ParseOptionalCursor(JsonFields& document, std::string_view name) {
  SLUICE_ASSIGN_OR_RETURN(const json* value, document.Value(name, kOptional));
  if (value == nullptr || value->is_null()) return std::optional<Cursor>();
  SLUICE_ASSIGN_OR_RETURN(Cursor cursor, ParseCursor(document, name));
  return std::optional<Cursor>(std::move(cursor));
}

Result<std::optional<RewindRecord>> ParseRewind(JsonFields& document) {
  SLUICE_ASSIGN_OR_RETURN(const json* value, document.Value("last_rewind", kOptional));
  if (value == nullptr || value->is_null()) return std::optional<RewindRecord>();
  SLUICE_ASSIGN_OR_RETURN(JsonFields fields, JsonFields::Open(*value, document.origin(), "last_rewind"));
  RewindRecord rewind;
  SLUICE_ASSIGN_OR_RETURN(rewind.at, fields.Timestamp("at"));
  SLUICE_ASSIGN_OR_RETURN(rewind.key, fields.String("key"));
  SLUICE_ASSIGN_OR_RETURN(rewind.reason, fields.String("reason"));
  SLUICE_ASSIGN_OR_RETURN(rewind.files_dropped, fields.Int64("files_dropped", 0));
  SLUICE_ASSIGN_OR_RETURN(rewind.rows_dropped, fields.Int64("rows_dropped", 0));
  SLUICE_ASSIGN_OR_RETURN(rewind.cursor, ParseOptionalCursor(fields, "cursor"));
  SLUICE_RETURN_IF_ERROR(fields.RejectUnknownFields());
  return std::optional<RewindRecord>(std::move(rewind));
}

Result<ExtractState> ParseExtract(JsonFields& document) {
  SLUICE_ASSIGN_OR_RETURN(const json* value, document.Value("extract"));
  SLUICE_ASSIGN_OR_RETURN(JsonFields fields, JsonFields::Open(*value, document.origin(), "extract"));
  ExtractState extract;
  SLUICE_ASSIGN_OR_RETURN(extract.status, ParseEnum(fields, "status", kExtractStatusNames));
  SLUICE_ASSIGN_OR_RETURN(extract.total_rows, fields.Int64("total_rows", 0));
  SLUICE_ASSIGN_OR_RETURN(extract.last_session_rows, fields.Int64("last_session_rows", 0));
  SLUICE_ASSIGN_OR_RETURN(extract.last_started_at, fields.Timestamp("last_started_at"));
  SLUICE_ASSIGN_OR_RETURN(extract.last_finished_at, fields.Timestamp("last_finished_at"));
  SLUICE_ASSIGN_OR_RETURN(extract.last_error, fields.NullableString("last_error"));
  SLUICE_ASSIGN_OR_RETURN(extract.last_run_id, fields.String("last_run_id", kOptional));
  SLUICE_ASSIGN_OR_RETURN(extract.last_success_at, fields.Timestamp("last_success_at", kOptional));
  SLUICE_RETURN_IF_ERROR(fields.RejectUnknownFields());
  return extract;
}

Result<LoadState> ParseLoad(JsonFields& document) {
  SLUICE_ASSIGN_OR_RETURN(const json* value, document.Value("load"));
  SLUICE_ASSIGN_OR_RETURN(JsonFields fields, JsonFields::Open(*value, document.origin(), "load"));
  LoadState load;
  SLUICE_ASSIGN_OR_RETURN(load.status, ParseEnum(fields, "status", kLoadStatusNames));
  SLUICE_ASSIGN_OR_RETURN(load.rows_loaded, fields.Int64("rows_loaded", 0));
  SLUICE_ASSIGN_OR_RETURN(load.last_loaded_at, fields.Timestamp("last_loaded_at"));
  SLUICE_ASSIGN_OR_RETURN(load.last_error, fields.NullableString("last_error", kOptional));
  SLUICE_RETURN_IF_ERROR(fields.RejectUnknownFields());
  return load;
}

// Calls `parse_entry(fields)` for each element of the array field `name`.
template <typename Entry, typename ParseEntry>
Result<std::vector<Entry>> ParseArray(JsonFields& document, std::string_view name, JsonFields::Presence presence,
                                      ParseEntry parse_entry) {
  SLUICE_ASSIGN_OR_RETURN(const json* value, document.Value(name, presence));
  std::vector<Entry> entries;
  if (value == nullptr) return entries;
  if (!value->is_array()) return document.Error(name, fmt::format("expected an array, got {}", JsonTypeName(*value)));
  for (size_t entry_idx = 0; entry_idx < value->size(); ++entry_idx) {
    std::string path = fmt::format("{}[{}]", document.PathOf(name), entry_idx);
    SLUICE_ASSIGN_OR_RETURN(JsonFields fields, JsonFields::Open((*value)[entry_idx], document.origin(), path));
    SLUICE_ASSIGN_OR_RETURN(Entry entry, parse_entry(fields));
    SLUICE_RETURN_IF_ERROR(fields.RejectUnknownFields());
    entries.push_back(std::move(entry));
  }
  return entries;
}

ordered_json LookbackToJson(const Lookback& lookback) {
  ordered_json samples = ordered_json::array();
  for (const IdSample& sample : lookback.id_samples) {
    samples.push_back({{"at", FormatTimestampIso(sample.at_micros)}, {"id", CursorIdToJson(sample.id)}});
  }
  return {{"from_timestamp", lookback.from_timestamp_micros
                                 ? ordered_json(FormatTimestampIso(*lookback.from_timestamp_micros))
                                 : ordered_json(nullptr)},
          {"from_id", CursorIdToJson(lookback.from_id)},
          {"id_samples", std::move(samples)}};
}

Result<IdSample> ParseIdSample(JsonFields& fields) {
  IdSample sample;
  SLUICE_ASSIGN_OR_RETURN(sample.at_micros, ParseMicros(fields, "at"));
  SLUICE_ASSIGN_OR_RETURN(sample.id, ParseCursorId(fields, "id"));
  return sample;
}

// Absent in documents written before lookbacks were recorded: an empty state.
Result<Lookback> ParseLookback(JsonFields& document) {
  SLUICE_ASSIGN_OR_RETURN(const json* value, document.Value("lookback", kOptional));
  Lookback lookback;
  if (value == nullptr || value->is_null()) return lookback;
  SLUICE_ASSIGN_OR_RETURN(JsonFields fields, JsonFields::Open(*value, document.origin(), "lookback"));
  SLUICE_ASSIGN_OR_RETURN(std::optional<std::string> from, fields.NullableString("from_timestamp", kOptional));
  if (from) {
    Result<int64_t> micros = ParseTimestamp(*from);
    if (!micros.has_value()) return fields.Error("from_timestamp", micros.error().message());
    lookback.from_timestamp_micros = *micros;
  }
  SLUICE_ASSIGN_OR_RETURN(const json* from_id, fields.Value("from_id", kOptional));
  if (from_id != nullptr) {
    SLUICE_ASSIGN_OR_RETURN(lookback.from_id, ParseCursorId(fields, "from_id"));
  }
  SLUICE_ASSIGN_OR_RETURN(lookback.id_samples,
                          ParseArray<IdSample>(fields, "id_samples", kOptional, ParseIdSample));
  SLUICE_RETURN_IF_ERROR(fields.RejectUnknownFields());
  return lookback;
}

Result<Field> ParseSchemaColumn(JsonFields& fields) {
  Field field;
  SLUICE_ASSIGN_OR_RETURN(field.name, fields.String("name"));
  SLUICE_ASSIGN_OR_RETURN(std::string type, fields.String("type"));
  std::optional<DataType> parsed = ParseDataType(type);
  if (!parsed) return fields.Error("type", fmt::format("'{}' is not a sluice type", type));
  field.type = *parsed;
  SLUICE_ASSIGN_OR_RETURN(field.nullable, fields.Bool("nullable"));
  SLUICE_ASSIGN_OR_RETURN(field.source_type, fields.String("source_type", kOptional));
  SLUICE_ASSIGN_OR_RETURN(field.max_length, fields.Int64("max_length", 0, kOptional));
  return field;
}

Result<std::optional<Schema>> ParseSchema(JsonFields& document) {
  SLUICE_ASSIGN_OR_RETURN(const json* value, document.Value("schema", kOptional));
  if (value == nullptr || value->is_null()) return std::optional<Schema>();
  SLUICE_ASSIGN_OR_RETURN(JsonFields fields, JsonFields::Open(*value, document.origin(), "schema"));
  Schema schema;
  SLUICE_ASSIGN_OR_RETURN(schema.fields, ParseArray<Field>(fields, "columns", JsonFields::kRequired, ParseSchemaColumn));
  SLUICE_ASSIGN_OR_RETURN(const json* key, fields.Value("primary_key"));
  if (!key->is_array()) return fields.Error("primary_key", "expected an array of column names");
  for (const json& column : *key) {
    if (!column.is_string()) return fields.Error("primary_key", "expected an array of column names");
    schema.primary_key.push_back(column.get<std::string>());
  }
  SLUICE_RETURN_IF_ERROR(fields.RejectUnknownFields());
  return std::optional<Schema>(std::move(schema));
}

Result<StagedFileEntry> ParseStagedFile(JsonFields& fields) {
  StagedFileEntry entry;
  SLUICE_ASSIGN_OR_RETURN(entry.key, fields.String("key"));
  if (entry.key.empty()) return fields.Error("key", "empty");
  SLUICE_ASSIGN_OR_RETURN(entry.rows, fields.Int64("rows", 0));
  SLUICE_ASSIGN_OR_RETURN(entry.bytes, fields.UInt64("bytes"));
  SLUICE_ASSIGN_OR_RETURN(entry.run_id, fields.String("run_id", kOptional));
  SLUICE_ASSIGN_OR_RETURN(entry.staged_at, fields.Timestamp("staged_at", kOptional));
  SLUICE_ASSIGN_OR_RETURN(entry.cursor_before, ParseOptionalCursor(fields, "cursor_before"));
  SLUICE_ASSIGN_OR_RETURN(entry.cursor_after, ParseOptionalCursor(fields, "cursor_after"));
  return entry;
}

Result<LoadedFileEntry> ParseLoadedFile(JsonFields& fields) {
  LoadedFileEntry entry;
  SLUICE_ASSIGN_OR_RETURN(entry.key, fields.String("key"));
  if (entry.key.empty()) return fields.Error("key", "empty");
  SLUICE_ASSIGN_OR_RETURN(entry.rows, fields.Int64("rows", 0));
  SLUICE_ASSIGN_OR_RETURN(entry.loaded_at, fields.Timestamp("loaded_at"));
  return entry;
}

// "version" first: a newer document may have fields this build does not know.
Result<int> ParseVersion(JsonFields& document) {
  SLUICE_ASSIGN_OR_RETURN(const json* value, document.Value("version"));
  if (!value->is_number_unsigned() || value->get<uint64_t>() < 1) {
    return document.Error("version", fmt::format("expected an integer >= 1, got {}", value->dump()));
  }
  if (value->get<uint64_t>() > static_cast<uint64_t>(kWatermarkVersion)) {
    return NotSupported(
        "{}: version {} of the watermark format is newer than this sluice reads (up to {}); "
        "upgrade sluice to use this watermark",
        document.origin(), value->dump(), kWatermarkVersion);
  }
  return static_cast<int>(value->get<uint64_t>());
}

}  // namespace

std::string WatermarkToJson(const Watermark& watermark) {
  ordered_json document = {
      {"version", watermark.version},
      {"pipeline", watermark.pipeline},
      {"table", watermark.table},
      {"cdc_strategy", watermark.cdc_strategy},
      {"cursor", CursorToJson(watermark.cursor)},
      {"lookback", watermark.lookback.empty() ? ordered_json(nullptr) : LookbackToJson(watermark.lookback)},
      {"extract",
       {{"status", std::string(ToString(watermark.extract.status))},
        {"total_rows", watermark.extract.total_rows},
        {"last_session_rows", watermark.extract.last_session_rows},
        {"last_started_at", TextOrNull(watermark.extract.last_started_at)},
        {"last_finished_at", TextOrNull(watermark.extract.last_finished_at)},
        {"last_error", TextOrNull(watermark.extract.last_error)},
        {"last_run_id", watermark.extract.last_run_id},
        {"last_success_at", TextOrNull(watermark.extract.last_success_at)}}},
      {"staged_files", StagedFilesToJson(watermark.staged_files)},
      {"pending_files", StagedFilesToJson(watermark.pending_files)},
      {"loaded_files", LoadedFilesToJson(watermark.loaded_files)},
      {"load",
       {{"status", std::string(ToString(watermark.load.status))},
        {"rows_loaded", watermark.load.rows_loaded},
        {"last_loaded_at", TextOrNull(watermark.load.last_loaded_at)},
        {"last_error", TextOrNull(watermark.load.last_error)}}},
      {"schema_fingerprint", watermark.schema_fingerprint},
      {"schema", SchemaToJson(watermark.schema)},
      {"last_rewind", RewindToJson(watermark.last_rewind)},
      {"lease_epoch", watermark.lease_epoch},
  };
  // Absent until the first save that counts, so documents from before it read and rewrite unchanged.
  if (watermark.generation > 0) document["generation"] = watermark.generation;
  // Invalid UTF-8 (an error message quoting source bytes) becomes U+FFFD rather than failing the save.
  return document.dump(2, ' ', false, ordered_json::error_handler_t::replace);
}

Result<Watermark> WatermarkFromJson(std::string_view text, const std::string& origin) {
  SLUICE_ASSIGN_OR_RETURN(json parsed, internal::ParseJson(text, origin));
  SLUICE_ASSIGN_OR_RETURN(JsonFields document, JsonFields::Open(parsed, origin, ""));
  Watermark watermark;
  SLUICE_ASSIGN_OR_RETURN(watermark.version, ParseVersion(document));
  SLUICE_ASSIGN_OR_RETURN(watermark.pipeline, document.String("pipeline"));
  SLUICE_ASSIGN_OR_RETURN(watermark.table, document.String("table"));
  SLUICE_ASSIGN_OR_RETURN(watermark.cdc_strategy, document.String("cdc_strategy"));
  SLUICE_RETURN_IF_ERROR(CheckOneOf(document, "cdc_strategy", watermark.cdc_strategy, kCdcStrategies));
  SLUICE_ASSIGN_OR_RETURN(watermark.cursor, ParseCursor(document));
  SLUICE_ASSIGN_OR_RETURN(watermark.lookback, ParseLookback(document));
  SLUICE_ASSIGN_OR_RETURN(watermark.extract, ParseExtract(document));
  SLUICE_ASSIGN_OR_RETURN(watermark.staged_files, ParseArray<StagedFileEntry>(document, "staged_files",
                                                                              JsonFields::kRequired, ParseStagedFile));
  SLUICE_ASSIGN_OR_RETURN(watermark.pending_files,
                          ParseArray<StagedFileEntry>(document, "pending_files", kOptional, ParseStagedFile));
  SLUICE_ASSIGN_OR_RETURN(watermark.loaded_files, ParseArray<LoadedFileEntry>(document, "loaded_files",
                                                                              JsonFields::kRequired, ParseLoadedFile));
  SLUICE_ASSIGN_OR_RETURN(watermark.load, ParseLoad(document));
  SLUICE_ASSIGN_OR_RETURN(watermark.schema_fingerprint, document.String("schema_fingerprint"));
  SLUICE_ASSIGN_OR_RETURN(watermark.schema, ParseSchema(document));
  SLUICE_ASSIGN_OR_RETURN(watermark.last_rewind, ParseRewind(document));
  SLUICE_ASSIGN_OR_RETURN(watermark.lease_epoch, document.Int64("lease_epoch", 0, kOptional));
  SLUICE_ASSIGN_OR_RETURN(watermark.generation, document.Int64("generation", 0, kOptional));
  SLUICE_RETURN_IF_ERROR(document.RejectUnknownFields());
  return watermark;
}

}  // namespace sluice::state
