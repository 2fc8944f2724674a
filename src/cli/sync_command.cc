// sluice sync: extract -> stage -> load for a pipeline's tables.
#include <cerrno>
#include <charconv>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string_view>

#include <fmt/format.h>

#include "cli/cli.h"
#include "common/cancel.h"
#include "common/redact.h"
#include "sync/pipeline.h"
#include "sync/progress.h"

namespace sluice::cli {
namespace {

struct SyncArgs {
  std::string pipeline;
  std::vector<std::string> tables;
  bool backup_only = false;
  bool load_only = false;
  int64_t limit = 0;
  std::string json_output;
  bool dry_run = false;
};

// The token of the run this process started; the signal handler only sets it.
CancelToken run_cancel;

void OnStopSignal(int) { run_cancel.Cancel(); }

// "1 row", "3 files".
std::string Counted(int64_t count, std::string_view noun) {
  return fmt::format("{} {}{}", count, noun, count == 1 ? "" : "s");
}

// "3 rows extracted into 1 file, 1 staged file of 3 rows loaded": the rows
// the target read from the files it loaded (a merge may write fewer).
std::string WhatWasDone(const sync::TableResult& result, const sync::SyncOptions& options) {
  std::string extracted = options.load_only ? "nothing extracted (--load-only)"
                                            : fmt::format("{} extracted into {}", Counted(result.rows_extracted, "row"),
                                                          Counted(result.files_created, "file"));
  std::string loaded = options.backup_only ? "nothing loaded (--backup-only)"
                                           : fmt::format("{} of {} loaded", Counted(result.files_loaded, "staged file"),
                                                         Counted(result.rows_loaded, "row"));
  return extracted + ", " + loaded;
}

void PrintSummary(const sync::RunReport& report, const sync::SyncOptions& options) {
  for (const auto& [table, result] : report.table_results) {
    if (result.status == sync::TableStatus::kSuccess) {
      std::fprintf(stderr, "%s: success, %s (%.1f s)%s\n", table.c_str(), WhatWasDone(result, options).c_str(),
                   result.duration_seconds, result.zero_dates_nulled ? ", zero dates turned NULL" : "");
    } else {
      std::fprintf(stderr, "%s: %s: %s\n", table.c_str(), std::string(ToString(result.status)).c_str(),
                   Redact(result.error.message()).c_str());
    }
  }
  std::fprintf(stderr, "run %s: %s in %.1f s\n", report.execution_id.c_str(),
               std::string(ToString(report.Status())).c_str(),
               report.duration_seconds);
}

Status WriteJson(const std::string& path, const std::string& json) {
  if (path == "-") {
    std::fwrite(json.data(), 1, json.size(), stdout);
    std::fflush(stdout);
    return Status::Ok();
  }
  std::ofstream out(path, std::ios::trunc);
  out << json;
  out.close();
  if (!out) return IoError("cannot write the run report to '{}'", path);
  return Status::Ok();
}

// The run report's file must be writable before anything runs: a path found
// unwritable after loading would leave a scheduler without its report.
Status CheckReportPath(const std::string& path) {
  if (path.empty() || path == "-") return Status::Ok();
  bool existed = std::filesystem::exists(path);
  std::ofstream probe(path, std::ios::app);
  if (!probe) {
    return InvalidArgument("--json-output '{}' cannot be written ({}); nothing was run. Name a file in a directory "
                           "that exists and is writable, or - for stdout",
                           path, std::strerror(errno));
  }
  probe.close();
  if (!existed) std::filesystem::remove(path);
  return Status::Ok();
}

int RunSync(const Cli& cli, const SyncArgs& args) {
  // Also for a dry run, which refuses what the run would refuse.
  Status report_path = CheckReportPath(args.json_output);
  if (!report_path.ok()) return ReportError(report_path);
  Result<config::Config> config = cli.LoadConfig(args.pipeline);
  if (!config.has_value()) return ReportError(config.error());
  sync::SyncOptions options;
  options.tables = args.tables;
  options.backup_only = args.backup_only;
  options.load_only = args.load_only;
  if (args.limit > 0) options.limit = args.limit;
  options.show_progress = !cli.global.quiet && sync::Progress::StderrIsTerminal();
  if (args.dry_run) {
    Result<std::vector<Status>> table_failures = sync::DryRun(*config, args.pipeline, options, std::cout);
    std::cout.flush();
    if (!table_failures.has_value()) return ReportError(table_failures.error());
    // Each failed table as the run reports it, and the run's exit code.
    for (const Status& failure : *table_failures) std::fprintf(stderr, "error: %s\n", Redact(failure.message()).c_str());
    return RunExitCode(*table_failures);
  }
  std::signal(SIGINT, OnStopSignal);
  std::signal(SIGTERM, OnStopSignal);
  Result<sync::RunReport> report = sync::RunPipeline(*config, args.pipeline, options, run_cancel);
  if (!report.has_value()) return ReportError(report.error());
  if (!cli.global.quiet) PrintSummary(*report, options);
  if (!args.json_output.empty()) {
    Status written = WriteJson(args.json_output, report->ToJson());
    if (!written.ok()) return ReportError(written);
  }
  return report->ExitCode();
}

}  // namespace

void AddSyncCommand(CLI::App& app, Cli& cli) {
  auto args = std::make_shared<SyncArgs>();
  CLI::App* command = app.add_subcommand(
      "sync", "Extract what changed, stage it as Parquet, load it; one table at a time, in config order");
  command->add_option("-p,--pipeline", args->pipeline, "Pipeline name (pipelines/*.yml)")->required();
  command->add_option("-t,--table", args->tables, "Only this table (repeatable), as named in the pipeline");
  CLI::Option* backup =
      command->add_flag("--backup-only", args->backup_only, "Extract and stage only; load later with --load-only");
  CLI::Option* load = command->add_flag("--load-only", args->load_only, "Load files already staged; extract nothing");
  backup->excludes(load);
  command->add_option("--limit", args->limit, "Extract at most about N rows per table this run (N >= 1)")
      ->check(CLI::Validator(
          [](std::string& value) -> std::string {
            int64_t rows = 0;
            auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), rows);
            bool whole = error == std::errc() && end == value.data() + value.size();
            return whole && rows >= 1 ? std::string() : "--limit must be a whole number of rows, at least 1";
          },
          "N >= 1"));
  command->add_option("--json-output", args->json_output, "Write the run report (JSON) to PATH, or - for stdout");
  command->add_flag("--dry-run", args->dry_run, "Print the plan (cursor, ceiling, queries, DDL); write nothing");
  command->footer(R"(
Examples:
  sluice sync -p us_dw                          # every table of pipelines/us_dw.yml
  sluice sync -p us_dw -t settlement.orders     # one table
  sluice sync -p us_dw --dry-run                # what would run, touching nothing
  sluice sync -p us_dw --backup-only            # stage files now ...
  sluice sync -p us_dw --load-only              # ... load them later
  sluice sync -p us_dw --json-output - -q       # machine-readable report on stdout

Each table resumes from its watermark; rows that arrive during the run wait
for the next one. Ctrl-C stops at the next safe point: what was staged stays
recorded, nothing is half-written.)");
  command->callback([&cli, args] { cli.action = [&cli, args] { return RunSync(cli, *args); }; });
}

}  // namespace sluice::cli
