// sluice verify: compare source and target (SPEC §1). Not built yet.
#include "cli/cli.h"

namespace sluice::cli {

void AddVerifyCommand(CLI::App& app, Cli& cli) {
  auto pipeline = std::make_shared<std::string>();
  auto tables = std::make_shared<std::vector<std::string>>();
  auto json = std::make_shared<bool>(false);
  CLI::App* command = app.add_subcommand(
      "verify", "Compare source and target: row counts and checksums per primary-key range (exit 3 on mismatch)");
  command->add_option("-p,--pipeline", *pipeline, "Pipeline name")->required();
  command->add_option("-t,--table", *tables, "Only this table (repeatable)");
  command->add_flag("--json", *json, "JSON output");
  command->callback([&cli] {
    cli.action = [] {
      return ReportError(NotSupported(
          "verify is not supported yet: it arrives with the snapshot-diff work. Until then, compare "
          "`sluice status` row counts with the target"));
    };
  });
}

}  // namespace sluice::cli
