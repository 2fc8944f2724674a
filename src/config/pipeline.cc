// Reading one pipelines/*.yml file: the `pipeline:` settings, and the
// checks of its references into connections.yml.
#include <fmt/format.h>

#include <algorithm>

#include "config/parse.h"

namespace sluice::config {
namespace {

bool IsValidPipelineName(std::string_view name) {
  return std::ranges::all_of(name, [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
           c == '.';
  });
}

void ReadStaging(MapReader reader, StagingConfig* staging) {
  reader.String("prefix", &staging->prefix);
  reader.EnumValue("partition_strategy", &staging->partition_strategy,
                   {PartitionStrategy::kDatetime, PartitionStrategy::kTable, PartitionStrategy::kHybrid});
  reader.EnumValue("compression", &staging->compression,
                   {Compression::kZstd, Compression::kSnappy, Compression::kNone});
  reader.Int("target_file_mb", &staging->target_file_mb, 1, 1024 * 1024);
}

std::vector<KeyHint> PipelineHints() {
  std::vector<KeyHint> hints = {
      {"tables", "tables belongs at the top level of the file, not under pipeline: (unindent it)"}};
  for (KeyHint& hint : BelongsUnder("processing", kProcessingKeys)) hints.push_back(std::move(hint));
  for (KeyHint& hint : BelongsUnder("staging", kStagingKeys)) hints.push_back(std::move(hint));
  for (KeyHint& hint : BelongsUnder("validation", kValidationKeys)) hints.push_back(std::move(hint));
  return hints;
}

SqlFlavor SqlFlavorOf(SourceType type) {
  switch (type) {
    case SourceType::kMySql: return SqlFlavor::kMySql;
    case SourceType::kPostgres: return SqlFlavor::kPostgres;
    case SourceType::kSqlite: return SqlFlavor::kSqlite;
  }
  return SqlFlavor::kSqlite;
}

void ReadPipelineSettings(MapReader reader, ParsedPipeline* parsed) {
  PipelineConfig& pipeline = parsed->pipeline;
  if (reader.RequireString("name", &pipeline.name, "name the pipeline, e.g. name: us_dw; sync -p NAME uses it")) {
    parsed->name_known = true;
    parsed->name_line = reader.LineOf("name");
    if (!IsValidPipelineName(pipeline.name)) {
      reader.Report("name", fmt::format("'{}' has characters other than letters, digits, '_', '-' and '.' (the name "
                                        "is part of staged file keys; rename it)",
                                        pipeline.name));
    }
  }
  reader.RequireString("source", &pipeline.source, "name the source to read, one of connections.sources");
  reader.RequireString("target", &pipeline.target, "name the warehouse to load, one of connections.targets");
  reader.RequireString("store", &pipeline.store, "name the store to stage files in, one of stores");
  parsed->source_line = reader.LineOf("source");
  parsed->target_line = reader.LineOf("target");
  parsed->store_line = reader.LineOf("store");
  ReadProcessing(reader.Child("processing", kProcessingKeys), &pipeline.processing);
  ReadStaging(reader.Child("staging", kStagingKeys), &pipeline.staging);
  ReadValidation(reader.Child("validation", kValidationKeys), &pipeline.validation);
  if (pipeline.staging.prefix.empty() && !pipeline.name.empty()) pipeline.staging.prefix = pipeline.name + "/";
}

std::string Names(const std::vector<std::string_view>& names) {
  return names.empty() ? std::string("none are configured") : "configured: " + JoinChoices(names, ", ");
}

template <typename Map>
std::vector<std::string_view> KeysOf(const Map& map) {
  std::vector<std::string_view> keys;
  for (const auto& [name, value] : map) keys.push_back(name);
  return keys;
}

// Reports `name` unless it is a key of `configured`; `kind` is "source", "target" or "store".
template <typename Map>
bool CheckReference(ParsedPipeline* parsed, const Connections& connections, std::string_view key, int line,
                    const std::string& name, const Map& configured, std::string_view section) {
  if (name.empty() || configured.contains(name)) return !name.empty();
  std::vector<std::string_view> names = KeysOf(configured);
  std::string remedy = Names(names);
  if (std::optional<std::string_view> closest = ClosestMatch(name, names)) {
    remedy += fmt::format("; did you mean '{}'?", *closest);
  } else {
    remedy += fmt::format("; add it under {} or use one of those", section);
  }
  parsed->problems.Add(parsed->pipeline.file, line, fmt::format("pipeline.{}", key),
                       fmt::format("no {} named '{}' in {} ({})", key, name, connections.file, remedy));
  return false;
}

}  // namespace

void ReadPipeline(const YamlNode& root, const ReadContext& context, const Connections& connections,
                  ParsedPipeline* parsed) {
  parsed->pipeline.file = context.file;
  if (root.is_null()) {
    context.problems->Add(context.file, 0, "",
                          "the file is empty (a pipeline file holds pipeline: {name, source, target, store} and "
                          "tables:; see docs/configuration.md)");
    return;
  }
  std::vector<KeyHint> top_hints =
      BelongsUnder("pipeline", {"name", "source", "target", "store", "processing", "staging", "validation"});
  MapReader top(context, root, 0, "", {"pipeline", "tables"}, std::move(top_hints));
  if (!top.is_map()) return;
  top.Require("pipeline", "start the file with pipeline: {name: ..., source: ..., target: ..., store: ...}");
  ReadPipelineSettings(
      top.Child("pipeline", {"name", "source", "target", "store", "processing", "staging", "validation"},
                PipelineHints()),
      parsed);
  auto source = connections.sources.find(parsed->pipeline.source);
  if (source != connections.sources.end()) parsed->source_sql = SqlFlavorOf(source->second.type);
  ReadTables(top, parsed);
}

void CheckReferences(const Connections& connections, ParsedPipeline* parsed) {
  const PipelineConfig& pipeline = parsed->pipeline;
  CheckReference(parsed, connections, "source", parsed->source_line, pipeline.source, connections.sources,
                 "connections: sources:");
  bool target_ok = CheckReference(parsed, connections, "target", parsed->target_line, pipeline.target,
                                  connections.targets, "connections: targets:");
  bool store_ok =
      CheckReference(parsed, connections, "store", parsed->store_line, pipeline.store, connections.stores, "stores:");
  if (target_ok && store_ok && connections.targets.at(pipeline.target).type == TargetType::kRedshift &&
      connections.stores.at(pipeline.store).type != StoreType::kS3) {
    parsed->problems.Add(pipeline.file, parsed->store_line, "pipeline.store",
                         fmt::format("'{}' is a local store, but target '{}' is redshift, which loads with COPY "
                                     "from S3 (use an s3 store)",
                                     pipeline.store, pipeline.target));
  }
}

}  // namespace sluice::config
