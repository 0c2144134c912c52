// Records in one of the output formats, as a stream: a prologue, records with separators, an
// epilogue. Shared by every verb that writes records (decode, logs).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "bounceback/output.h"
#include "bounceback/record.h"

namespace bounceback::io {

enum class OutputFormat {
  kText,       // blocks for a person, see append_text()
  kJsonLines,  // one JSON object per line
  kJson,       // one JSON array, still written as records are decoded
  kCsv,        // a header line, then one row per record
};

// "text", "jsonl", "json", "csv"; nullopt for anything else.
std::optional<OutputFormat> output_format_named(std::string_view name);

struct RecordFormatter {
  OutputFormat format;
  TextStyle style;

  // What goes before the first record: "[" for JSON, the header line for CSV.
  std::string prologue() const;
  // What goes between two records, also between the records of two messages.
  std::string_view separator() const;
  void append(const Record& record, std::string& out) const;
  // What closes the stream after `records_written` records.
  std::string_view epilogue(size_t records_written) const;
};

}  // namespace bounceback::io
