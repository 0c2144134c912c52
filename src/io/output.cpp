// The machine formats: JSON and CSV. Both walk the record through visit_fields(), the one place
// that names the fields and fixes their order (DESIGN.md, "The result record").
#include "bounceback/output.h"

#include <algorithm>
#include <bit>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string_view>
#include <vector>

#include "io/utf8.h"
#include "util/byte_masks.h"

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

// A field's name, and its JSON key after the comma that separates it from the field before:
// ,"name": made at compile time, so that writing a key costs one copy.
struct FieldName {
  std::string_view name;
  std::string_view separated_json_key;
};
// NOLINTNEXTLINE(bugprone-macro-parentheses): pastes a string literal, which parentheses would break
#define BB_FIELD(name) FieldName{name, ",\"" name "\":"}

// Calls the visitor once per field, in schema order. A visitor provides, each taking a
// const FieldName& first: text(name, OptionalText), boolean(name, bool),
// integer(name, std::optional<int>), blocklist(name, const std::optional<Blocklist>&),
// list(name, const std::vector<std::string>&)
template <typename Visitor>
void visit_fields(const Record& r, Visitor& v) {
  v.text(BB_FIELD("source"), r.source);
  v.text(BB_FIELD("kind"), to_string(r.kind));
  v.text(BB_FIELD("recipient"), optional_text(r.recipient));
  v.text(BB_FIELD("original_recipient"), optional_text(r.original_recipient));
  v.text(BB_FIELD("sender"), optional_text(r.sender));
  v.text(BB_FIELD("action"), optional_text(r.action));
  v.text(BB_FIELD("status"), optional_text(r.status));
  v.boolean(BB_FIELD("status_inferred"), r.status_inferred);
  v.integer(BB_FIELD("reply_code"), r.reply_code);
  v.text(BB_FIELD("command"), optional_text(r.command));
  v.text(BB_FIELD("reason"), to_string(r.reason));
  v.boolean(BB_FIELD("hard_bounce"), r.hard_bounce);
  v.text(BB_FIELD("side"), to_string(r.side));
  v.text(BB_FIELD("diagnostic"), optional_text(r.diagnostic));
  v.text(BB_FIELD("reporting_mta"), optional_text(r.reporting_mta));
  v.text(BB_FIELD("remote_mta"), optional_text(r.remote_mta));
  v.text(BB_FIELD("remote_ip"), optional_text(r.remote_ip));
  v.blocklist(BB_FIELD("blocklist"), r.blocklist);
  v.text(BB_FIELD("decoder"), non_empty(r.decoder));
  v.text(BB_FIELD("message_id"), optional_text(r.message_id));
  v.text(BB_FIELD("original_message_id"), optional_text(r.original_message_id));
  v.text(BB_FIELD("subject"), optional_text(r.subject));
  v.text(BB_FIELD("timestamp"), optional_text(r.timestamp));
  v.text(BB_FIELD("feedback_type"), optional_text(r.feedback_type));
  v.text(BB_FIELD("provider_type"), optional_text(r.provider_type));
  v.text(BB_FIELD("provider_subtype"), optional_text(r.provider_subtype));
  v.text(BB_FIELD("summary"), non_empty(r.summary));
  v.list(BB_FIELD("advice"), r.advice);
}

void append_integer(int value, std::string& out) {
  char digits[16];
  const auto [end, ec] = std::to_chars(std::begin(digits), std::end(digits), value);
  out.append(digits, end);
}

// ---- JSON ----

// Appends to a string through an index: the string is grown ahead, by at least what this appender
// wrote so far, and cut back to what was written when the appender goes. A piece then costs a
// bounds check and a copy, not a call into the string's out-of-line append.
class StringAppender {
 public:
  StringAppender(std::string& out, size_t expected_size)
      : out_(out), start_(out.size()), written_(out.size()) {
    out_.resize(start_ + expected_size);
  }
  ~StringAppender() { out_.resize(written_); }
  StringAppender(const StringAppender&) = delete;
  StringAppender& operator=(const StringAppender&) = delete;

