#include "common/logging.h"

#include <chrono>
#include <ctime>
#include <filesystem>
#include <memory>
#include <mutex>

#include <nlohmann/json.hpp>
#include <spdlog/details/log_msg.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>

#include "common/redact.h"

namespace sluice {
namespace {

// Redacts the payload, then formats it (as text or JSON) into the inner sink.
class RedactingSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  RedactingSink(std::shared_ptr<spdlog::sinks::sink> inner, bool json)
      : inner_(std::move(inner)), json_(json) {
    // Text lines carry their own UTC timestamp; JSON lines are formatted here.
    inner_->set_formatter(std::make_unique<spdlog::pattern_formatter>(
        json ? "%v" : "%Y-%m-%dT%H:%M:%S.%fZ %^%l%$ %v", spdlog::pattern_time_type::utc));
  }

 protected:
  void sink_it_(const spdlog::details::log_msg& message) override {
    std::string redacted = Redact(std::string_view(message.payload.data(), message.payload.size()));
    if (!json_) {
      spdlog::details::log_msg copy = message;
      copy.payload = redacted;
      inner_->log(copy);
      return;
    }
    auto micros =
        std::chrono::duration_cast<std::chrono::microseconds>(message.time.time_since_epoch()).count();
    std::time_t seconds = static_cast<std::time_t>(micros / 1000000);
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    auto level = spdlog::level::to_string_view(message.level);
    nlohmann::json line;
    line["ts"] = fmt::format("{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}.{:06d}Z", utc.tm_year + 1900,
                             utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                             static_cast<int>(micros % 1000000));
    line["level"] = std::string(level.data(), level.size());
    line["msg"] = redacted;
    spdlog::details::log_msg copy = message;
    std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    copy.payload = text;
    inner_->log(copy);
  }
  void flush_() override { inner_->flush(); }

 private:
  std::shared_ptr<spdlog::sinks::sink> inner_;
  bool json_;
};

}  // namespace

bool InitLogging(const LoggingOptions& options, std::string* error) {
  std::shared_ptr<spdlog::sinks::sink> inner;
  try {
    if (options.file_path.empty()) {
      inner = std::make_shared<spdlog::sinks::stderr_sink_mt>();
    } else {
      // spdlog would create missing parent directories; a typo in the path should be an error instead.
      std::filesystem::path parent = std::filesystem::path(options.file_path).parent_path();
      std::error_code ignored;
      if (!parent.empty() && !std::filesystem::is_directory(parent, ignored)) {
        if (error) {
          *error = fmt::format("cannot open log file '{}': the directory '{}' does not exist (create it first)",
                               options.file_path, parent.string());
        }
        return false;
      }
      inner = std::make_shared<spdlog::sinks::basic_file_sink_mt>(options.file_path, false);
    }
  } catch (const spdlog::spdlog_ex& e) {
    if (error) *error = fmt::format("cannot open log file '{}': {}", options.file_path, e.what());
    return false;
  }
  auto sink = std::make_shared<RedactingSink>(inner, options.json);
  auto logger = std::make_shared<spdlog::logger>("sluice", sink);
  spdlog::level::level_enum level = spdlog::level::info;
  if (options.debug) level = spdlog::level::debug;
  if (options.quiet) level = spdlog::level::warn;
  logger->set_level(level);
  logger->flush_on(spdlog::level::info);
  spdlog::set_default_logger(logger);
  spdlog::set_level(level);
  return true;
}

}  // namespace sluice
