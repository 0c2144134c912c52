#include "io/progress.h"

namespace bounceback::io {
namespace {

// "\r" returns to the start of the line and "ESC [K" erases what a longer line left behind.
constexpr char kEraseLine[] = "\r\x1b[K";

}  // namespace

ProgressLine::ProgressLine(std::FILE* stream, bool enabled)
    : stream_(stream), enabled_(enabled && stream != nullptr), start_(Clock::now()), last_draw_(start_) {}

void ProgressLine::update(size_t messages, uint64_t bytes) {
  if (!enabled_) return;
  const Clock::time_point now = Clock::now();
  if (now - last_draw_ < kInterval) return;
  last_draw_ = now;
  const double seconds = std::chrono::duration<double>(now - start_).count();
  const double megabytes = static_cast<double>(bytes) / 1e6;
  std::fprintf(stream_, "%s%zu messages, %.1f MB, %.1f MB/s", kEraseLine, messages, megabytes,
               seconds > 0 ? megabytes / seconds : 0.0);
  std::fflush(stream_);
  drawn_ = true;
}

void ProgressLine::finish() {
  if (!drawn_) return;
  std::fputs(kEraseLine, stream_);
  std::fflush(stream_);
  drawn_ = false;
}

}  // namespace bounceback::io
