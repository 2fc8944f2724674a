// sluice status: one line per table — last success, cursor, rows, files
// waiting, last error. A table whose watermark cannot be read gets a line
// with that error (and its remedy) and the others are still shown; the
// command then exits 1.
#include <algorithm>
#include <array>
#include <cstdio>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/store_commands.h"
#include "common/display_width.h"
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

// The text output: a header, then one line per table, each column as wide
// as its widest cell on screen (names in any script), numbers right-aligned,
// the last error last and unpadded.
using StatusLine = std::array<std::string, 8>;
constexpr StatusLine kHeader = {"PIPELINE", "TABLE",  "EXTRACT", "LAST SUCCESS",
                                "CURSOR",   "ROWS",   "FILES",   "LAST ERROR"};
constexpr std::array<bool, 8> kRightAligned = {false, false, false, false, false, true, true, false};

void PrintLines(const std::vector<StatusLine>& lines) {
  std::array<size_t, 8> widths{};
  for (const StatusLine& line : lines) {
    for (size_t column_idx = 0; column_idx < line.size(); ++column_idx) {
      widths[column_idx] = std::max(widths[column_idx], DisplayWidth(line[column_idx]));
    }
  }
  for (const StatusLine& line : lines) {
    std::string text;
    for (size_t column_idx = 0; column_idx + 1 < line.size(); ++column_idx) {
      const std::string& cell = line[column_idx];
      text += kRightAligned[column_idx] ? std::string(widths[column_idx] - DisplayWidth(cell), ' ') + cell
                                        : PadToWidth(cell, widths[column_idx]);
      text += "  ";
    }
    text += line.back();
    while (!text.empty() && text.back() == ' ') text.pop_back();
    std::printf("%s\n", text.c_str());
  }
}

int Show(const Cli& cli, const StatusArgs& args) {
  Result<config::Config> config = cli.LoadConfig(args.pipeline);
  if (!config.has_value()) return ReportError(config.error());
  nlohmann::ordered_json json = nlohmann::ordered_json::array();
  bool any_error = false;
  bool unreadable = false;  // a table's watermark could not be read
  std::vector<StatusLine> lines = {kHeader};
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
          lines.push_back({pipeline.name, table.name, "?", "?", "?", "?", "?", "watermark unreadable (see above)"});
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
      lines.push_back({pipeline.name, table.name, std::string(ToString(watermark.extract.status)),
                       watermark.extract.last_success_at.empty() ? "-" : watermark.extract.last_success_at,
                       CursorText(watermark.cursor), std::to_string(watermark.extract.total_rows),
                       std::to_string(watermark.staged_files.size()), Redact(error.substr(0, 120))});
    }
  }
  if (args.json) {
    std::printf("%s\n", json.dump(2).c_str());
  } else {
    PrintLines(lines);
  }
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
