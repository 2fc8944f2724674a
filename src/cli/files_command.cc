// sluice files list | clean: the staged data files of a pipeline.
//
// States: "staged" (waiting to load), "pending" (part of a full copy still
// being extracted), "loaded" (recently loaded, listed in the watermark),
// "unlisted" (in the store but waiting for nothing: loaded long ago, or
// left behind by a run that crashed before recording it), and, for a file
// the watermark lists as staged or pending, "missing" (not in the store)
// or "damaged" (not the size it was staged with). A file of a table whose
// watermark cannot be read is "unknown": whether it waits cannot be told,
// so it is never cleaned; the table's error is reported and the command
// goes on with the others, then exits 1.
//
// Cleaning a staged file never drops its rows: the table's cursor goes
// back to where that file's rows begin (state/rewind.h), which forgets the
// files staged after it too, and the next sync reads them all again.
#include <cstdio>
#include <unistd.h>

#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/store_commands.h"
#include "state/lease.h"
#include "state/rewind.h"
#include "sync/layout.h"
#include "types/temporal.h"

namespace sluice::cli {
namespace {

struct FilesArgs {
  std::string pipeline;
  std::vector<std::string> tables;
  bool json = false;
  bool loaded_only = false;
  int64_t older_than_days = -1;
  bool include_staged = false;
  bool force = false;
};

struct FileRow {
  std::string table;
  std::string key;
  std::string state;           // what `files list` shows (see above)
  std::string listed_as = "";  // the watermark list holding it: staged, pending, loaded; "" when unlisted
  int64_t rows = -1;           // unknown for unlisted files
  uint64_t bytes = 0;          // in the store; as staged for a missing file
  int64_t modified_micros = 0;
};

FileRow ListedRow(const std::string& table, const std::string& key, const std::string& list, int64_t rows,
                  uint64_t bytes) {
  return FileRow{table, key, list, list, rows, bytes, 0};
}

// The table a data file belongs to, from its name alone (sync/layout.h).
std::string TableOfFile(const std::string& key, const std::map<std::string, std::string>& table_by_safe_name) {
  std::optional<sync::DataFileName> parsed = sync::ParseDataFileName(key);
  if (!parsed) return "";
  auto found = table_by_safe_name.find(parsed->table);
  return found == table_by_safe_name.end() ? "" : found->second;
}

// Every data file of the pipeline with its state; only `tables` (all when
// empty) are returned, but every table's watermark is read, so a file is
// "unlisted" only if no table of the pipeline lists it. Tables whose
// watermark cannot be read go to `unreadable` with the error.
Result<std::vector<FileRow>> CollectFiles(sync::PipelineContext& context, const std::vector<std::string>& tables,
                                          std::map<std::string, Status>* unreadable) {
  std::set<std::string> wanted(tables.begin(), tables.end());
  for (const std::string& table : tables) SLUICE_RETURN_IF_ERROR(context.FindTable(table));
  std::map<std::string, FileRow> by_key;
  std::map<std::string, std::string> table_by_safe_name;
  for (const config::TableConfig& table_config : context.pipeline().tables) {
    const std::string& table = table_config.name;
    table_by_safe_name[sync::KeySafeName(table)] = table;
    Result<state::VersionedWatermark> loaded = context.watermarks().Load(context.pipeline().name, table);
    if (!loaded.has_value()) {
      unreadable->emplace(table, loaded.error());
      continue;
    }
    const state::VersionedWatermark& stored = *loaded;
    for (const auto& entry : stored.watermark.staged_files) {
      by_key[entry.key] = ListedRow(table, entry.key, "staged", entry.rows, entry.bytes);
    }
    for (const auto& entry : stored.watermark.pending_files) {
      by_key[entry.key] = ListedRow(table, entry.key, "pending", entry.rows, entry.bytes);
    }
    for (const auto& entry : stored.watermark.loaded_files) {
      by_key[entry.key] = ListedRow(table, entry.key, "loaded", entry.rows, 0);
    }
  }
  auto wanted_table = [&](const std::string& table) {
    return !table.empty() && (wanted.empty() || wanted.count(table));
  };
  std::vector<FileRow> rows;
  std::set<std::string> in_store;
  for (const char* root : {"incremental/", "full/"}) {
    SLUICE_ASSIGN_OR_RETURN(std::vector<store::ObjectInfo> objects, context.store().List(root));
    for (const store::ObjectInfo& object : objects) {
      in_store.insert(object.key);
      auto found = by_key.find(object.key);
      FileRow row = found != by_key.end() ? found->second
                                          : FileRow{TableOfFile(object.key, table_by_safe_name), object.key, "unlisted"};
      if (!wanted_table(row.table)) continue;
      if (unreadable->count(row.table)) row.state = "unknown";
      bool waiting = row.listed_as == "staged" || row.listed_as == "pending";
      if (waiting && object.size_bytes != row.bytes) row.state = "damaged";
      row.bytes = object.size_bytes;
      row.modified_micros = object.modified_micros;
      rows.push_back(std::move(row));
    }
  }
  // Files the watermark waits for that the store no longer has.
  for (auto& [key, row] : by_key) {
    if ((row.listed_as == "staged" || row.listed_as == "pending") && !in_store.count(key) && wanted_table(row.table)) {
      row.state = "missing";
      rows.push_back(row);
    }
  }
  return rows;
}

// Reports the tables whose watermark could not be read (of those asked for); kExitFailed if any.
int ReportUnreadable(const std::map<std::string, Status>& unreadable, const FilesArgs& args) {
  int exit_code = kExitSuccess;
  for (const auto& [table, error] : unreadable) {
    if (!args.tables.empty() && std::find(args.tables.begin(), args.tables.end(), table) == args.tables.end()) continue;
    exit_code = ReportError(DataError("{} (its files are shown as unknown and are never cleaned)", error.message()));
  }
  return exit_code == kExitSuccess ? kExitSuccess : kExitFailed;
}

int List(const Cli& cli, const FilesArgs& args) {
  Result<OpenedPipeline> opened = OpenPipeline(cli, args.pipeline);
  if (!opened.has_value()) return ReportError(opened.error());
  std::map<std::string, Status> unreadable;
  Result<std::vector<FileRow>> rows = CollectFiles(*opened->context, args.tables, &unreadable);
  if (!rows.has_value()) return ReportError(rows.error());
  int exit_code = ReportUnreadable(unreadable, args);
  if (args.json) {
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    for (const FileRow& row : *rows) {
      out.push_back({{"table", row.table}, {"key", row.key}, {"state", row.state},
                     {"rows", row.rows < 0 ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(row.rows)},
                     {"bytes", row.bytes}, {"modified_at", FormatTimestampIso(row.modified_micros)}});
    }
    std::printf("%s\n", out.dump(2).c_str());
    return exit_code;
  }
  if (rows->empty()) std::printf("no staged files\n");
  for (const FileRow& row : *rows) {
    std::printf("%-8s %10s %9s  %s\n", row.state.c_str(), row.rows < 0 ? "?" : std::to_string(row.rows).c_str(),
                HumanBytes(row.bytes).c_str(), row.key.c_str());
  }
  return exit_code;
}

bool Deletable(const FileRow& row, const FilesArgs& args, int64_t now_micros) {
  if (args.older_than_days >= 0 && now_micros - row.modified_micros < args.older_than_days * kMicrosPerDay) {
    return false;
  }
  if (row.state == "unknown") return false;  // its table's watermark cannot be read: it may be waiting
  if (row.listed_as == "loaded") return true;
  if (row.listed_as.empty()) return !args.loaded_only;
  return args.include_staged && !args.loaded_only;  // waiting (staged, pending, missing, damaged): only when told
}

// One table's watermark once the cleaned files are forgotten.
struct TableEdit {
  state::VersionedWatermark stored;
  std::vector<std::string> also_forgotten;  // staged after a cleaned staged file: read again too
  bool rewound = false;                     // the cursor went back over cleaned staged files
};

// Forgets `keys` of `table` in its watermark (in memory): staged files by
// rewinding over them, so their rows are read again; others by dropping them.
Result<TableEdit> ForgetInWatermark(sync::PipelineContext& context, const std::string& table,
                                    const std::set<std::string>& keys) {
  TableEdit edit;
  SLUICE_ASSIGN_OR_RETURN(edit.stored, context.watermarks().Load(context.pipeline().name, table));
  SLUICE_ASSIGN_OR_RETURN(const config::TableConfig* table_config, context.FindTable(table));
  state::Watermark& watermark = edit.stored.watermark;
  SLUICE_ASSIGN_OR_RETURN(
      std::vector<state::StagedFileEntry> forgotten,
      state::ForgetStagedFiles(watermark, keys, table_config->cdc_strategy == config::CdcStrategy::kFullSync,
                               "was cleaned with `sluice files clean --include-staged`",
                               FormatTimestampIso(NowMicros())));
  for (const state::StagedFileEntry& entry : forgotten) {
    if (!keys.count(entry.key)) edit.also_forgotten.push_back(entry.key);
  }
  edit.rewound = !forgotten.empty();
  auto drop = [&](auto& entries) {
    std::erase_if(entries, [&](const auto& entry) { return keys.count(entry.key) > 0; });
  };
  drop(watermark.pending_files);
  drop(watermark.loaded_files);
  return edit;
}

// The tables a sync holds now, with its lease; read without taking one.
Result<std::map<std::string, state::LeaseDocument>> RunningSyncs(sync::PipelineContext& context) {
  std::map<std::string, state::LeaseDocument> running;
  for (const config::TableConfig& table : context.pipeline().tables) {
    SLUICE_ASSIGN_OR_RETURN(std::optional<state::LeaseDocument> held,
                            state::FindActiveLease(context.store(), context.pipeline().name, table.name));
    if (held) running.emplace(table.name, std::move(*held));
  }
  return running;
}

// Whether `row` is a file of the run that holds its table now: published,
// perhaps not yet recorded, so "unlisted" only for the moment.
bool WrittenByRunningSync(const FileRow& row, const std::map<std::string, state::LeaseDocument>& running) {
  auto held = running.find(row.table);
  if (held == running.end()) return false;
  std::optional<sync::DataFileName> name = sync::ParseDataFileName(row.key);
  return name && held->second.run_id == sync::ExecutionIdOf(name->run_stem);
}

// Holds the leases of a pipeline's tables, so no sync publishes or loads while files are cleaned.
Result<std::vector<std::unique_ptr<state::Lease>>> LeaseTables(sync::PipelineContext& context) {
  std::vector<std::unique_ptr<state::Lease>> leases;
  std::string run_id = fmt::format("files-clean-{}", ::getpid());
  for (const config::TableConfig& table : context.pipeline().tables) {
    SLUICE_ASSIGN_OR_RETURN(std::unique_ptr<state::Lease> lease,
                            state::Lease::Acquire(&context.store(), context.pipeline().name, table.name, run_id,
                                                  table.processing.lease_seconds));
    leases.push_back(std::move(lease));
  }
  return leases;
}

// With --force, holds every table's lease while it deletes. Without, a
// preview: it takes no lease (nor the store's lock, which only writes take)
// and writes nothing, so it also runs while a sync holds a table; it leaves
// out the files that sync is writing and says --force must wait for it.
int Clean(const Cli& cli, const FilesArgs& args) {
  Result<OpenedPipeline> opened = OpenPipeline(cli, args.pipeline);
  if (!opened.has_value()) return ReportError(opened.error());
  Result<std::map<std::string, state::LeaseDocument>> running = RunningSyncs(*opened->context);
  if (!running.has_value()) return ReportError(running.error());
  std::vector<std::unique_ptr<state::Lease>> leases;
  if (args.force) {
    // Refused before any lease is written; a sync starting just now is refused by LeaseTables.
    if (!running->empty()) {
      const auto& [table, held] = *running->begin();
      return ReportError(
          LeaseHeld("table {} of pipeline {} is being synced by {}; nothing was deleted: run "
                    "`files clean --force` again once it ends",
                    table, args.pipeline, state::DescribeHolder(held)));
    }
    Result<std::vector<std::unique_ptr<state::Lease>>> taken = LeaseTables(*opened->context);
    if (!taken.has_value()) return ReportError(taken.error());
    leases = std::move(*taken);
  }
  for (const auto& [table, held] : *running) {
    std::printf(
        "table %s is being synced by %s: the files that run is writing are left out, and --force is "
        "refused (exit 75) until it ends\n",
        table.c_str(), state::DescribeHolder(held).c_str());
  }
  std::map<std::string, Status> unreadable;
  Result<std::vector<FileRow>> rows = CollectFiles(*opened->context, args.tables, &unreadable);
  if (!rows.has_value()) return ReportError(rows.error());
  int unreadable_exit = ReportUnreadable(unreadable, args);
  int64_t now = NowMicros();
  std::map<std::string, std::set<std::string>> doomed;  // by table
  size_t doomed_count = 0;
  for (const FileRow& row : *rows) {
    if (!Deletable(row, args, now) || WrittenByRunningSync(row, *running)) continue;
    std::printf("%s %s (%s)\n", args.force ? "deleting" : "would delete", row.key.c_str(), row.state.c_str());
    doomed[row.table].insert(row.key);
    ++doomed_count;
  }
  if (doomed_count == 0) {
    std::printf("nothing to delete\n");
    return unreadable_exit;
  }
  std::map<std::string, TableEdit> edits;
  for (const auto& [table, keys] : doomed) {
    Result<TableEdit> edit = ForgetInWatermark(*opened->context, table, keys);
    if (!edit.has_value()) return ReportError(edit.error());
    for (const std::string& key : edit->also_forgotten) {
      std::printf("%s %s (staged after a cleaned file)\n", args.force ? "deleting" : "would delete", key.c_str());
      ++doomed_count;
    }
    if (edit->rewound) {
      const Cursor& cursor = edit->stored.watermark.cursor;
      std::printf(
          "table %s: the cursor %s back to %s, so the next sync reads the rows of the cleaned staged files "
          "again\n",
          table.c_str(), args.force ? "goes" : "would go",
          cursor.empty() ? "the beginning" : CursorText(cursor).c_str());
    }
    edits.emplace(table, std::move(*edit));
  }
  if (!args.force) {
    return ReportError(InvalidArgument("{} files would be deleted; add --force to delete them{}", doomed_count,
                                       running->empty() ? "" : " once the running sync ends"));
  }
  // Forget first, then delete: a file the watermark no longer lists is never loaded.
  for (auto& [table, edit] : edits) {
    if (edit.stored.version.empty()) continue;
    Result<std::string> saved = opened->context->watermarks().Save(edit.stored.watermark, edit.stored.version);
    if (!saved.has_value()) return ReportError(saved.error());
  }
  for (const auto& [table, edit] : edits) {
    std::vector<std::string> keys(doomed[table].begin(), doomed[table].end());
    keys.insert(keys.end(), edit.also_forgotten.begin(), edit.also_forgotten.end());
    for (const std::string& key : keys) {
      Status status = opened->context->store().Delete(key);
      if (!status.ok()) return ReportError(status);
    }
  }
  std::printf("deleted %zu files\n", doomed_count);
  return unreadable_exit;
}

}  // namespace

void AddFilesCommand(CLI::App& app, Cli& cli) {
  auto args = std::make_shared<FilesArgs>();
  CLI::App* group = app.add_subcommand("files", "List or delete a pipeline's staged Parquet files");
  group->require_subcommand(1);
  group->footer(R"(
States: staged (waiting to load), pending (full copy in progress), loaded,
unlisted (waiting for nothing: loaded long ago, or left by a crashed run),
missing / damaged (waiting, but gone from the store or not its staged size),
unknown (its table's watermark cannot be read: never cleaned).

Examples:
  sluice files list -p us_dw -t settlement.orders
  sluice files clean -p us_dw --loaded-only --older-than 7          # shows what would go
  sluice files clean -p us_dw --loaded-only --older-than 7 --force  # deletes it
  sluice files clean -p us_dw -t orders --include-staged --force    # re-extract what waits)");
  CLI::App* list = group->add_subcommand("list", "Staged files with state, rows and size");
  list->add_option("-p,--pipeline", args->pipeline, "Pipeline name")->required();
  list->add_option("-t,--table", args->tables, "Only this table (repeatable)");
  list->add_flag("--json", args->json, "JSON output");
  list->callback([&cli, args] { cli.action = [&cli, args] { return List(cli, *args); }; });

  CLI::App* clean = group->add_subcommand("clean", "Delete files that are not waiting to be loaded");
  clean->add_option("-p,--pipeline", args->pipeline, "Pipeline name")->required();
  clean->add_option("-t,--table", args->tables, "Only this table (repeatable)");
  clean->add_flag("--loaded-only", args->loaded_only, "Only files the watermark lists as loaded");
  clean->add_option("--older-than", args->older_than_days, "Only files older than DAYS")->check(CLI::NonNegativeNumber);
  clean->add_flag("--include-staged", args->include_staged,
                  "Also delete files still waiting to load, also missing or damaged ones; the cursor goes back to "
                  "where the first of them began, so the next sync reads their rows (and those of later staged "
                  "files) again");
  clean->add_flag("--force", args->force, "Really delete (without it, only show what would be deleted)");
  clean->callback([&cli, args] { cli.action = [&cli, args] { return Clean(cli, *args); }; });
}

}  // namespace sluice::cli
