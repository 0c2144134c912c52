// `bounceback decode`: hands the inputs to the batch runner and prints its summary.
#include <cstdio>
#include <string>

#include "bounceback/decoder.h"
#include "cli/commands.h"
#include "cli/store_commands.h"
#include "io/batch.h"

namespace bounceback::cli {
namespace {

Limits limits_of(const DecodeCommand& command) {
  Limits limits;
  if (command.max_message_size) limits.max_message_bytes = command.max_message_size;
  if (command.max_mime_depth) limits.max_mime_depth = command.max_mime_depth;
  if (command.max_parts) limits.max_parts = command.max_parts;
  if (command.max_header_size) limits.max_header_bytes = command.max_header_size;
  return limits;
}

}  // namespace

int run_decode(const DecodeCommand& command) {
  const Decoder decoder(DecodeOptions{limits_of(command)});
  io::BatchOptions options;
  options.paths = command.paths;
  options.format = io::output_format_named(command.format).value_or(io::OutputFormat::kJsonLines);
  options.threads = command.threads;
  options.include_non_reports = command.include_non_reports;
  options.color = command.color;
  options.progress = command.progress;
  StoreTally stored;
  if (!command.store.empty()) {
    options.sink = open_store_sink(command.store, stored);
    if (!options.sink) return kExitInput;
  }
  const io::BatchSummary summary = io::run_batch(options, decoder, stdout, stderr);
  std::string text = io::format_summary(summary);
  if (options.sink) text += format_store_tally(stored);
  std::fwrite(text.data(), 1, text.size(), stderr);
  return summary.complete() ? kExitOk : kExitInput;
}

}  // namespace bounceback::cli