  void put(char c) {
    make_room(1);
    out_[written_++] = c;
  }
  void put(std::string_view piece) {
    make_room(piece.size());
    std::memcpy(out_.data() + written_, piece.data(), piece.size());
    written_ += piece.size();
  }

 private:
  void make_room(size_t size) {
    if (out_.size() - written_ >= size) return;
    out_.resize(written_ + std::max(size, written_ - start_) + kMinGrowth);
  }

  static constexpr size_t kMinGrowth = 64;

  std::string& out_;
  size_t start_;
  size_t written_;
};

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

void put_control_escape(unsigned char c, StringAppender& out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.put('\\');
  if (const char letter = short_escape(c)) {
    out.put(letter);
    return;
  }
  out.put("u00");
  out.put(kHex[c >> 4]);
  out.put(kHex[c & 0xF]);
}

constexpr bool passes_unescaped(unsigned char c) { return c >= 0x20 && c < 0x80 && c != '"' && c != '\\'; }

// Most text is plain ASCII, which a JSON string carries as it is: it is checked eight bytes at a
// time. A byte needs care when it is at or above 0x80, below 0x20, '"' or '\'; these get the high
// bit of their byte set in the mask (the classic "has a byte less than n" test). Borrows may also
// mark bytes after the first one that needs care, never before it, when the first byte of the
// text is the least significant byte of the word: so only on little-endian machines, and other
// machines check one byte at a time.
constexpr uint64_t kEveryByte = 0x0101010101010101u;
constexpr uint64_t kHighBits = 0x8080808080808080u;

constexpr uint64_t bytes_below(uint64_t word, uint64_t n) {
  return (word - kEveryByte * n) & ~word & kHighBits;
}

constexpr uint64_t bytes_needing_care(uint64_t word) {
  return (word & kHighBits) | bytes_below(word, 0x20) | bytes_below(word ^ (kEveryByte * '"'), 1) |
         bytes_below(word ^ (kEveryByte * '\\'), 1);
}

// The end of the run of bytes from `pos` that a JSON string carries as they are.
size_t unescaped_run_end(std::string_view text, size_t pos) {
  uint64_t word = 0;
  while (std::endian::native == std::endian::little && text.size() - pos >= sizeof word) {
    std::memcpy(&word, text.data() + pos, sizeof word);
    const uint64_t mask = bytes_needing_care(word);
    if (mask != 0) return pos + util::first_marked_byte(mask);
    pos += sizeof word;
  }
  while (pos < text.size() && passes_unescaped(static_cast<unsigned char>(text[pos]))) ++pos;
  return pos;
}

// The end of the run of valid multi-byte characters from `pos`, which a JSON string carries as
// they are too.
size_t valid_utf8_run_end(std::string_view text, size_t pos) {
  while (pos < text.size() && static_cast<unsigned char>(text[pos]) >= 0x80) {
    const io::CodePoint cp = io::decode_utf8(text, pos);
    if (!cp.valid) break;
    pos += cp.length;
  }
  return pos;
}

void put_json_string(std::string_view text, StringAppender& out) {
  out.put('"');
  size_t pos = 0;
  while (pos < text.size()) {
    size_t run = unescaped_run_end(text, pos);
    if (run == pos) run = valid_utf8_run_end(text, pos);
    if (run > pos) {
      out.put(text.substr(pos, run - pos));
      pos = run;
      continue;
    }
    const auto c = static_cast<unsigned char>(text[pos]);
    if (c == '"' || c == '\\') {
      out.put('\\');
      out.put(static_cast<char>(c));
      ++pos;
    } else if (c < 0x20) {
      put_control_escape(c, out);
      ++pos;
    } else {
      out.put(io::kReplacementCharacter);
      pos += io::decode_utf8(text, pos).length;
    }
  }
  out.put('"');
}

void put_json_value(OptionalText value, StringAppender& out) {
  if (value) {
    put_json_string(*value, out);
  } else {
    out.put("null");
  }
}

class JsonObjectWriter {
 public:
  explicit JsonObjectWriter(StringAppender& out) : out_(out) { out_.put('{'); }
  void finish() { out_.put('}'); }

