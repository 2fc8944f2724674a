// sluice config list-pipelines | validate | show.
#include <cstdio>

#include "cli/cli.h"
#include "common/redact.h"
#include "config/loader.h"

namespace sluice::cli {
namespace {

struct ConfigArgs {
  std::string pipeline;
};

int ListPipelines(const Cli& cli) {
  Result<config::Config> config = cli.LoadConfig();
  if (!config.has_value()) return ReportError(config.error());
  for (const config::PipelineConfig& pipeline : config->pipelines) {
    std::printf("%-20s %3zu tables  %s -> %s via %s  (%s)\n", pipeline.name.c_str(), pipeline.tables.size(),
                pipeline.source.c_str(), pipeline.target.c_str(), pipeline.store.c_str(), pipeline.file.c_str());
  }
  if (config->pipelines.empty()) std::printf("no pipelines in %s/pipelines\n", config->dir.c_str());
  return kExitSuccess;
}

int Validate(const Cli& cli, const ConfigArgs& args) {
  Result<config::Config> config = cli.LoadConfig(args.pipeline);
  if (!config.has_value()) return ReportError(config.error());
  size_t tables = 0;
  size_t pipelines = 0;
  for (const config::PipelineConfig& pipeline : config->pipelines) {
    if (!args.pipeline.empty() && pipeline.name != args.pipeline) continue;
    ++pipelines;
    tables += pipeline.tables.size();
  }
  std::printf("configuration in %s is valid: %zu pipeline(s), %zu table(s), %zu source(s), %zu target(s), %zu "
              "store(s)\n",
              config->dir.c_str(), pipelines, tables, config->connections.sources.size(),
              config->connections.targets.size(), config->connections.stores.size());
  return kExitSuccess;
}

int Show(const Cli& cli, const ConfigArgs& args) {
  Result<config::Config> config = cli.LoadConfig(args.pipeline);
  if (!config.has_value()) return ReportError(config.error());
  const config::PipelineConfig* pipeline = config->FindPipeline(args.pipeline);
  if (!pipeline) return ReportError(NotFound("pipeline '{}' is not configured", args.pipeline));
  std::string text = Redact(config::ShowPipeline(*config, *pipeline));
  std::fwrite(text.data(), 1, text.size(), stdout);
  return kExitSuccess;
}

}  // namespace

void AddConfigCommand(CLI::App& app, Cli& cli) {
  auto args = std::make_shared<ConfigArgs>();
  CLI::App* group = app.add_subcommand("config", "List, check and print the configuration");
  group->require_subcommand(1);
  group->footer(R"(
The configuration directory (--config-dir, $SLUICE_CONFIG_DIR, else ./config) holds
connections.yml (sources, targets, stores) and pipelines/*.yml (one pipeline each).
${VAR} and ${VAR:-default} come from the environment or CONFIG_DIR/.env.

Examples:
  sluice config list-pipelines
  sluice config validate              # every pipeline; exit 2 with file:line: key: problem
  sluice config show -p us_dw         # defaults applied, secrets as ***)");
  CLI::App* list = group->add_subcommand("list-pipelines", "One line per pipeline");
  list->callback([&cli] { cli.action = [&cli] { return ListPipelines(cli); }; });
  CLI::App* validate = group->add_subcommand("validate", "Check the configuration; report every problem");
  validate->add_option("-p,--pipeline", args->pipeline, "Only this pipeline must be valid");
  validate->callback([&cli, args] { cli.action = [&cli, args] { return Validate(cli, *args); }; });
  CLI::App* show = group->add_subcommand("show", "Print a pipeline with defaults applied, secrets redacted");
  show->add_option("-p,--pipeline", args->pipeline, "Pipeline name")->required();
  show->callback([&cli, args] { cli.action = [&cli, args] { return Show(cli, *args); }; });
}

}  // namespace sluice::cli
