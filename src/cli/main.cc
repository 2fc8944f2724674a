// sluice: keeps warehouse tables in step with operational databases.
#include <malloc.h>

#include <cstdio>
#include <cstdlib>
#include <optional>

#include <fmt/format.h>

#include "cli/cli.h"
#include "common/failpoint.h"
#include "common/logging.h"
#include "common/redact.h"
#include "common/spelling.h"
#include "config/loader.h"
#include "sluice/version.h"

namespace sluice::cli {

Result<config::Config> Cli::LoadConfig(const std::string& pipeline) const {
  config::LoadOptions options;
  options.only_pipeline = pipeline;
  options.refuse_unbuilt = true;
  Result<config::Config> config = config::LoadConfig(global.config_dir, options);
  // Registered here, once, before the command can print or log anything holding them.
  if (config.has_value()) {
    for (const std::string& secret : config::SecretsOf(*config)) RegisterSecret(secret);
  }
  return config;
}

int ReportError(const Status& status) {
  std::fprintf(stderr, "error: %s\n", Redact(status.message()).c_str());
  return ExitCodeFor(status);
}

namespace {

constexpr const char* kFooter = R"(
Exit codes: 0 success, 1 a run failed, 2 usage or configuration error,
3 verify found a mismatch, 75 another run holds the table's lease.

Start here:
  sluice demo                          # a self-contained tour (SQLite -> Parquet -> DuckDB)
  sluice config validate               # check ./config (connections.yml, pipelines/*.yml)
  sluice sync -p us_dw --dry-run       # what a sync would read and create
  sluice sync -p us_dw                 # extract, stage, load every table of a pipeline
  sluice status                        # one line per table: cursor, rows, files waiting
Run `sluice COMMAND --help` for a command's options and examples.)";

// `sluice bogus`: CLI11 reports "A subcommand is required" before it looks
// at the stray word. When the deepest command given needs a subcommand and a
// word is left over, that word is what the user meant as the command: the
// message names it and the commands of that level.
std::optional<std::string> UnknownCommand(CLI::App& app) {
  CLI::App* level = &app;
  std::string path = "sluice";
  while (!level->get_subcommands().empty()) {
    level = level->get_subcommands().front();
    path += " " + level->get_name();
  }
  if (level->get_require_subcommand_min() == 0) return std::nullopt;
  for (const std::string& word : app.remaining(/*recurse=*/true)) {
    if (word.starts_with('-')) continue;
    std::vector<std::string> commands;
    for (const CLI::App* command : level->get_subcommands([](CLI::App*) { return true; })) {
      commands.push_back(command->get_name());
    }
    return fmt::format("'{}' is not a {} command; {} (`{} --help` says what each does)", word, path,
                       DescribeAlternatives(word, commands, "commands", "there are none"), path);
  }
  return std::nullopt;
}

std::string DefaultConfigDir() {
  const char* from_env = std::getenv("SLUICE_CONFIG_DIR");
  return from_env && *from_env ? from_env : "./config";
}

}  // namespace

int Main(int argc, char** argv) {
  CLI::App app("sluice " SLUICE_VERSION
               " - keeps warehouse tables in step with operational databases:\n"
               "reads what changed since the last run, stages it as Parquet, loads it, and\n"
               "remembers where it stopped (a watermark per table).",
               "sluice");
  app.footer(kFooter);
  app.require_subcommand(1);
  app.fallthrough();  // global options are accepted after the command too
  Cli cli;
  app.add_option("--config-dir", cli.global.config_dir,
                 "Configuration directory (default: $SLUICE_CONFIG_DIR, else ./config)");
  app.add_flag("--debug", cli.global.debug, "Log debug messages");
  app.add_flag("-q,--quiet", cli.global.quiet, "Only warnings and errors; no progress display");
  app.add_option("--log-file", cli.global.log_file, "Write logs to this file instead of stderr");
  app.add_flag("--json-logs", cli.global.json_logs, "Log one JSON object per line");
  app.set_version_flag("--version", "sluice " SLUICE_VERSION);

  AddSyncCommand(app, cli);
  AddWatermarkCommand(app, cli);
  AddFilesCommand(app, cli);
  AddStatusCommand(app, cli);
  AddConfigCommand(app, cli);
  AddConnectionsCommand(app, cli);
  AddSchemaCommand(app, cli);
  AddVerifyCommand(app, cli);
  AddDemoCommand(app, cli);

  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    if (std::optional<std::string> unknown = UnknownCommand(app)) {
      std::fprintf(stderr, "error: %s\n", unknown->c_str());
      return kExitUsage;
    }
    int code = app.exit(e);
    return code == 0 ? kExitSuccess : kExitUsage;
  }
  if (cli.global.config_dir.empty()) cli.global.config_dir = DefaultConfigDir();
  LoggingOptions logging{cli.global.debug, cli.global.quiet, cli.global.json_logs, cli.global.log_file};
  std::string error;
  if (!InitLogging(logging, &error)) {
    std::fprintf(stderr, "error: %s\n", error.c_str());
    return kExitUsage;
  }
  if (!cli.action) return ReportError(Internal("no command action was registered"));
  return cli.action();
}

}  // namespace sluice::cli

int main(int argc, char** argv) {
  // Keep freed buffers instead of returning them to the OS after every file:
  // each Parquet file's page buffers are otherwise faulted back in page by
  // page (20-30% of encode time; docs/performance.md).
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
#ifdef SLUICE_TEST_FAILPOINTS
  sluice::EnableFailpointsFromEnvironment();  // sluice-failpoints, the crash tests' build, only
#endif
  return sluice::cli::Main(argc, argv);
}
