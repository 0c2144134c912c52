// Line reading over zlib's gzread, which passes uncompressed data through unchanged. zlib is loaded
// the first time a log is opened rather than linked (see util/shared_library.h): decoding, what
// most runs do, reads no log, and loading it cost each run 16,000 instructions and 6 page faults.
#include "logs/line_reader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "util/shared_library.h"

namespace bounceback::logs {
namespace {

constexpr size_t kReadBytes = size_t{1} << 20;
constexpr unsigned kZlibBufferBytes = 1u << 18;

gzFile as_gz(void* file) { return static_cast<gzFile>(file); }

// Every zlib function the reader calls.
#define BB_ZLIB_FUNCTIONS(F) F(gzdopen) F(gzbuffer) F(gzread) F(gzerror) F(gzclose)

struct LibZ {
  BB_ZLIB_FUNCTIONS(BB_FUNCTION_POINTER)
};

const char* find_functions(const util::SharedLibrary& library, LibZ& functions) {
  const char* missing = nullptr;
  BB_ZLIB_FUNCTIONS(BB_FIND_FUNCTION)
  return missing;
}

const util::LazyLibrary<LibZ>& zlib() {
  static const util::LazyLibrary<LibZ> loaded("libz.so.1", "reading logs", "zlib1g", find_functions);
  return loaded;
}

}  // namespace

// Only a reader that was opened, so with zlib loaded, has a file to close.
void LineReader::GzCloser::operator()(void* file) const { zlib().loaded().gzclose(as_gz(file)); }

LineReader::LineReader(void* file, std::time_t reference_time)
    : file_(file), reference_time_(reference_time), buffer_(kMaxLineBytes + kReadBytes) {}

Result<LineReader> LineReader::open(const std::string& path) {
  const Result<const LibZ*> loaded = zlib().load();
  if (!loaded) return loaded.error();
  const LibZ& z = *loaded.value();
  const bool is_stdin = path == "-";
  const int fd = is_stdin ? dup(STDIN_FILENO) : ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Error{ErrorCode::kIoError, path + ": " + std::strerror(errno)};
  struct stat info {};
  if (fstat(fd, &info) != 0 || S_ISDIR(info.st_mode)) {
    const std::string why = S_ISDIR(info.st_mode) ? "is a directory" : std::strerror(errno);
    close(fd);
    return Error{ErrorCode::kIoError, path + ": " + why};
  }
  gzFile file = z.gzdopen(fd, "rb");
  if (file == nullptr) {
    close(fd);
    return Error{ErrorCode::kIoError, path + ": cannot allocate a decompressor"};
  }
  z.gzbuffer(file, kZlibBufferBytes);
  const std::time_t reference = S_ISREG(info.st_mode) ? info.st_mtime : std::time(nullptr);
  return LineReader(file, reference);
}

// Moves the unread bytes to the front and reads more after them; false when nothing was added.
bool LineReader::fill() {
  if (eof_ || error_) return false;
  if (begin_ > 0) {
    std::memmove(buffer_.data(), buffer_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  const size_t room = std::min(buffer_.size() - end_, kReadBytes);
  if (room == 0) return false;
  const LibZ& z = zlib().loaded();
  const int n = z.gzread(as_gz(file_.get()), buffer_.data() + end_, static_cast<unsigned>(room));
  if (n < 0) {
    int code = 0;
    error_ = z.gzerror(as_gz(file_.get()), &code);
    return false;
  }
  if (n == 0) {
    eof_ = true;
    // A truncated .gz (a log rotated while being compressed) ends without its trailer.
    int code = 0;
    const char* message = z.gzerror(as_gz(file_.get()), &code);
    if (code != Z_OK && code != Z_BUF_ERROR) error_ = message;
    return false;
  }
  end_ += static_cast<size_t>(n);
  return true;
}

bool LineReader::next(std::string_view& line) {
  cut_ = false;
  for (;;) {
    const char* start = buffer_.data() + begin_;
    const void* newline = std::memchr(start, '\n', end_ - begin_);
    if (newline != nullptr) {
      const size_t length = static_cast<size_t>(static_cast<const char*>(newline) - start);
      begin_ += length + 1;
      if (skipping_rest_) {
        skipping_rest_ = false;
        continue;
      }
      line = std::string_view(start, length);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      return true;
    }
    if (skipping_rest_) begin_ = end_;
    if (end_ - begin_ >= kMaxLineBytes) {
      line = std::string_view(start, kMaxLineBytes);
      begin_ += kMaxLineBytes;
      skipping_rest_ = true;
      cut_ = true;
      return true;
    }
    if (!fill()) break;
  }
  if (end_ == begin_ || skipping_rest_) return false;
  line = std::string_view(buffer_.data() + begin_, end_ - begin_);
  begin_ = end_;
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return true;
}

}  // namespace bounceback::logs
