// Writing records for machines (JSON lines, JSON, CSV) and for people (text).
#pragma once

#include <string>
#include <string_view>

#include "bounceback/record.h"

namespace bounceback {

// One JSON object, no trailing newline. Every field of DESIGN.md is present; absent values are
// null. Invalid UTF-8 in any string is replaced by U+FFFD so the output is always valid JSON.
void append_json(const Record& record, std::string& out);

// The CSV header line and one CSV row (RFC 4180 quoting), each ending in "\n".
void append_csv_header(std::string& out);
void append_csv(const Record& record, std::string& out);

struct TextStyle {
  bool color = false;  // ANSI colour, only for a terminal without NO_COLOR
};
// A readable block for a person, lines within 80 columns where the data allows.
void append_text(const Record& record, std::string& out, TextStyle style = {});

// JSON string escaping shared by every JSON writer of the project (quotes included).
void append_json_string(std::string_view text, std::string& out);

}  // namespace bounceback
