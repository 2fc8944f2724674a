// Logging: one process-wide spdlog logger writing to stderr (or a file),
// as text or as JSON lines, with every message passed through Redact().
//
// Call InitLogging once from main before other threads start; the SLUICE_LOG
// helpers below are then safe from any thread.
#pragma once

#include <string>

#include <spdlog/spdlog.h>

namespace sluice {

struct LoggingOptions {
  bool debug = false;      // also log debug messages
  bool quiet = false;      // only warnings and errors
  bool json = false;       // one JSON object per line: {"ts","level","msg"}
  std::string file_path;   // empty: stderr
};

// Installs the default logger. Fails (returns false, message in *error) if
// the log file cannot be opened.
bool InitLogging(const LoggingOptions& options, std::string* error);

}  // namespace sluice

#define SLUICE_LOG_DEBUG(...) ::spdlog::debug(__VA_ARGS__)
#define SLUICE_LOG_INFO(...) ::spdlog::info(__VA_ARGS__)
#define SLUICE_LOG_WARN(...) ::spdlog::warn(__VA_ARGS__)
#define SLUICE_LOG_ERROR(...) ::spdlog::error(__VA_ARGS__)
