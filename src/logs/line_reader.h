// Reading a log line by line in bounded memory, plain or gzip-compressed (rotated logs).
#pragma once

#include <cstddef>
#include <ctime>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bounceback/result.h"

namespace bounceback::logs {

class LineReader {
 public:
  // Lines longer than this are cut here; the rest of such a line is skipped.
  static constexpr size_t kMaxLineBytes = size_t{1} << 20;

  // Opens a file, or standard input for "-". gzip data is recognised by its magic bytes, not by
  // the file name, so compressed standard input and renamed rotations are read too.
  static Result<LineReader> open(const std::string& path);

  // The next line without its line ending; false at the end of the input or on a read error
  // (then error() says why). The view is valid until the next call.
  bool next(std::string_view& line);
  // Whether the line last returned was longer than kMaxLineBytes and was cut.
  bool cut() const { return cut_; }
  const std::optional<std::string>& error() const { return error_; }
  // The file's modification time (now for standard input and pipes): syslog dates have no year.
  std::time_t reference_time() const { return reference_time_; }

 private:
  struct GzCloser {
    void operator()(void* file) const;
  };
  LineReader(void* file, std::time_t reference_time);
  bool fill();

  std::unique_ptr<void, GzCloser> file_;
  std::time_t reference_time_;
  std::vector<char> buffer_;
  size_t begin_ = 0;  // first unread byte
  size_t end_ = 0;    // one past the last byte read
  bool eof_ = false;
  bool cut_ = false;
  bool skipping_rest_ = false;  // inside the remainder of a cut line
  std::optional<std::string> error_;
};

}  // namespace bounceback::logs
