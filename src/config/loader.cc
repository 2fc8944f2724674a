// LoadConfig: finds the files of the configuration directory, reads each,
// checks what spans files, and decides which problems are fatal.
#include "config/loader.h"

#include <algorithm>
#include <filesystem>
#include <set>
#include <system_error>

#include "common/file.h"
#include "common/logging.h"
#include "common/spelling.h"
#include "config/parse.h"

namespace sluice::config {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kChooseDirectory =
    "the configuration directory is chosen with --config-dir DIR or SLUICE_CONFIG_DIR, default ./config; "
    "`sluice demo` writes an example";

std::string JoinPath(const std::string& dir, std::string_view name) { return (fs::path(dir) / name).string(); }

std::string AbsoluteText(const std::string& path) {
  std::error_code error;
  fs::path absolute = fs::absolute(path, error);
  return error ? path : absolute.lexically_normal().string();
}

// The parent of the configuration directory: relative paths start there.
fs::path ProjectDir(const std::string& config_dir) {
  fs::path absolute = fs::path(AbsoluteText(config_dir));
  if (!absolute.has_filename()) absolute = absolute.parent_path();  // "config/"
  return absolute.parent_path();
}

Status CheckConfigDir(const std::string& config_dir) {
  std::error_code error;
  if (fs::is_directory(config_dir, error)) return Status::Ok();
  return InvalidArgument("configuration directory '{}' not found (looked at {}; {})", config_dir,
                         AbsoluteText(config_dir), kChooseDirectory);
}

Environment ReadEnvironment(const std::string& config_dir, Problems* problems) {
  std::string file = JoinPath(config_dir, ".env");
  std::error_code error;
  if (!fs::exists(file, error)) return Environment({}, file);
  Result<std::string> text = ReadFileToString(file);
  if (!text.has_value()) {
    problems->Add(file, 0, "", fmt::format("cannot read: {}", text.error().message()));
    return Environment({}, file);
  }
  return Environment(ParseDotEnv(*text, file, problems), file);
}

Result<std::string> FindConnectionsFile(const std::string& config_dir) {
  std::string yml = JoinPath(config_dir, "connections.yml");
  std::string yaml = JoinPath(config_dir, "connections.yaml");
  std::error_code error;
  bool has_yml = fs::exists(yml, error);
  bool has_yaml = fs::exists(yaml, error);
  if (has_yml && has_yaml) return InvalidArgument("{} and {} both exist (keep one)", yml, yaml);
  if (has_yml || has_yaml) return has_yml ? yml : yaml;
  return InvalidArgument("{}: not found (looked for connections.yml in {}; {})", yml, AbsoluteText(config_dir),
                         kChooseDirectory);
}

ParsedConnections LoadConnectionsFile(const std::string& file, const Environment& environment,
                                      const fs::path& project_dir, bool refuse_unbuilt) {
  Result<std::string> text = ReadFileToString(file);
  Result<YamlNode> root = text.has_value() ? ParseYaml(*text, file) : Result<YamlNode>(text.error());
  ReadContext context{file, &environment, nullptr, refuse_unbuilt};
  if (root.has_value()) return ReadConnections(*root, context, project_dir);
  ParsedConnections parsed;
  parsed.connections.file = file;
  parsed.file_problems.AddFormatted(file, 0, root.error().message());
  return parsed;
}

// The pipeline files, sorted; a missing directory is a problem.
std::vector<std::string> ListPipelineFiles(const std::string& config_dir, Problems* problems) {
  std::string dir = JoinPath(config_dir, "pipelines");
  std::error_code error;
  if (!fs::is_directory(dir, error)) {
    problems->Add(dir, 0, "",
                  "directory not found (create it and add one <name>.yml per pipeline; see docs/configuration.md)");
    return {};
  }
  std::vector<std::string> files;
  for (const fs::directory_entry& entry : fs::directory_iterator(dir, error)) {
    std::string name = entry.path().filename().string();
    bool yaml = name.ends_with(".yml") || name.ends_with(".yaml");
    if (yaml && !name.starts_with('.') && entry.is_regular_file(error)) files.push_back(JoinPath(dir, name));
  }
  if (error) problems->Add(dir, 0, "", fmt::format("cannot list: {}", error.message()));
  std::ranges::sort(files);
  return files;
}

ParsedPipeline LoadPipelineFile(const std::string& file, const Environment& environment,
                                const Connections& connections) {
  ParsedPipeline parsed;
  parsed.pipeline.file = file;
  Result<std::string> text = ReadFileToString(file);
  Result<YamlNode> root = text.has_value() ? ParseYaml(*text, file) : Result<YamlNode>(text.error());
  if (!root.has_value()) {
    parsed.problems.AddFormatted(file, 0, root.error().message());
    return parsed;
  }
  ReadContext context{file, &environment, &parsed.problems};
  ReadPipeline(*root, context, connections, &parsed);
  return parsed;
}

// Each pipeline name used by more than one file is a problem in each of them.
void CheckUniqueNames(std::vector<ParsedPipeline>& pipelines) {
  for (ParsedPipeline& pipeline : pipelines) {
    if (!pipeline.name_known) continue;
    for (const ParsedPipeline& other : pipelines) {
      if (&other == &pipeline || !other.name_known || other.pipeline.name != pipeline.pipeline.name) continue;
      pipeline.problems.Add(pipeline.pipeline.file, pipeline.name_line, "pipeline.name",
                            fmt::format("'{}' is also the name of the pipeline in {} (pipeline names must be "
                                        "unique; rename one)",
                                        pipeline.pipeline.name, other.pipeline.file));
    }
  }
}

// The database a target writes to: two connections to one DuckDB file (or
// one server database) load the same tables.
std::string DatabaseOf(const TargetConnection& target) {
  if (target.type == TargetType::kDuckDb) {
    return target.path == ":memory:" ? "connection " + target.name : "duckdb " + target.path;
  }
  int port = target.port != 0 ? target.port : target.type == TargetType::kRedshift ? 5439 : 5432;
  return fmt::format("{} {}:{}/{}", ToString(target.type), AsciiLower(target.host), port, target.database);
}

// One table's place in a warehouse: database, schema and table, compared
// case-insensitively as DuckDB and Redshift compare names.
struct TargetTable {
  const ParsedPipeline* pipeline = nullptr;
  const TableConfig* table = nullptr;
  TargetNameOrigin origin;
};

std::string TargetTableKey(const TargetConnection& target, const TableConfig& table) {
  return fmt::format("{}\n{}\n{}", DatabaseOf(target), AsciiLower(target.schema), AsciiLower(table.target_name));
}

void ReportSharedTargetTable(const Connections& connections, const TargetTable& table, const TargetTable& other,
                             ParsedPipeline* parsed) {
  const TargetConnection& target = connections.targets.at(parsed->pipeline.target);
  const std::string& other_target = other.pipeline->pipeline.target;
  std::string same_database =
      other_target == target.name ? "" : fmt::format(" (target {} is the same database)", other_target);
  parsed->problems.Add(
      parsed->pipeline.file, table.origin.line, fmt::format("tables.{}.target_name", table.table->name),
      fmt::format("'{}'{} is also the target of table {} of pipeline {} ({}:{}): both load {}.{} of target {}{} "
                  "(two tables cannot load into one target table, each run would overwrite or duplicate the "
                  "other's rows; set a different target_name for one of them)",
                  table.table->target_name, table.origin.defaulted ? " (the default: the name after the last '.')" : "",
                  other.table->name, other.pipeline->pipeline.name, other.pipeline->pipeline.file,
                  other.origin.line, target.schema, AsciiLower(table.table->target_name), target.name,
                  same_database));
}

// Each table whose target table a table of another pipeline also loads is a
// problem in its own file (tables of one pipeline are checked as it is read).
// Only pipelines without problems of their own count as the other one: a
// pipeline that cannot run loads nothing, so it does not stop a valid one
// from running alone (LoadOptions::only_pipeline); its own file still gets
// the problem.
void CheckSharedTargetTables(const Connections& connections, std::vector<ParsedPipeline>& pipelines) {
  std::map<std::string, std::vector<TargetTable>> by_key;
  for (const ParsedPipeline& parsed : pipelines) {
    auto target = connections.targets.find(parsed.pipeline.target);
    if (target == connections.targets.end() || !parsed.problems.empty()) continue;
    for (size_t table_idx = 0; table_idx < parsed.pipeline.tables.size(); ++table_idx) {
      const TableConfig& table = parsed.pipeline.tables[table_idx];
      by_key[TargetTableKey(target->second, table)].push_back(
          TargetTable{&parsed, &table, parsed.target_names[table_idx]});
    }
  }
  for (ParsedPipeline& parsed : pipelines) {
    for (size_t table_idx = 0; table_idx < parsed.pipeline.tables.size(); ++table_idx) {
      auto target = connections.targets.find(parsed.pipeline.target);
      if (target == connections.targets.end()) break;
      const TableConfig& table = parsed.pipeline.tables[table_idx];
      TargetTable self{&parsed, &table, parsed.target_names[table_idx]};
      for (const TargetTable& other : by_key[TargetTableKey(target->second, table)]) {
        if (other.pipeline != &parsed) ReportSharedTargetTable(connections, self, other, &parsed);
      }
    }
  }
}

std::string FirstLines(const Problems& problems) {
  std::vector<std::string> lines = problems.Lines();
  std::string text;
  for (const std::string& line : lines) text += (text.empty() ? "" : "; ") + line;
  return text;
}

const Problems* ProblemsOf(const std::map<std::string, Problems>& problems, const std::string& name) {
  auto found = problems.find(name);
  return found == problems.end() || found->second.empty() ? nullptr : &found->second;
}

// Problems of the connections `pipeline` uses.
Problems ConnectionProblems(const ParsedConnections& connections, const PipelineConfig& pipeline) {
  Problems problems;
  for (const Problems* found : {ProblemsOf(connections.source_problems, pipeline.source),
                                ProblemsOf(connections.target_problems, pipeline.target),
                                ProblemsOf(connections.store_problems, pipeline.store)}) {
    if (found) problems.Append(*found);
  }
  return problems;
}

Config MakeConfig(const std::string& config_dir, ParsedConnections& connections,
                  std::vector<ParsedPipeline>& pipelines) {
  Config config;
  config.dir = config_dir;
  config.connections = std::move(connections.connections);
  for (ParsedPipeline& parsed : pipelines) config.pipelines.push_back(std::move(parsed.pipeline));
  std::ranges::sort(config.pipelines, {}, &PipelineConfig::name);
  return config;
}

Result<Config> AssembleAll(const std::string& config_dir, Problems fatal, ParsedConnections& connections,
                           std::vector<ParsedPipeline>& pipelines) {
  fatal.Append(connections.file_problems);
  for (const auto* entries :
       {&connections.source_problems, &connections.target_problems, &connections.store_problems}) {
    for (const auto& [name, problems] : *entries) fatal.Append(problems);
  }
  for (const ParsedPipeline& pipeline : pipelines) fatal.Append(pipeline.problems);
  SLUICE_RETURN_IF_ERROR(fatal.ToStatus());
  return MakeConfig(config_dir, connections, pipelines);
}

Status PipelineNotFound(const std::string& config_dir, const std::string& name,
                        const std::vector<ParsedPipeline>& pipelines) {
  std::vector<std::string_view> names;
  std::vector<std::string_view> broken_files;
  for (const ParsedPipeline& pipeline : pipelines) {
    if (pipeline.name_known) names.push_back(pipeline.pipeline.name);
    if (!pipeline.name_known) broken_files.push_back(pipeline.pipeline.file);
  }
  std::string remedy = names.empty() ? "none are configured" : "available: " + JoinChoices(names, ", ");
  if (std::optional<std::string_view> closest = ClosestMatch(name, names)) {
    remedy += fmt::format("; did you mean '{}'?", *closest);
  }
  if (!broken_files.empty()) {
    remedy += fmt::format("; files whose name could not be read: {}", JoinChoices(broken_files, ", "));
  }
  return NotFound("pipeline '{}' not found in {} ({})", name, JoinPath(config_dir, "pipelines"), remedy);
}

// Drops connections with problems that no kept pipeline uses, with a warning.
template <typename Map>
void DropBroken(Map& configured, const std::map<std::string, Problems>& problems, std::string_view kind) {
  for (const auto& [name, entry_problems] : problems) {
    if (entry_problems.empty() || !configured.contains(name)) continue;
    SLUICE_LOG_WARN("{} '{}' left out: {}", kind, name, FirstLines(entry_problems));
    configured.erase(name);
  }
}

Result<Config> AssembleOne(const std::string& config_dir, const std::string& only, Problems fatal,
                           ParsedConnections& connections, std::vector<ParsedPipeline>& pipelines) {
  auto selected = std::ranges::find_if(pipelines, [&](const ParsedPipeline& parsed) {
    return parsed.name_known ? parsed.pipeline.name == only : fs::path(parsed.pipeline.file).stem() == only;
  });
  fatal.Append(connections.file_problems);
  if (selected == pipelines.end()) {
    SLUICE_RETURN_IF_ERROR(fatal.ToStatus());
    return PipelineNotFound(config_dir, only, pipelines);
  }
  fatal.Append(selected->problems);
  fatal.Append(ConnectionProblems(connections, selected->pipeline));
  SLUICE_RETURN_IF_ERROR(fatal.ToStatus());
  std::vector<ParsedPipeline> kept;
  for (ParsedPipeline& parsed : pipelines) {
    Problems problems = parsed.problems;
    problems.Append(ConnectionProblems(connections, parsed.pipeline));
    if (problems.empty()) {
      kept.push_back(std::move(parsed));
    } else {
      SLUICE_LOG_WARN("{}: pipeline left out (only '{}' must be valid): {}", parsed.pipeline.file, only,
                      FirstLines(problems));
    }
  }
  DropBroken(connections.connections.sources, connections.source_problems, "source");
  DropBroken(connections.connections.targets, connections.target_problems, "target");
  DropBroken(connections.connections.stores, connections.store_problems, "store");
  return MakeConfig(config_dir, connections, kept);
}

}  // namespace

