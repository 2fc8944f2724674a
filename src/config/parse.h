// Internal to src/config: the readers of connections.yml and of one
// pipeline file, and the checks that span files. loader.cc ties them
// together; none of this is used outside src/config.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "config/problems.h"
#include "config/reader.h"
#include "config/yaml_tree.h"
#include "types/sql_placeholders.h"

namespace sluice::config {

// Resolves a configured file path: "" and ":memory:" stay, "~/" is $HOME,
// absolute paths stay, relative ones are relative to `project_dir` (the
// parent of the configuration directory).
std::string ResolvePath(const std::string& path, const std::filesystem::path& project_dir);

// A memory size as DuckDB spells it: an integer and a unit, KB/MB/GB/TB
// (powers of 1000) or KiB/MiB/GiB/TiB (powers of 1024) or B, any case,
// optionally with a space between ("512MiB", "2 GB"). nullopt otherwise.
std::optional<int64_t> ParseByteSize(std::string_view text);
// An exact spelling ParseByteSize reads back, in the largest unit that divides: "256MiB", "2GB", "1500B".
std::string FormatByteSize(int64_t bytes);

struct ParsedConnections {
  Connections connections;
  // Problems not tied to one connection (syntax, unknown top-level keys,
  // duplicate names): always fatal.
  Problems file_problems;
  // Problems of each connection: fatal when a loaded pipeline uses it.
  std::map<std::string, Problems> source_problems;
  std::map<std::string, Problems> target_problems;
  std::map<std::string, Problems> store_problems;
};

// Reads the parsed connections.yml; `context.problems` is ignored.
ParsedConnections ReadConnections(const YamlNode& root, const ReadContext& context,
                                  const std::filesystem::path& project_dir);

// Where a table's target_name comes from, for messages about it.
struct TargetNameOrigin {
  int line = 0;            // of target_name, or of the table's key when defaulted
  bool defaulted = false;  // the name after the last '.' of the table's name
};

struct ParsedPipeline {
  PipelineConfig pipeline;
  Problems problems;
  std::vector<TargetNameOrigin> target_names;  // one per pipeline.tables entry
  bool name_known = false;  // pipeline.name was read
  int name_line = 0;
  // Lines of pipeline.source / .target / .store, for reference errors.
  int source_line = 0;
  int target_line = 0;
  int store_line = 0;
  // How the pipeline's source reads SQL (custom_sql's placeholders are
  // found as it will see them); unset when the source is not configured.
  std::optional<SqlFlavor> source_sql;
};

// Reads one parsed pipeline file into `parsed` (problems to parsed->problems);
// `connections` tells what its source is.
void ReadPipeline(const YamlNode& root, const ReadContext& context, const Connections& connections,
                  ParsedPipeline* parsed);

// The keys of the sections a pipeline sets and (processing, validation) a table overrides.
inline const std::vector<std::string_view> kProcessingKeys = {"batch_size", "timeout_minutes", "zero_dates",
                                                              "null_cursor", "lease_seconds"};
inline const std::vector<std::string_view> kStagingKeys = {"prefix", "partition_strategy", "compression",
                                                           "target_file_mb"};
inline const std::vector<std::string_view> kValidationKeys = {"enable_data_quality_checks", "max_null_percentage"};

// Overwrites the fields of `processing` / `validation` that `reader` sets.
void ReadProcessing(MapReader reader, ProcessingConfig* processing);
void ReadValidation(MapReader reader, ValidationConfig* validation);

// Reads the `tables:` map of a pipeline whose settings are already read.
void ReadTables(const MapReader& top, ParsedPipeline* parsed);

// The pipeline's source, target and store exist in `connections`, and fit together.
void CheckReferences(const Connections& connections, ParsedPipeline* parsed);

}  // namespace sluice::config
