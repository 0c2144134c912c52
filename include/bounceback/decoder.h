// Decoding bounce messages: bytes of one RFC 5322 message in, one record per recipient out.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bounceback/record.h"
#include "bounceback/result.h"

namespace bounceback {

// Limits that keep hostile input bounded. Each refusal names the limit and its option.
struct Limits {
  // Messages larger than this are refused. Default: 64 MiB. CLI: --max-message-size.
  size_t max_message_bytes = size_t{64} << 20;
  // MIME parts nested deeper than this are treated as opaque leaves, with a warning. Default: 32;
  // the parser never follows more than 1000 levels whatever this says.
  int max_mime_depth = 32;
  // Parts past this count are ignored, with a warning. Default: 10000.
  size_t max_parts = 10000;
  // A header block larger than this is truncated, with a warning. Default: 1 MiB.
  size_t max_header_bytes = size_t{1} << 20;
};

struct DecodeOptions {
  Limits limits;
};

struct DecodeResult {
  // One record per recipient; empty when the message is not a report (is_report false).
  std::vector<Record> records;
  bool is_report = false;
  // Non-fatal problems met while parsing (broken MIME, unknown charset, ...), without the source.
  std::vector<std::string> warnings;
  // Set when the message could not be decoded at all (e.g. over a limit); records is then empty.
  // Its message says what is wrong; the caller, who named the source, prefixes it.
  std::optional<Error> error;
};

// Immutable after construction: one Decoder may be shared by any number of threads.
class Decoder {
 public:
  explicit Decoder(const DecodeOptions& options = {});

  // `source` is copied into each record's `source` field ("path", "path#3" or "-").
  DecodeResult decode(std::string_view message, std::string_view source) const;

  const DecodeOptions& options() const { return options_; }

 private:
  DecodeOptions options_;
};

}  // namespace bounceback
