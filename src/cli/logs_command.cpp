// `bounceback logs`: streams each log through one scanner and writes records as they come.
#include "cli/logs_command.h"

#include <cstdio>
#include <string>
#include <utility>

#include "bounceback/output.h"
#include "io/formatter.h"
#include "cli/commands.h"
#include "logs/line_reader.h"
#include "logs/log_scanner.h"
#include "logs/log_summary.h"

namespace bounceback::cli {
namespace {

constexpr size_t kFlushBytes = size_t{1} << 16;

// Records in the chosen format, written in blocks so that a multi-GB log streams.
class RecordWriter {
 public:
  explicit RecordWriter(io::RecordFormatter formatter) : formatter_(formatter), buffer_(formatter.prologue()) {}

  void write(const Record& record) {
    if (count_++ > 0) buffer_ += formatter_.separator();
    formatter_.append(record, buffer_);
    if (buffer_.size() >= kFlushBytes) flush();
  }

  void finish() {
    buffer_ += formatter_.epilogue(count_);
    flush();
  }

 private:
  void flush() {
    std::fwrite(buffer_.data(), 1, buffer_.size(), stdout);
    buffer_.clear();
  }

  io::RecordFormatter formatter_;
  std::string buffer_;
  size_t count_ = 0;
};

std::string plural(uint64_t count, const std::string& noun) {
  return std::to_string(count) + " " + noun + (count == 1 ? "" : "s");
}

void print_stats(const logs::ScanStats& stats) {
  std::string text = "logs: " + plural(stats.lines, "line") + " read, " + plural(stats.records, "record") + ", " +
                     plural(stats.skipped, "skipped line") + ", " +
                     plural(stats.unrecognised, "unrecognised line") + ", " +
                     plural(stats.malformed, "malformed line") + "\n";
  for (const std::string& example : stats.malformed_examples) text += "  malformed: " + example + "\n";
  std::fwrite(text.data(), 1, text.size(), stderr);
}

}  // namespace

int run_logs(const LogsCommand& command) {
  logs::ScanOptions options;
  options.include_delivered = command.include_delivered;
  logs::LogScanner scanner(options);
  logs::LogSummary summary;
  RecordWriter writer(io::RecordFormatter{io::output_format_named(command.format).value_or(io::OutputFormat::kJsonLines),
                                         TextStyle{command.color}});
  const logs::RecordCallback emit = [&](const Record& record) {
    if (command.summary) {
      summary.add(record);
    } else {
      writer.write(record);
    }
  };
  bool all_read = true;
  for (const std::string& path : command.paths) {
    Result<logs::LineReader> reader = logs::LineReader::open(path);
    std::string error;
    if (!reader) {
      error = reader.error().message;
    } else if (scanner.scan(reader.value(), path, emit, error)) {
      continue;
    }
    all_read = false;
    std::fprintf(stderr, "logs: cannot read %s\n", error.c_str());
  }
  if (command.summary) {
    const std::string text = command.format == "json" ? summary.json(scanner.stats()) : summary.text(scanner.stats());
    std::fwrite(text.data(), 1, text.size(), stdout);
  } else {
    writer.finish();
  }
  print_stats(scanner.stats());
  return all_read ? kExitOk : kExitInput;
}

}  // namespace bounceback::cli
