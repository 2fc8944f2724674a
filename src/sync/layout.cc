#include "sync/layout.h"

#include <random>

#include <fmt/format.h>

#include "types/temporal.h"

namespace sluice::sync {
namespace {

struct Civil {
  int year, month, day, hour, minute, second;
};

Civil CivilTime(int64_t micros) {
  int64_t days = micros / kMicrosPerDay - (micros % kMicrosPerDay < 0 ? 1 : 0);
  int64_t seconds_of_day = (micros - days * kMicrosPerDay) / kMicrosPerSecond;
  CivilDate date = CivilFromDays(days);
  return {date.year, date.month, date.day, static_cast<int>(seconds_of_day / 3600),
          static_cast<int>(seconds_of_day / 60 % 60), static_cast<int>(seconds_of_day % 60)};
}

}  // namespace

std::string RunId::FileStem() const {
  Civil t = CivilTime(started_micros);
  return fmt::format("{:04d}{:02d}{:02d}_{:02d}{:02d}{:02d}_{}", t.year, t.month, t.day, t.hour, t.minute, t.second,
                     short_id);
}

std::string RunId::ExecutionId() const { return "sync_" + FileStem(); }

RunId NewRunId(int64_t now_micros) {
  std::random_device device;
  std::uniform_int_distribution<uint32_t> distribution(0, 0xFFFFFF);
  return RunId{fmt::format("{:06x}", distribution(device)), now_micros};
}

std::string KeySafeName(const std::string& table) {
  std::string safe = table;
  for (char& c : safe) {
    bool allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                   c == '_' || c == '-';
    if (!allowed) c = '_';
  }
  return safe;
}

std::string TableDataPrefix(config::PartitionStrategy strategy, bool full_sync, const std::string& table) {
  if (strategy != config::PartitionStrategy::kTable) return "";
  return fmt::format("{}/table={}/", full_sync ? "full" : "incremental", KeySafeName(table));
}

std::string DataFileKey(config::PartitionStrategy strategy, bool full_sync, const std::string& table,
                        const RunId& run, int file_number) {
  Civil t = CivilTime(run.started_micros);
  std::string name = KeySafeName(table);
  std::string file = fmt::format("{}_{}_batch_{:04d}.parquet", name, run.FileStem(), file_number);
  std::string root = full_sync ? "full" : "incremental";
  switch (strategy) {
    case config::PartitionStrategy::kDatetime:
      return fmt::format("{}/year={:04d}/month={:02d}/day={:02d}/hour={:02d}/{}", root, t.year, t.month, t.day,
                         t.hour, file);
    case config::PartitionStrategy::kTable:
      return fmt::format("{}year={:04d}/month={:02d}/day={:02d}/{}", TableDataPrefix(strategy, full_sync, table),
                         t.year, t.month, t.day, file);
    case config::PartitionStrategy::kHybrid:
      return fmt::format("{}/year={:04d}/month={:02d}/table={}/day={:02d}/hour={:02d}/{}", root, t.year, t.month,
                         name, t.day, t.hour, file);
  }
  return file;
}

}  // namespace sluice::sync
