#include "sync/progress.h"

#include <unistd.h>

#include <cstdio>

#include <fmt/format.h>

#include "types/temporal.h"

namespace sluice::sync {

Progress::Progress(bool enabled, std::string table)
    : enabled_(enabled), table_(std::move(table)), started_micros_(NowMicros()) {}

bool Progress::StderrIsTerminal() { return ::isatty(STDERR_FILENO) == 1; }

void Progress::Update(int64_t rows, std::optional<double> fraction) {
  if (!enabled_) return;
  int64_t now = NowMicros();
  if (now - last_draw_micros_ < 250000) return;
  last_draw_micros_ = now;
  double seconds = static_cast<double>(now - started_micros_) / 1e6;
  double rate = seconds > 0 ? static_cast<double>(rows) / seconds : 0;
  std::string line = fmt::format("{}: {} rows, {:.0f} rows/s", table_, rows, rate);
  if (fraction && *fraction > 0) {
    double eta_seconds = seconds * (1 - *fraction) / *fraction;
    line += fmt::format(", {:.1f}% of ceiling, ETA {:02d}:{:02d}", *fraction * 100,
                        static_cast<int>(eta_seconds) / 60, static_cast<int>(eta_seconds) % 60);
  }
  std::fprintf(stderr, "\r\033[K%s", line.c_str());
  std::fflush(stderr);
  drawn_ = true;
}

void Progress::Finish() {
  if (!drawn_) return;
  std::fprintf(stderr, "\r\033[K");
  std::fflush(stderr);
  drawn_ = false;
}

}  // namespace sluice::sync
