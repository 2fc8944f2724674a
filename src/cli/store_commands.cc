#include "cli/store_commands.h"

#include <fmt/format.h>

#include "types/temporal.h"

namespace sluice::cli {

Result<OpenedPipeline> OpenPipeline(const Cli& cli, const std::string& pipeline, target::TargetAccess target_access) {
  OpenedPipeline opened;
  SLUICE_ASSIGN_OR_RETURN(config::Config config, cli.LoadConfig(pipeline));
  opened.config = std::make_unique<config::Config>(std::move(config));
  SLUICE_ASSIGN_OR_RETURN(opened.context, sync::PipelineContext::Open(*opened.config, pipeline, target_access));
  return opened;
}

std::string HumanBytes(uint64_t bytes) {
  static constexpr const char* kUnits[] = {"B", "KB", "MB", "GB", "TB"};
  double value = static_cast<double>(bytes);
  int unit = 0;
  while (value >= 1024 && unit < 4) {
    value /= 1024;
    ++unit;
  }
  return unit == 0 ? fmt::format("{} B", bytes) : fmt::format("{:.1f} {}", value, kUnits[unit]);
}

std::string CursorText(const Cursor& cursor) {
  if (cursor.empty()) return "-";
  std::string text = cursor.timestamp_micros ? FormatTimestampIso(*cursor.timestamp_micros) : "";
  if (!cursor.id.is_null()) text += (text.empty() ? "id " : " id ") + cursor.id.ToString();
  if (cursor.log) text += (text.empty() ? "" : " ") + ToString(*cursor.log);
  if (cursor.snapshot) {
    text += (text.empty() ? "snapshot " : " snapshot ") + FormatTimestampIso(cursor.snapshot->taken_at_micros);
  }
  return text;
}

}  // namespace sluice::cli
