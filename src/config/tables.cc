// Reading the `tables:` of a pipeline file: each table's strategy and the
// pipeline defaults it overrides, and the checks each strategy needs.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <set>

#include "common/spelling.h"
#include "config/parse.h"

namespace sluice::config {
namespace {

constexpr int64_t kMaxBatchSize = 100'000'000;
constexpr int64_t kMaxLookbackSeconds = 365 * 24 * 3600;
const std::vector<std::string_view> kPlaceholders = {"last_timestamp", "last_id", "ceiling_timestamp", "ceiling_id"};

const std::vector<std::string_view> kTableKeys = {
    "cdc_strategy", "cdc_timestamp_column", "cdc_id_column", "lookback_seconds", "target_name",
    "primary_key",  "full_sync_mode",       "custom_sql",    "processing",       "validation"};

std::vector<KeyHint> TableHints() {
  std::vector<KeyHint> hints = BelongsUnder("processing", kProcessingKeys);
  for (KeyHint& hint : BelongsUnder("validation", kValidationKeys)) hints.push_back(std::move(hint));
  for (std::string_view key : kStagingKeys) {
    hints.push_back(KeyHint{key, fmt::format("{} is set once per pipeline, under pipeline: staging:", key)});
  }
  hints.push_back(KeyHint{"strategy", "did you mean 'cdc_strategy'?"});
  return hints;
}

// Reports `key` when set: it does not apply to the table's strategy.
void Reject(MapReader& reader, const TableConfig& table, std::string_view key, std::string_view remedy) {
  if (!reader.Has(key)) return;
  reader.Report(key, fmt::format("does not apply to cdc_strategy {} ({})", ToString(table.cdc_strategy), remedy));
}

// Why a query shows placeholders yet has none: "; {{a}}, {{b}} stand inside
// a quoted string or a comment, ...", each name once; "" when it shows none.
std::string InTextNote(const std::vector<std::string>& names) {
  if (names.empty()) return "";
  std::vector<std::string> braced;
  for (const std::string& name : names) {
    std::string text = fmt::format("{{{{{}}}}}", name);
    if (std::ranges::find(braced, text) == braced.end()) braced.push_back(std::move(text));
  }
  bool one = braced.size() == 1;
  return fmt::format(
      "; {} {} inside a quoted string or a comment, where the database reads {} as text: write {} without quotes "
      "(sluice binds the value)",
      fmt::join(braced, ", "), one ? "stands" : "stand", one ? "it" : "them", one ? "it" : "them");
}

// The placeholders of custom_sql, found as the pipeline's source reads the
// query (types/sql_placeholders.h). Without a known source there is nothing
// to read it as; the reference itself is reported (CheckReferences).
void CheckPlaceholders(MapReader& reader, const TableConfig& table, std::optional<SqlFlavor> source_sql) {
  if (!source_sql) return;
  Result<PlaceholderScan> scan = ScanPlaceholders(table.custom_sql, *source_sql);
  if (!scan.has_value()) {
    reader.Report("custom_sql", scan.error().message());
    return;
  }
  std::set<std::string, std::less<>> used;
  for (const Placeholder& placeholder : scan->placeholders) {
    const std::string& name = placeholder.name;
    if (std::ranges::find(kPlaceholders, name) == kPlaceholders.end()) {
      std::optional<std::string_view> closest = ClosestMatch(name, kPlaceholders);
      reader.Report("custom_sql", fmt::format("unknown placeholder {{{{{}}}}} ({}use {{{{last_timestamp}}}}, "
                                              "{{{{last_id}}}}, {{{{ceiling_timestamp}}}} or {{{{ceiling_id}}}})",
                                              name, closest ? fmt::format("did you mean {{{{{}}}}}? ", *closest) : ""));
      continue;
    }
    used.insert(name);
  }
  if (scan->placeholders.empty()) {
    reader.Report("custom_sql",
                  "has no placeholder (put {{last_timestamp}} or {{last_id}} where the cursor goes, "
                  "e.g. WHERE updated_at > {{last_timestamp}}; to copy the whole table every run, use "
                  "cdc_strategy: full_sync)" +
                      InTextNote(scan->in_text));
  }
  if (used.contains("last_timestamp") || used.contains("ceiling_timestamp")) {
    reader.Require("cdc_timestamp_column",
                   "the query uses a timestamp placeholder: set cdc_timestamp_column: to "
                   "the result column the cursor follows, e.g. updated_at");
  }
  if (used.contains("last_id") || used.contains("ceiling_id")) {
    reader.Require("cdc_id_column",
                   "the query uses an id placeholder: set cdc_id_column: to the result column "
                   "the cursor follows, e.g. id");
  }
}

void CheckStrategy(MapReader& reader, const TableConfig& table, std::optional<SqlFlavor> source_sql) {
  constexpr std::string_view kTimestampRemedy = "e.g. cdc_timestamp_column: updated_at, a column set on every change";
  constexpr std::string_view kIdRemedy = "e.g. cdc_id_column: id, a unique increasing column";
  switch (table.cdc_strategy) {
    case CdcStrategy::kHybrid:
      reader.Require("cdc_timestamp_column",
                     fmt::format("hybrid reads in (timestamp, id) order; {}", kTimestampRemedy));
      reader.Require("cdc_id_column", fmt::format("hybrid reads in (timestamp, id) order; {}", kIdRemedy));
      break;
    case CdcStrategy::kTimestampOnly:
      reader.Require("cdc_timestamp_column", fmt::format("timestamp_only reads by a timestamp; {}", kTimestampRemedy));
      Reject(reader, table, "cdc_id_column", "remove it, or use cdc_strategy: hybrid to read in (timestamp, id) order");
      break;
    case CdcStrategy::kIdOnly:
      reader.Require("cdc_id_column", fmt::format("id_only reads by an increasing id; {}", kIdRemedy));
      Reject(reader, table, "cdc_timestamp_column", "remove it, or use cdc_strategy: hybrid");
      break;
    case CdcStrategy::kFullSync:
      for (std::string_view key : {"cdc_timestamp_column", "cdc_id_column", "lookback_seconds"}) {
        Reject(reader, table, key, "full_sync copies the whole table every run; remove it");
      }
      break;
    case CdcStrategy::kCustomSql:
      if (reader.Require("custom_sql",
                         "write the query, with {{last_timestamp}} or {{last_id}} where the cursor goes")) {
        CheckPlaceholders(reader, table, source_sql);
      }
      break;
  }
  if (table.cdc_strategy != CdcStrategy::kFullSync) {
    Reject(reader, table, "full_sync_mode", "it is only for cdc_strategy: full_sync; remove it");
  }
  if (table.cdc_strategy != CdcStrategy::kCustomSql) {
    Reject(reader, table, "custom_sql", "remove it, or set cdc_strategy: custom_sql");
  }
}

// The target table must not be one sluice keeps for itself (config.h).
void CheckTargetName(const MapReader& reader, const TableConfig& table) {
  std::string name = AsciiLower(table.target_name);
  bool ledger = name == kLedgerTableName;
  if (!ledger && name.find(kReservedNamePart) == std::string::npos) return;
  std::string_view what = ledger ? "the name of sluice's ledger of loaded files, kept in the target schema"
                                 : "reserved: target tables whose names contain '__sluice_' are sluice's own helpers";
  reader.Report("target_name",
                fmt::format("'{}'{} is {} (set target_name: to another name, e.g. {})", table.target_name,
                            reader.Has("target_name") ? "" : " (the default: the name after the last '.')", what,
                            ledger ? "loaded_files" : "a name without '__sluice_'"));
}

// The table's name is a segment of the store keys of its watermark, lease
// and staged files (watermarks/<pipeline>/<table>.json), so it holds no '/'.
void CheckTableName(const MapReader& reader, const TableConfig& table) {
  if (table.name.find('/') == std::string::npos) return;
  std::string dotted = table.name;
  std::ranges::replace(dotted, '/', '.');
  reader.ReportHere(fmt::format("the table name '{}' contains '/', which cannot be part of the store keys the name "
                                "becomes (its watermark, lease and staged files); write a schema-qualified name "
                                "with '.', e.g. {}",
                                table.name, dotted));
}

// The table's settings; `*target_name_line` is where target_name was set (0: defaulted).
TableConfig ReadTable(const MapReader& tables, const YamlEntry& entry, const ParsedPipeline& parsed,
                      int* target_name_line) {
  const PipelineConfig& pipeline = parsed.pipeline;
  MapReader reader = tables.Child(entry, kTableKeys, TableHints());
  TableConfig table;
  table.name = entry.key;
  table.origin = fmt::format("{}:{}", reader.context().file, entry.line);
  CheckTableName(reader, table);
  table.processing = pipeline.processing;
  table.validation = pipeline.validation;
  bool strategy_known =
      reader.Require("cdc_strategy", "set cdc_strategy: to hybrid, timestamp_only, id_only, full_sync or custom_sql") &&
      reader.EnumValue("cdc_strategy", &table.cdc_strategy,
                       {CdcStrategy::kHybrid, CdcStrategy::kTimestampOnly, CdcStrategy::kIdOnly, CdcStrategy::kFullSync,
                        CdcStrategy::kCustomSql});
  reader.String("cdc_timestamp_column", &table.cdc_timestamp_column);
  reader.String("cdc_id_column", &table.cdc_id_column);
  int64_t lookback_seconds = 0;
  if (reader.Int("lookback_seconds", &lookback_seconds, 0, kMaxLookbackSeconds)) {
    table.lookback_seconds = lookback_seconds;
  }
  *target_name_line = reader.String("target_name", &table.target_name) ? reader.LineOf("target_name") : 0;
  reader.StringList("primary_key", &table.primary_key);
  reader.EnumValue("full_sync_mode", &table.full_sync_mode, {FullSyncMode::kReplace, FullSyncMode::kAppend});
  reader.String("custom_sql", &table.custom_sql);
  ReadProcessing(reader.Child("processing", kProcessingKeys), &table.processing);
  ReadValidation(reader.Child("validation", kValidationKeys), &table.validation);
  if (table.target_name.empty()) table.target_name = table.name.substr(table.name.rfind('.') + 1);
  CheckTargetName(reader, table);
  if (strategy_known) CheckStrategy(reader, table, parsed.source_sql);
  return table;
}

}  // namespace

void ReadProcessing(MapReader reader, ProcessingConfig* processing) {
  reader.Int("batch_size", &processing->batch_size, 1, kMaxBatchSize);
  reader.Int("timeout_minutes", &processing->timeout_minutes, 1, INT64_MAX / 60'000'000);
  const YamlEntry* zero_dates = reader.Find("zero_dates");
  if (zero_dates && zero_dates->value.is_null()) {
    processing->zero_dates = ZeroDates::kNull;  // `zero_dates: null` is YAML's null
  } else {
    reader.EnumValue("zero_dates", &processing->zero_dates, {ZeroDates::kNull, ZeroDates::kError});
  }
  reader.EnumValue("null_cursor", &processing->null_cursor,
                   {NullCursor::kWarn, NullCursor::kError, NullCursor::kIgnore});
  reader.Int("lease_seconds", &processing->lease_seconds, 10, 7 * 24 * 3600);
}

void ReadValidation(MapReader reader, ValidationConfig* validation) {
  reader.Bool("enable_data_quality_checks", &validation->enable_data_quality_checks);
  double max_null_percentage = 0;
  if (reader.Double("max_null_percentage", &max_null_percentage, 0, 100)) {
    validation->max_null_percentage = max_null_percentage;
  }
}

void ReadTables(const MapReader& top, ParsedPipeline* parsed) {
  if (!top.Require("tables", "list the tables to sync, e.g. tables: {orders: {cdc_strategy: full_sync}}")) return;
  MapReader tables = top.Child("tables", {});
  PipelineConfig& pipeline = parsed->pipeline;
  std::map<std::string, std::pair<std::string, int>> targets;  // lowercase target -> (table, line)
  for (const YamlEntry* entry : tables.Entries()) {
    int target_name_line = 0;
    pipeline.tables.push_back(ReadTable(tables, *entry, *parsed, &target_name_line));
    const TableConfig& table = pipeline.tables.back();
    int line = target_name_line > 0 ? target_name_line : entry->line;
    parsed->target_names.push_back(TargetNameOrigin{line, target_name_line == 0});
    auto [previous, inserted] = targets.emplace(AsciiLower(table.target_name), std::pair{table.name, line});
    if (inserted) continue;
    tables.context().problems->Add(
        tables.context().file, line, tables.KeyPath(table.name) + ".target_name",
        fmt::format("'{}'{} is also the target of table {} (line {}) (two tables cannot load into one target "
                    "table; set a different target_name for one of them)",
                    table.target_name, target_name_line > 0 ? "" : " (the default: the name after the last '.')",
                    previous->second.first, previous->second.second));
  }
}

}  // namespace sluice::config
