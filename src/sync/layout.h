// Layout: where a pipeline's objects live in the store (SPEC §4,
// docs/layout.md). Keys are relative to the pipeline's staging prefix.
//
//   datetime: incremental/year=2025/month=11/day=28/hour=14/<file>
//   table:    incremental/table=<table>/year=2025/month=11/day=28/<file>
//   hybrid:   incremental/year=2025/month=11/table=<table>/day=28/hour=14/<file>
//   <file> =  <table>_<yyyymmdd_hhmmss>_<run>_batch_0001.parquet
//   full_sync runs use "full/" where incremental runs use "incremental/".
//   watermarks/<pipeline>/<table>.json, leases/<pipeline>/<table>.json,
//   manifests/<pipeline>/<table>/<run>.manifest
//
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "config/config.h"

namespace sluice::sync {

struct RunId {
  std::string short_id;      // 6 hex digits, random: "abc123"
  int64_t started_micros;    // run start, UTC
  // "sync_20251128_140000_abc123" (the run report's execution_id)
  std::string ExecutionId() const;
  // "20251128_140000_abc123" (in file names and manifests)
  std::string FileStem() const;
};

RunId NewRunId(int64_t now_micros);

// The execution id of the run whose file names carry `file_stem`
// ("sync_" + stem), e.g. the run_id its lease records.
std::string ExecutionIdOf(std::string_view file_stem);

// The key of data file `file_number` (1-based) of a table's run.
std::string DataFileKey(config::PartitionStrategy strategy, bool full_sync, const std::string& table,
                        const RunId& run, int file_number);
// What a data file's name says, read back from a key DataFileKey made.
struct DataFileName {
  std::string table;     // as in the key: KeySafeName of the table
  std::string run_stem;  // RunId::FileStem() of the run that wrote it
  int file_number = 0;   // 1-based
};
// Parses the last segment of `key` as <file> above: nullopt unless it has
// exactly that form (a temporary file, another extension or a name
// sluice did not write). Only the file name is read: the folders differ by
// partition strategy and are not needed to tell the table and run.
std::optional<DataFileName> ParseDataFileName(std::string_view key);

// The folder (prefix) under which a table's data files of all runs live,
// when the layout has one ("incremental/table=<t>/"); "" for datetime.
std::string TableDataPrefix(config::PartitionStrategy strategy, bool full_sync, const std::string& table);

// A table name as it appears in keys: '/' and characters outside
// [A-Za-z0-9._-] replaced by '_'.
std::string KeySafeName(const std::string& table);

}  // namespace sluice::sync
