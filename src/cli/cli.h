// The command-line interface (SPEC §1): global options, the commands,
// exit codes. Each command lives in its own file and registers itself on
// the CLI11 app; the chosen command's action runs after parsing, so
// logging and configuration are set up once, in main.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include <CLI/CLI.hpp>

#include "common/exit_code.h"  // kExit*, ExitCodeFor: SPEC §1's exit codes
#include "common/status.h"
#include "config/config.h"

namespace sluice::cli {

struct GlobalOptions {
  std::string config_dir;  // resolved: --config-dir, $SLUICE_CONFIG_DIR, ./config
  bool debug = false;
  bool quiet = false;
  bool json_logs = false;
  std::string log_file;
};

// What main runs once parsing succeeded: returns the exit code.
using Action = std::function<int()>;

struct Cli {
  GlobalOptions global;
  Action action;
  // Loads the configuration directory; only `pipeline` (if set) must be valid.
  Result<config::Config> LoadConfig(const std::string& pipeline = "") const;
};

// Prints "error: <message>" (redacted) to stderr and returns ExitCodeFor(status).
int ReportError(const Status& status);

void AddSyncCommand(CLI::App& app, Cli& cli);
void AddWatermarkCommand(CLI::App& app, Cli& cli);
void AddFilesCommand(CLI::App& app, Cli& cli);
void AddStatusCommand(CLI::App& app, Cli& cli);
void AddConfigCommand(CLI::App& app, Cli& cli);
void AddConnectionsCommand(CLI::App& app, Cli& cli);
void AddSchemaCommand(CLI::App& app, Cli& cli);
void AddVerifyCommand(CLI::App& app, Cli& cli);
void AddDemoCommand(CLI::App& app, Cli& cli);

}  // namespace sluice::cli