std::vector<std::string> SecretsOf(const Config& config) {
  std::vector<std::string> secrets;
  auto add = [&secrets](const std::string& value) {
    if (!value.empty()) secrets.push_back(value);
  };
  for (const auto& [name, source] : config.connections.sources) {
    add(source.password);
    add(source.ssh_tunnel.private_key_passphrase);
  }
  for (const auto& [name, target] : config.connections.targets) add(target.password);
  return secrets;
}

Result<Config> LoadConfig(const std::string& config_dir, const LoadOptions& options) {
  SLUICE_RETURN_IF_ERROR(CheckConfigDir(config_dir));
  Problems fatal;
  Environment environment = ReadEnvironment(config_dir, &fatal);
  SLUICE_ASSIGN_OR_RETURN(std::string connections_file, FindConnectionsFile(config_dir));
  ParsedConnections connections = LoadConnectionsFile(connections_file, environment, ProjectDir(config_dir), options.refuse_unbuilt);
  std::vector<ParsedPipeline> pipelines;
  for (const std::string& file : ListPipelineFiles(config_dir, &fatal)) {
    pipelines.push_back(LoadPipelineFile(file, environment, connections.connections));
    CheckReferences(connections.connections, &pipelines.back());
  }
  CheckUniqueNames(pipelines);
  CheckSharedTargetTables(connections.connections, pipelines);
  if (options.only_pipeline.empty()) return AssembleAll(config_dir, std::move(fatal), connections, pipelines);
  return AssembleOne(config_dir, options.only_pipeline, std::move(fatal), connections, pipelines);
}

}  // namespace sluice::config
