#include "io/formatter.h"

namespace bounceback::io {

std::optional<OutputFormat> output_format_named(std::string_view name) {
  if (name == "text") return OutputFormat::kText;
  if (name == "jsonl") return OutputFormat::kJsonLines;
  if (name == "json") return OutputFormat::kJson;
  if (name == "csv") return OutputFormat::kCsv;
  return std::nullopt;
}

std::string RecordFormatter::prologue() const {
  std::string text;
  if (format == OutputFormat::kJson) text = "[\n";
  if (format == OutputFormat::kCsv) append_csv_header(text);
  return text;
}

std::string_view RecordFormatter::separator() const {
  switch (format) {
    case OutputFormat::kJson: return ",\n";
    case OutputFormat::kText: return "\n";
    case OutputFormat::kJsonLines:
    case OutputFormat::kCsv: return "";
  }
  return "";
}

void RecordFormatter::append(const Record& record, std::string& out) const {
  switch (format) {
    case OutputFormat::kJsonLines:
      append_json(record, out);
      out.push_back('\n');
      return;
    case OutputFormat::kJson: append_json(record, out); return;
    case OutputFormat::kCsv: append_csv(record, out); return;
    case OutputFormat::kText: append_text(record, out, style); return;
  }
}

std::string_view RecordFormatter::epilogue(size_t records_written) const {
  if (format != OutputFormat::kJson) return "";
  return records_written > 0 ? "\n]\n" : "]\n";
}

}  // namespace bounceback::io
