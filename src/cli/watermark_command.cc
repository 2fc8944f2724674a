// sluice watermark get | reset | set: a table's progress, by hand.
#include <unistd.h>

#include <cstdio>

#include <fmt/format.h>

#include "cdc/cursor_check.h"
#include "cli/store_commands.h"
#include "common/redact.h"
#include "state/lease.h"
#include "sync/staged_check.h"
#include "types/temporal.h"

namespace sluice::cli {
namespace {

struct WatermarkArgs {
  std::string pipeline;
  std::string table;
  bool show_files = false;
  bool json = false;
  bool yes = false;
  std::string timestamp;
  std::string id;
};

void PrintHuman(const state::Watermark& watermark, bool show_files) {
  const Cursor& cursor = watermark.cursor;
  std::printf("pipeline:   %s\ntable:      %s\nstrategy:   %s\n", watermark.pipeline.c_str(),
              watermark.table.c_str(), watermark.cdc_strategy.c_str());
  std::printf("cursor:     timestamp %s, id %s\n",
              cursor.timestamp_micros ? FormatTimestampIso(*cursor.timestamp_micros).c_str() : "none",
              cursor.id.is_null() ? "none" : cursor.id.ToString().c_str());
  if (cursor.copy) std::printf("first copy: %s\n", ToString(*cursor.copy).c_str());
  if (cursor.log) std::printf("log:        %s\n", ToString(*cursor.log).c_str());
  if (cursor.snapshot) {
    std::printf("snapshot:   %s, taken %s\n", cursor.snapshot->state.c_str(),
                FormatTimestampIso(cursor.snapshot->taken_at_micros).c_str());
  }
  std::printf("extract:    %s, %lld rows in all, %lld last run, finished %s\n", std::string(ToString(watermark.extract.status)).c_str(),
              static_cast<long long>(watermark.extract.total_rows),
              static_cast<long long>(watermark.extract.last_session_rows),
              watermark.extract.last_finished_at.empty() ? "never" : watermark.extract.last_finished_at.c_str());
  if (watermark.extract.last_error) std::printf("last error: %s\n", Redact(*watermark.extract.last_error).c_str());
  std::printf("load:       %s, %lld rows in all, last %s\n", std::string(ToString(watermark.load.status)).c_str(),
              static_cast<long long>(watermark.load.rows_loaded),
              watermark.load.last_loaded_at.empty() ? "never" : watermark.load.last_loaded_at.c_str());
  if (watermark.load.last_error) std::printf("load error: %s\n", Redact(*watermark.load.last_error).c_str());
  if (const std::optional<state::RewindRecord>& rewind = watermark.last_rewind) {
    std::printf("rewound:    at %s: staged file %s %s; %lld files (%lld rows) given back to the source\n",
                rewind->at.c_str(), rewind->key.c_str(), rewind->reason.c_str(),
                static_cast<long long>(rewind->files_dropped), static_cast<long long>(rewind->rows_dropped));
  }
  std::printf("files:      %zu waiting to load, %zu recently loaded\n", watermark.staged_files.size(),
              watermark.loaded_files.size());
  if (!show_files) return;
  for (const state::StagedFileEntry& entry : watermark.staged_files) {
    std::printf("  staged  %s  %lld rows  %s\n", entry.key.c_str(), static_cast<long long>(entry.rows),
                HumanBytes(entry.bytes).c_str());
  }
  for (const state::LoadedFileEntry& entry : watermark.loaded_files) {
    std::printf("  loaded  %s  %lld rows  at %s\n", entry.key.c_str(), static_cast<long long>(entry.rows),
                entry.loaded_at.c_str());
  }
}

// Forgets the staged files a reset reads again anyway and that could never
// be loaded (missing or damaged in the store); returns what it forgot, said.
Result<std::vector<std::string>> ForgetUnloadableFiles(sync::PipelineContext& context, state::Watermark& watermark) {
  std::vector<std::string> forgotten;
  std::vector<state::StagedFileEntry> kept;
  for (state::StagedFileEntry& entry : watermark.staged_files) {
    SLUICE_ASSIGN_OR_RETURN(std::optional<std::string> problem,
                            sync::FindStagedFileProblem(context.store(), entry, sync::StagedCheck::kStore));
    if (problem) {
      forgotten.push_back(fmt::format("staged file {} {}", entry.key, *problem));
    } else {
      kept.push_back(std::move(entry));
    }
  }
  watermark.staged_files = std::move(kept);
  return forgotten;
}

Result<state::VersionedWatermark> LoadFor(sync::PipelineContext& context, const std::string& table) {
  SLUICE_RETURN_IF_ERROR(context.FindTable(table));
  return context.watermarks().Load(context.pipeline().name, table);
}

// --timestamp / --id for a table whose strategy follows no such column.
Status CheckCursorPartIsUsed(const config::TableConfig& table, std::string_view option, std::string_view key,
                             const std::string& column) {
  if (!column.empty()) return Status::Ok();
  if (table.cdc_strategy == config::CdcStrategy::kFullSync) {
    return InvalidArgument("{}: table {} is cdc_strategy full_sync, which copies the whole table every run and "
                           "keeps no cursor",
                           option, table.name);
  }
  return InvalidArgument("{}: table {} (cdc_strategy {}) sets no {}, so its cursor has no such part; the run would "
                         "ignore it",
                         option, table.name, config::ToString(table.cdc_strategy), key);
}

// The cursor `args` asks for: the parts the table's strategy follows, each a
// value of its column where the watermark recorded the source's schema.
Result<Cursor> RequestedCursor(const config::TableConfig& table, const state::Watermark& watermark,
                               const WatermarkArgs& args) {
  if (args.timestamp.empty() && args.id.empty()) return InvalidArgument("watermark set needs --timestamp and/or --id");
  Cursor cursor = watermark.cursor;
  // A position set by hand ends an unfinished first copy: runs read on from it in cursor order.
  cursor.copy.reset();
  if (!args.timestamp.empty()) {
    SLUICE_RETURN_IF_ERROR(
        CheckCursorPartIsUsed(table, "--timestamp", "cdc_timestamp_column", table.cdc_timestamp_column));
    Result<int64_t> micros = ParseTimestamp(args.timestamp);
    if (!micros.has_value()) return micros.error().WithContext("--timestamp");
    cursor.timestamp_micros = *micros;
    if (args.id.empty() && !table.cdc_id_column.empty()) {
      // The cursor is set whole: a timestamp alone puts it below every id
      // of that timestamp, so none of its rows is skipped (the old id would
      // skip those at or below it). "Just below" is a millisecond before,
      // the finest step every source compares (SQLite's strftime %f).
      cursor.timestamp_micros = *micros - 1000;
      cursor.id = Value();
    }
  }
  if (!args.id.empty()) {
    SLUICE_RETURN_IF_ERROR(CheckCursorPartIsUsed(table, "--id", "cdc_id_column", table.cdc_id_column));
    char* end = nullptr;
    errno = 0;
    long long id = std::strtoll(args.id.c_str(), &end, 10);
    // "007" stays text: only ids that print back unchanged are numbers.
    bool numeric = end && *end == '\0' && errno == 0 && std::to_string(id) == args.id;
    cursor.id = numeric ? Value::Int64(id) : Value::Text(args.id);
    if (watermark.schema) {
      Result<cdc::TableSpec> spec = cdc::MakeTableSpec(table, std::make_shared<Schema>(*watermark.schema));
      if (spec.has_value()) {
        Result<Value> checked = cdc::IdForColumn(*spec, cursor.id);
        if (!checked.has_value()) {
          return InvalidArgument("--id: table {}: {}, as the last run read the source; nothing was changed",
                                 table.name, checked.error().message());
        }
        cursor.id = std::move(*checked);
      }
    }
  }
  return cursor;
}

int Get(const Cli& cli, const WatermarkArgs& args) {
  Result<OpenedPipeline> opened = OpenPipeline(cli, args.pipeline);
  if (!opened.has_value()) return ReportError(opened.error());
  Result<state::VersionedWatermark> stored = LoadFor(*opened->context, args.table);
  if (!stored.has_value()) return ReportError(stored.error());
  if (stored->version.empty()) {
    stored->watermark.pipeline = args.pipeline;
    stored->watermark.table = args.table;
  }
  if (args.json) {
    std::printf("%s\n", Redact(state::WatermarkToJson(stored->watermark)).c_str());
  } else {
    if (stored->version.empty()) std::printf("(no watermark yet: the next sync starts from the beginning)\n");
    PrintHuman(stored->watermark, args.show_files);
  }
  return kExitSuccess;
}

int Change(const Cli& cli, const WatermarkArgs& args, bool reset) {
  if (!args.yes) {
    return ReportError(InvalidArgument("watermark {} changes what the next sync reads; add --yes to confirm",
                                       reset ? "reset" : "set"));
  }
  Result<OpenedPipeline> opened = OpenPipeline(cli, args.pipeline);
  if (!opened.has_value()) return ReportError(opened.error());
  Result<const config::TableConfig*> table = opened->context->FindTable(args.table);
  if (!table.has_value()) return ReportError(table.error());
  // A running sync would overwrite the change (or be overwritten): take the table's lease first (exit 75 when held).
  Result<std::unique_ptr<state::Lease>> lease =
      state::Lease::Acquire(&opened->context->store(), args.pipeline, args.table,
                            fmt::format("watermark-{}-{}", reset ? "reset" : "set", ::getpid()),
                            (*table)->processing.lease_seconds);
  if (!lease.has_value()) return ReportError(lease.error());
  Result<state::VersionedWatermark> stored = LoadFor(*opened->context, args.table);
  // A reset needs nothing of the stored document, so one that cannot be read
  // is replaced (under the lease just taken) instead of having to be deleted by hand.
  bool replace_unreadable = reset && !stored.has_value() && stored.error().code() == StatusCode::kDataError;
  if (replace_unreadable) {
    std::fprintf(stderr, "warning: replacing an unreadable watermark: %s\n", Redact(stored.error().message()).c_str());
    stored = state::VersionedWatermark{};
    stored->watermark.lease_epoch = (*lease)->epoch();
  }
  if (!stored.has_value()) return ReportError(stored.error());
  state::Watermark& watermark = stored->watermark;
  watermark.pipeline = args.pipeline;
  watermark.table = args.table;
  std::vector<std::string> forgotten;  // staged files a reset gave up
  if (reset) {
    watermark.cursor = Cursor();
    watermark.extract = state::ExtractState();
    watermark.pending_files.clear();
    watermark.schema_fingerprint.clear();
    Result<std::vector<std::string>> unloadable = ForgetUnloadableFiles(*opened->context, watermark);
    if (!unloadable.has_value()) return ReportError(unloadable.error());
    forgotten = std::move(*unloadable);
  } else {
    Result<Cursor> cursor = RequestedCursor(**table, watermark, args);
    if (!cursor.has_value()) return ReportError(cursor.error());
    if (watermark.cursor.copy) {
      std::printf("the unfinished first copy (%s) is given up: rows it had not reached are read only when their "
                  "cursor column is past the cursor set here\n",
                  ToString(*watermark.cursor.copy).c_str());
    }
    watermark.cursor = std::move(*cursor);
  }
  // What earlier runs recorded for the re-read belongs to the old position.
  watermark.lookback = Lookback();
  Result<std::string> saved = replace_unreadable ? opened->context->watermarks().ReplaceUnreadable(watermark)
                                                 : opened->context->watermarks().Save(watermark, stored->version);
  if (!saved.has_value()) return ReportError(saved.error());
  if (replace_unreadable) {
    std::printf("files the unreadable watermark listed are no longer tracked; `sluice files clean -p %s -t %s` "
                "lists them (the target's ledger keeps any of them from loading twice)\n",
                args.pipeline.c_str(), args.table.c_str());
  }
  for (const std::string& line : forgotten) std::printf("forgot %s; its rows are read again\n", line.c_str());
  if (reset) {
    std::printf("watermark of %s reset: the next sync re-extracts the whole table%s\n", args.table.c_str(),
                watermark.staged_files.empty() ? "" : " (files already staged will still be loaded)");
  } else {
    PrintHuman(watermark, false);
  }
  return kExitSuccess;
}

void AddTableOptions(CLI::App* command, WatermarkArgs& args) {
  command->add_option("-p,--pipeline", args.pipeline, "Pipeline name")->required();
  command->add_option("-t,--table", args.table, "Table, as named in the pipeline")->required();
}

}  // namespace

void AddWatermarkCommand(CLI::App& app, Cli& cli) {
  auto args = std::make_shared<WatermarkArgs>();
  CLI::App* group = app.add_subcommand("watermark", "Show or change a table's progress (its watermark)");
  group->require_subcommand(1);
  group->footer(R"(
Examples:
  sluice watermark get -p us_dw -t settlement.orders --show-files
  sluice watermark get -p us_dw -t settlement.orders --json
  sluice watermark set -p us_dw -t settlement.orders --timestamp 2025-11-01T00:00:00Z --yes
  sluice watermark reset -p us_dw -t settlement.orders --yes   # next sync re-extracts everything)");
  CLI::App* get = group->add_subcommand("get", "Show the cursor, counts, status and files of a table");
  AddTableOptions(get, *args);
  get->add_flag("--show-files", args->show_files, "List staged and recently loaded files");
  get->add_flag("--json", args->json, "Print the watermark document (SPEC §4)");
  get->callback([&cli, args] { cli.action = [&cli, args] { return Get(cli, *args); }; });

  CLI::App* reset = group->add_subcommand("reset", "Forget progress: the next sync is a full re-extract");
  AddTableOptions(reset, *args);
  reset->add_flag("--yes", args->yes, "Confirm");
  reset->callback([&cli, args] { cli.action = [&cli, args] { return Change(cli, *args, true); }; });

  CLI::App* set = group->add_subcommand("set", "Move the cursor by hand");
  AddTableOptions(set, *args);
  set->add_option("--timestamp", args->timestamp,
                  "New cursor timestamp (2025-11-01T00:00:00Z; a naive column's values are the writers' wall "
                  "time). Without --id, rows stamped at it and later are read next");
  set->add_option("--id", args->id, "New cursor id");
  set->add_flag("--yes", args->yes, "Confirm");
  set->callback([&cli, args] { cli.action = [&cli, args] { return Change(cli, *args, false); }; });
}

}  // namespace sluice::cli
