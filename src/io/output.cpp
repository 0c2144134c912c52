// The machine formats: JSON and CSV. Both walk the record through visit_fields(), the one place
// that names the fields and fixes their order (DESIGN.md, "The result record").
#include "bounceback/output.h"

#include <charconv>
#include <optional>
#include <string_view>
#include <vector>

#include "io/utf8.h"

namespace bounceback {
namespace {

using OptionalText = std::optional<std::string_view>;

OptionalText optional_text(const std::optional<std::string>& value) {
  if (!value) return std::nullopt;
  return std::string_view(*value);
}

// Fields that are plain strings in Record use "" for "unknown"; the schema says null.
OptionalText non_empty(std::string_view value) {
  if (value.empty()) return std::nullopt;
  return value;
}

// Calls the visitor once per field, in schema order. A visitor provides:
//   text(name, OptionalText), boolean(name, bool), integer(name, std::optional<int>),
//   blocklist(name, const std::optional<Blocklist>&), list(name, const std::vector<std::string>&)
template <typename Visitor>
void visit_fields(const Record& r, Visitor& v) {
  v.text("source", r.source);
  v.text("kind", to_string(r.kind));
  v.text("recipient", optional_text(r.recipient));
  v.text("original_recipient", optional_text(r.original_recipient));
  v.text("sender", optional_text(r.sender));
  v.text("action", optional_text(r.action));
  v.text("status", optional_text(r.status));
  v.boolean("status_inferred", r.status_inferred);
  v.integer("reply_code", r.reply_code);
  v.text("command", optional_text(r.command));
  v.text("reason", to_string(r.reason));
  v.boolean("hard_bounce", r.hard_bounce);
  v.text("side", to_string(r.side));
  v.text("diagnostic", optional_text(r.diagnostic));
  v.text("reporting_mta", optional_text(r.reporting_mta));
  v.text("remote_mta", optional_text(r.remote_mta));
  v.text("remote_ip", optional_text(r.remote_ip));
  v.blocklist("blocklist", r.blocklist);
  v.text("decoder", non_empty(r.decoder));
  v.text("message_id", optional_text(r.message_id));
  v.text("original_message_id", optional_text(r.original_message_id));
  v.text("subject", optional_text(r.subject));
  v.text("timestamp", optional_text(r.timestamp));
  v.text("feedback_type", optional_text(r.feedback_type));
  v.text("provider_type", optional_text(r.provider_type));
  v.text("provider_subtype", optional_text(r.provider_subtype));
  v.text("summary", non_empty(r.summary));
  v.list("advice", r.advice);
}

void append_integer(int value, std::string& out) {
  char digits[16];
  const auto [end, ec] = std::to_chars(std::begin(digits), std::end(digits), value);
  out.append(digits, end);
}

// ---- JSON ----

// Escape sequences for the bytes below 0x20 that have a short form; the rest use \u00XX.
char short_escape(unsigned char c) {
  switch (c) {
    case '\b': return 'b';
    case '\f': return 'f';
    case '\n': return 'n';
    case '\r': return 'r';
    case '\t': return 't';
    default: return 0;
  }
}

void append_control_escape(unsigned char c, std::string& out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('\\');
  if (const char letter = short_escape(c)) {
    out.push_back(letter);
    return;
  }
  out.append("u00");
  out.push_back(kHex[c >> 4]);
  out.push_back(kHex[c & 0xF]);
}

constexpr bool passes_unescaped(unsigned char c) { return c >= 0x20 && c < 0x80 && c != '"' && c != '\\'; }

void append_json_value(OptionalText value, std::string& out) {
  if (value) {
    append_json_string(*value, out);
  } else {
    out.append("null");
  }
}

class JsonObjectWriter {
 public:
  explicit JsonObjectWriter(std::string& out) : out_(out) { out_.push_back('{'); }
  void finish() { out_.push_back('}'); }

  void text(std::string_view name, OptionalText value) {
    key(name);
    append_json_value(value, out_);
  }
  void boolean(std::string_view name, bool value) {
    key(name);
    out_.append(value ? "true" : "false");
  }
  void integer(std::string_view name, std::optional<int> value) {
    key(name);
    if (value) {
      append_integer(*value, out_);
    } else {
      out_.append("null");
    }
  }
  void blocklist(std::string_view name, const std::optional<Blocklist>& value) {
    key(name);
    if (!value) {
      out_.append("null");
      return;
    }
    JsonObjectWriter object(out_);
    object.text("name", value->name);
    object.text("zone", non_empty(value->zone));
    object.text("listed_ip", non_empty(value->listed_ip));
    object.finish();
  }
  void list(std::string_view name, const std::vector<std::string>& items) {
    key(name);
    out_.push_back('[');
    for (size_t i = 0; i < items.size(); ++i) {
      if (i > 0) out_.push_back(',');
      append_json_string(items[i], out_);
    }
    out_.push_back(']');
  }

