// Progress: the one-line progress display of a long extract on a terminal
// (rows, rows/s, percent of the ceiling, ETA). Silent unless enabled (stderr
// is a terminal and -q was not given). Redraws at most a few times a second.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace sluice::sync {

class Progress {
 public:
  Progress(bool enabled, std::string table);
  // `fraction`: of the key range up to the ceiling, when known.
  void Update(int64_t rows, std::optional<double> fraction);
  // Clears the line.
  void Finish();

  // True when stderr is a terminal.
  static bool StderrIsTerminal();

 private:
  bool enabled_;
  std::string table_;
  int64_t started_micros_;
  int64_t last_draw_micros_ = 0;
  bool drawn_ = false;
};

}  // namespace sluice::sync
