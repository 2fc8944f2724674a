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

constexpr std::string_view kBatchMarker = "_batch_";
constexpr std::string_view kDataFileExtension = ".parquet";
constexpr int kFileNumberDigits = 4;  // at least; more past 9999 files
constexpr size_t kRunStemSize = 22;   // "yyyymmdd_hhmmss_abc123"

bool AllOf(std::string_view text, bool (*accept)(char)) {
  for (char c : text) {
    if (!accept(c)) return false;
  }
  return true;
}
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsLowerHex(char c) { return IsDigit(c) || (c >= 'a' && c <= 'f'); }

// "yyyymmdd_hhmmss_<6 hex>": the form of RunId::FileStem().
bool IsRunStem(std::string_view stem) {
  return stem.size() == kRunStemSize && AllOf(stem.substr(0, 8), IsDigit) && stem[8] == '_' &&
         AllOf(stem.substr(9, 6), IsDigit) && stem[15] == '_' && AllOf(stem.substr(16), IsLowerHex);
}

}  // namespace

std::string RunId::FileStem() const {
  Civil t = CivilTime(started_micros);
  return fmt::format("{:04d}{:02d}{:02d}_{:02d}{:02d}{:02d}_{}", t.year, t.month, t.day, t.hour, t.minute, t.second,
                     short_id);
}

std::string ExecutionIdOf(std::string_view file_stem) { return "sync_" + std::string(file_stem); }

std::string RunId::ExecutionId() const { return ExecutionIdOf(FileStem()); }

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
  std::string file = fmt::format("{}_{}{}{:0{}d}{}", name, run.FileStem(), kBatchMarker, file_number,
                                 kFileNumberDigits, kDataFileExtension);
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

std::optional<DataFileName> ParseDataFileName(std::string_view key) {
  std::string_view file = key.substr(key.rfind('/') + 1);
  if (!file.ends_with(kDataFileExtension)) return std::nullopt;
  file.remove_suffix(kDataFileExtension.size());
  size_t marker = file.rfind(kBatchMarker);
  if (marker == std::string_view::npos) return std::nullopt;
  std::string_view number = file.substr(marker + kBatchMarker.size());
  // Zero-padded to kFileNumberDigits, never beyond: "01234" was not written.
  bool padded_beyond = number.size() > kFileNumberDigits && number[0] == '0';
  if (number.size() < kFileNumberDigits || number.size() > 9 || padded_beyond || !AllOf(number, IsDigit)) {
    return std::nullopt;
  }
  std::string_view named = file.substr(0, marker);  // <table>_<run stem>
  if (named.size() < kRunStemSize + 2 || named[named.size() - kRunStemSize - 1] != '_') return std::nullopt;
  std::string_view stem = named.substr(named.size() - kRunStemSize);
  if (!IsRunStem(stem)) return std::nullopt;
  DataFileName parsed;
  parsed.table = std::string(named.substr(0, named.size() - kRunStemSize - 1));
  parsed.run_stem = std::string(stem);
  for (char digit : number) parsed.file_number = parsed.file_number * 10 + (digit - '0');
  if (parsed.file_number == 0) return std::nullopt;
  return parsed;
}

}  // namespace sluice::sync
