// sluice verify: compare source and target (SPEC §1). Not built yet.
#include "cli/cli.h"

namespace sluice::cli {

void AddVerifyCommand(CLI::App& app, Cli& cli) {
  auto pipeline = std::make_shared<std::string>();
  auto tables = std::make_shared<std::vector<std::string>>();
  auto json = std::make_shared<bool>(false);
  CLI::App* command = app.add_subcommand(
      "verify",
      "Not built yet (arrives with snapshot diff): will compare source and target by checksums per key range");
  command->add_option("-p,--pipeline", *pipeline, "Pipeline name")->required();
  command->add_option("-t,--table", *tables, "Only this table (repeatable)");
  command->add_flag("--json", *json, "JSON output");
  command->footer(R"(
verify is planned, not built: today it exits 2. It will compare source and
target with row counts and an order-independent checksum per primary-key
range, name the rows that differ, and exit 3 on a mismatch. Until then,
docs/data-gaps.md says what each strategy can miss, and `sluice status`
shows the rows each table staged and loaded.)");
  command->callback([&cli] {
    cli.action = [] {
      return ReportError(NotSupported(
          "verify is not supported yet: it arrives with the snapshot-diff work. Until then, compare "
          "`sluice status` row counts with the target"));
    };
  });
}

}  // namespace sluice::cli
