// sluice status: one line per table — last success, cursor, rows, files
// waiting, last error. A table whose watermark cannot be read gets a line
// with that error (and its remedy) and the others are still shown; the
// command then exits 1.
#include <cstdio>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/store_commands.h"
#include "common/redact.h"

namespace sluice::cli {
namespace {

struct StatusArgs {
  std::string pipeline;
  bool json = false;
};

nlohmann::ordered_json NullIfEmpty(const std::string& text) {
  return text.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(text);
}

int Show(const Cli& cli, const StatusArgs& args) {
  Result<config::Config> config = cli.LoadConfig(args.pipeline);
  if (!config.has_value()) return ReportError(config.error());
  nlohmann::ordered_json json = nlohmann::ordered_json::array();
  bool any_error = false;
  bool unreadable = false;  // a table's watermark could not be read
  if (!args.json) {
    std::printf("%-12s %-32s %-8s %-26s %-38s %12s %6s  %s\n", "PIPELINE", "TABLE", "EXTRACT", "LAST SUCCESS",
                "CURSOR", "ROWS", "FILES", "LAST ERROR");
  }
  for (const config::PipelineConfig& pipeline : config->pipelines) {
    if (!args.pipeline.empty() && pipeline.name != args.pipeline) continue;
    Result<std::unique_ptr<sync::PipelineContext>> context = sync::PipelineContext::Open(*config, pipeline.name);
    if (!context.has_value()) return ReportError(context.error());
    for (const config::TableConfig& table : pipeline.tables) {
      Result<state::VersionedWatermark> stored = (*context)->watermarks().Load(pipeline.name, table.name);
      if (!stored.has_value()) {
        unreadable = true;
        std::fprintf(stderr, "error: %s\n", Redact(stored.error().message()).c_str());
        if (args.json) {
          json.push_back({{"pipeline", pipeline.name}, {"table", table.name}, {"extract_status", nullptr},
                          {"load_status", nullptr}, {"last_loaded_at", nullptr}, {"last_success", nullptr},
                          {"cursor", nullptr}, {"total_rows", nullptr}, {"files_waiting", nullptr},
                          {"last_error", Redact(stored.error().message())}});
        } else {
          std::printf("%-12s %-32s %-8s %-26s %-38s %12s %6s  %s\n", pipeline.name.c_str(), table.name.c_str(), "?",
                      "?", "?", "?", "?", "watermark unreadable (see above)");
        }
        continue;
      }
      const state::Watermark& watermark = stored->watermark;
      std::string error = watermark.extract.last_error.value_or(watermark.load.last_error.value_or(""));
      any_error = any_error || !error.empty();
      if (args.json) {
        json.push_back({{"pipeline", pipeline.name},
                        {"table", table.name},
                        {"extract_status", std::string(ToString(watermark.extract.status))},
                        {"load_status", std::string(ToString(watermark.load.status))},
                        {"last_loaded_at", NullIfEmpty(watermark.load.last_loaded_at)},
                        {"last_success", watermark.extract.last_success_at},
                        {"cursor", CursorText(watermark.cursor)},
                        {"total_rows", watermark.extract.total_rows},
                        {"files_waiting", watermark.staged_files.size()},
                        {"last_error", error.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(error)}});
        continue;
      }
      std::printf("%-12s %-32s %-8s %-26s %-38s %12lld %6zu  %s\n", pipeline.name.c_str(), table.name.c_str(),
                  std::string(ToString(watermark.extract.status)).c_str(),
                  watermark.extract.last_success_at.empty() ? "-" : watermark.extract.last_success_at.c_str(),
                  CursorText(watermark.cursor).c_str(), static_cast<long long>(watermark.extract.total_rows),
                  watermark.staged_files.size(), Redact(error.substr(0, 120)).c_str());
    }
  }
  if (args.json) std::printf("%s\n", json.dump(2).c_str());
  return unreadable ? kExitFailed : kExitSuccess;
}

}  // namespace

void AddStatusCommand(CLI::App& app, Cli& cli) {
  auto args = std::make_shared<StatusArgs>();
  CLI::App* command = app.add_subcommand("status", "One line per table: last success, cursor, rows, files waiting");
  command->add_option("-p,--pipeline", args->pipeline, "Only this pipeline");
  command->add_flag("--json", args->json, "JSON output");
  command->footer("\nExamples:\n  sluice status\n  sluice status -p us_dw --json");
  command->callback([&cli, args] { cli.action = [&cli, args] { return Show(cli, *args); }; });
}

}  // namespace sluice::cli