 private:
  void key(std::string_view name) {
    if (!first_) out_.push_back(',');
    first_ = false;
    out_.push_back('"');
    out_.append(name);  // field names are plain ASCII identifiers
    out_.append("\":");
  }

  std::string& out_;
  bool first_ = true;
};

// ---- CSV ----

constexpr std::string_view kAdviceSeparator = " | ";

bool needs_csv_quotes(std::string_view field) {
  return field.find_first_of(",\"\r\n") != std::string_view::npos;
}

void append_csv_field(std::string_view field, std::string& out) {
  if (!needs_csv_quotes(field)) {
    io::append_valid_utf8(field, out);
    return;
  }
  out.push_back('"');
  size_t pos = 0;
  for (size_t quote = field.find('"'); quote != std::string_view::npos; quote = field.find('"', pos)) {
    io::append_valid_utf8(field.substr(pos, quote + 1 - pos), out);
    out.push_back('"');
    pos = quote + 1;
  }
  io::append_valid_utf8(field.substr(pos), out);
  out.push_back('"');
}

// Writes one CSV row; null is an empty field. The blocklist spreads over three columns and the
// advice list is joined into one.
class CsvRowWriter {
 public:
  explicit CsvRowWriter(std::string& out) : out_(out) {}
  void finish() { out_.push_back('\n'); }

  void text(std::string_view, OptionalText value) { field(value.value_or("")); }
  void boolean(std::string_view, bool value) { field(value ? "true" : "false"); }
  void integer(std::string_view, std::optional<int> value) {
    separate();
    if (value) append_integer(*value, out_);
  }
  void blocklist(std::string_view, const std::optional<Blocklist>& value) {
    field(value ? std::string_view(value->name) : "");
    field(value ? std::string_view(value->zone) : "");
    field(value ? std::string_view(value->listed_ip) : "");
  }
  void list(std::string_view, const std::vector<std::string>& items) {
    std::string joined;
    for (const std::string& item : items) {
      if (!joined.empty()) joined.append(kAdviceSeparator);
      joined.append(item);
    }
    field(joined);
  }

 private:
  void separate() {
    if (!first_) out_.push_back(',');
    first_ = false;
  }
  void field(std::string_view value) {
    separate();
    append_csv_field(value, out_);
  }

  std::string& out_;
  bool first_ = true;
};

// Writes the column names by walking an empty record with the same visitor shape as the rows,
// so the header can never disagree with them.
class CsvHeaderWriter {
 public:
  explicit CsvHeaderWriter(std::string& out) : out_(out) {}
  void finish() { out_.push_back('\n'); }

  void text(std::string_view name, OptionalText) { column(name); }
  void boolean(std::string_view name, bool) { column(name); }
  void integer(std::string_view name, std::optional<int>) { column(name); }
  void blocklist(std::string_view name, const std::optional<Blocklist>&) {
    for (std::string_view part : {"_name", "_zone", "_listed_ip"}) {
      column(name);
      out_.append(part);
    }
  }
  void list(std::string_view name, const std::vector<std::string>&) { column(name); }

 private:
  void column(std::string_view name) {
    if (!first_) out_.push_back(',');
    first_ = false;
    out_.append(name);
  }

  std::string& out_;
  bool first_ = true;
};

}  // namespace

void append_json_string(std::string_view text, std::string& out) {
  out.push_back('"');
  size_t pos = 0;
  while (pos < text.size()) {
    size_t run = pos;
    while (run < text.size() && passes_unescaped(static_cast<unsigned char>(text[run]))) ++run;
    out.append(text, pos, run - pos);
    pos = run;
    if (pos == text.size()) break;

    const auto c = static_cast<unsigned char>(text[pos]);
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(static_cast<char>(c));
      ++pos;
    } else if (c < 0x20) {
      append_control_escape(c, out);
      ++pos;
    } else {
      const io::CodePoint cp = io::decode_utf8(text, pos);
      if (cp.valid) {
        out.append(text, pos, cp.length);
      } else {
        out.append(io::kReplacementCharacter);
      }
      pos += cp.length;
    }
  }
  out.push_back('"');
}

void append_json(const Record& record, std::string& out) {
  JsonObjectWriter writer(out);
  visit_fields(record, writer);
  writer.finish();
}

void append_csv_header(std::string& out) {
  CsvHeaderWriter writer(out);
  visit_fields(Record{}, writer);
  writer.finish();
}

void append_csv(const Record& record, std::string& out) {
  CsvRowWriter writer(out);
  visit_fields(record, writer);
  writer.finish();
}

}  // namespace bounceback