  void text(const FieldName& name, OptionalText value) {
    key(name);
    put_json_value(value, out_);
  }
  void boolean(const FieldName& name, bool value) {
    key(name);
    out_.put(value ? "true" : "false");
  }
  void integer(const FieldName& name, std::optional<int> value) {
    key(name);
    if (!value) {
      out_.put("null");
      return;
    }
    char digits[16];
    const auto [end, ec] = std::to_chars(std::begin(digits), std::end(digits), *value);
    out_.put(std::string_view(digits, static_cast<size_t>(end - digits)));
  }
  void blocklist(const FieldName& name, const std::optional<Blocklist>& value) {
    key(name);
    if (!value) {
      out_.put("null");
      return;
    }
    JsonObjectWriter object(out_);
    object.text(BB_FIELD("name"), value->name);
    object.text(BB_FIELD("zone"), non_empty(value->zone));
    object.text(BB_FIELD("listed_ip"), non_empty(value->listed_ip));
    object.finish();
  }
  void list(const FieldName& name, const std::vector<std::string>& items) {
    key(name);
    out_.put('[');
    for (size_t i = 0; i < items.size(); ++i) {
      if (i > 0) out_.put(',');
      put_json_string(items[i], out_);
    }
    out_.put(']');
  }

 private:
  void key(const FieldName& name) {
    out_.put(first_ ? name.separated_json_key.substr(1) : name.separated_json_key);
    first_ = false;
  }

  StringAppender& out_;
  bool first_ = true;
};

#undef BB_FIELD

// What a record's JSON text takes when nothing in it needs escaping, so that the output grows
// once per record: the names and values, and room for the punctuation.
class JsonSizeEstimate {
 public:
  void text(const FieldName& name, OptionalText value) { add(name, value ? value->size() : 0); }
  void boolean(const FieldName& name, bool) { add(name, 0); }
  void integer(const FieldName& name, std::optional<int>) { add(name, 0); }
  void blocklist(const FieldName& name, const std::optional<Blocklist>& value) {
    add(name, value ? value->name.size() + value->zone.size() + value->listed_ip.size() : 0);
  }
  void list(const FieldName& name, const std::vector<std::string>& items) {
    size_t size = 0;
    for (const std::string& item : items) size += item.size() + kPerValue;
    add(name, size);
  }
  size_t size() const { return size_; }

 private:
  // Quotes, separators, or a literal such as "false", "null", a number or a nested object's keys.
  static constexpr size_t kPerValue = 8;

  void add(const FieldName& name, size_t value_size) {
    size_ += name.separated_json_key.size() + value_size + kPerValue;
  }

  size_t size_ = 0;
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

  void text(const FieldName&, OptionalText value) { field(value.value_or("")); }
  void boolean(const FieldName&, bool value) { field(value ? "true" : "false"); }
  void integer(const FieldName&, std::optional<int> value) {
    separate();
    if (value) append_integer(*value, out_);
  }
  void blocklist(const FieldName&, const std::optional<Blocklist>& value) {
    field(value ? std::string_view(value->name) : "");
    field(value ? std::string_view(value->zone) : "");
    field(value ? std::string_view(value->listed_ip) : "");
  }
  void list(const FieldName&, const std::vector<std::string>& items) {
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

  void text(const FieldName& name, OptionalText) { column(name.name); }
  void boolean(const FieldName& name, bool) { column(name.name); }
  void integer(const FieldName& name, std::optional<int>) { column(name.name); }
  void blocklist(const FieldName& name, const std::optional<Blocklist>&) {
    for (std::string_view part : {"_name", "_zone", "_listed_ip"}) {
      column(name.name);
      out_.append(part);
    }
  }
  void list(const FieldName& name, const std::vector<std::string>&) { column(name.name); }

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
  StringAppender appender(out, text.size() + 2);
  put_json_string(text, appender);
}

void append_json(const Record& record, std::string& out) {
  JsonSizeEstimate estimate;
  visit_fields(record, estimate);
  StringAppender appender(out, estimate.size());
  JsonObjectWriter writer(appender);
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
