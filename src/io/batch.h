// Batch decoding for `bounceback decode`: every message of every input decoded on all cores,
// written in input order.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bounceback/decoder.h"
#include "io/formatter.h"
#include "io/sources.h"

namespace bounceback::io {

// Receives the records of every message decoded without error, e.g. to store them.
struct RecordSink {
  // Called on the decoding threads: the key of one message from its bytes (e.g. its SHA-256).
  std::function<std::string(std::string_view message)> key;
  // Called in input order, by one thread at a time (whichever writes the output), with the key and
  // the message's records (possibly none). An error message stops the batch like a failed write.
  std::function<std::optional<std::string>(const std::string& key, const std::vector<Record>& records)> keep;
  // Optional: called once on the calling thread after the last keep() of a batch that did not
  // stop, so that a sink which gathers messages (into one transaction) stores the rest.
  std::function<std::optional<std::string>()> flush;
};

struct BatchOptions {
  std::vector<std::string> paths;  // files, folders, Maildirs, mboxes, "-"; see read_inputs()
  OutputFormat format = OutputFormat::kJsonLines;
  // Decoding threads. Default: 0, one per core.
  unsigned threads = 0;
  // Also write a record of kind "none" for each message that is not a report or could not be
  // decoded, so that every message read has a line. Default: false.
  bool include_non_reports = false;
  bool color = false;     // ANSI colour in text output
  bool progress = false;  // a progress line on the error stream; the CLI sets it for a terminal
  int stdin_fd = 0;       // what "-" reads
  // Set to keep the records too, e.g. in the bounce store (`decode --store`).
  std::optional<RecordSink> sink;
};

struct BatchSummary {
  size_t messages = 0;     // messages read; each message of an mbox counts
  uint64_t bytes = 0;      // their total size
  size_t reports = 0;      // messages that were delivery reports
  size_t non_reports = 0;  // messages read that were not
  size_t records = 0;      // records written, including those of kind "none"
  size_t warnings = 0;     // non-fatal parse problems (broken MIME, unknown charsets, a limit reached, ...)
  std::vector<InputProblem> first_warnings;  // the first kMaxListedProblems different ones, with their message
  std::vector<InputProblem> unreadable;     // inputs that could not be read, in input order
  std::vector<InputProblem> decode_errors;  // messages read but refused by the decoder
  std::optional<std::string> output_error;  // writing (or the sink) failed, so the batch stopped early

  // Every input read and decoded, every record written.
  bool complete() const { return unreadable.empty() && decode_errors.empty() && !output_error; }
};

// The calling thread reads the inputs; `options.threads` threads decode them and write to `out`,
// strictly in input order: the output is byte-identical for any thread count. Memory stays
// bounded: the reader waits while too many messages (or bytes) are in flight. With one thread, the
// calling thread reads, decodes and writes each message in turn (one core's work).
// Messages over decoder.options().limits.max_message_bytes are refused as unreadable.
BatchSummary run_batch(const BatchOptions& options, const Decoder& decoder, std::FILE* out, std::FILE* err);

// The summary in plain words for the error stream, each problem input with its reason (at most
// kMaxListedProblems per list).
inline constexpr size_t kMaxListedProblems = 20;
std::string format_summary(const BatchSummary& summary);

}  // namespace bounceback::io
