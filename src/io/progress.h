// A one-line progress report for a terminal: messages done and throughput.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>

namespace bounceback::io {

class ProgressLine {
 public:
  // Draws nothing when !enabled, so callers need not check.
  ProgressLine(std::FILE* stream, bool enabled);

  // Redraws the line, at most ten times a second however often it is called.
  void update(size_t messages, uint64_t bytes);
  // Erases the line so that what is printed next starts on a clean line.
  void finish();

 private:
  using Clock = std::chrono::steady_clock;
  static constexpr Clock::duration kInterval = std::chrono::milliseconds(100);

  std::FILE* stream_;
  bool enabled_;
  bool drawn_ = false;
  Clock::time_point start_;
  Clock::time_point last_draw_;
};

}  // namespace bounceback::io
