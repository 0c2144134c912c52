// The machine formats: JSON and CSV. Both walk the record through visit_fields(), the one place
// that names the fields and fixes their order (DESIGN.md, "The result record").
#include "bounceback/output.h"

#include <algorithm>
#include <array>
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

// A field's JSON key after the comma that separates it from the field before, ,"name": , made
// at compile time and padded to a fixed size: writing a key is then a copy of constant size, a
// few moves rather than a call.
struct JsonKey {
  static constexpr size_t kPaddedSize = 32;
  std::array<char, kPaddedSize> bytes{};
  size_t size = 0;
};

template <size_t N>
consteval JsonKey separated_json_key(const char (&name)[N]) {
  constexpr size_t kLength = N - 1;  // without the terminating NUL
  static_assert(kLength + 4 <= JsonKey::kPaddedSize, "the key fits its padding");
  JsonKey key;
  key.bytes[0] = ',';
  key.bytes[1] = '"';
  for (size_t i = 0; i < kLength; ++i) key.bytes[2 + i] = name[i];
  key.bytes[kLength + 2] = '"';
  key.bytes[kLength + 3] = ':';
  key.size = kLength + 4;
  return key;
}

struct FieldName {
  std::string_view name;
  JsonKey json_key;
};
// A field's name as a constant in static storage: a visitor reads its key from there, where a
// FieldName made in place would be built on the stack for every record first.
// NOLINTNEXTLINE(bugprone-macro-parentheses): pastes a string literal, which parentheses would break
#define BB_FIELD(name)                                                              \
  []() -> const FieldName& {                                                        \
    static constexpr FieldName kField{name, separated_json_key(name)};             \
    return kField;                                                                  \
  }()

// Calls the visitor once per field, in schema order. A visitor provides, each taking a
// const FieldName& first: text(name, OptionalText), word(name, std::string_view) for a name of
// bounceback's own vocabulary (a kind, reason or side: plain ASCII), boolean(name, bool),
// integer(name, std::optional<int>), blocklist(name, const std::optional<Blocklist>&),
// list(name, const std::vector<std::string>&)
template <typename Visitor>
void visit_fields(const Record& r, Visitor& v) {
  v.text(BB_FIELD("source"), r.source);
  v.word(BB_FIELD("kind"), to_string(r.kind));
  v.text(BB_FIELD("recipient"), optional_text(r.recipient));
  v.text(BB_FIELD("original_recipient"), optional_text(r.original_recipient));
  v.text(BB_FIELD("sender"), optional_text(r.sender));
  v.text(BB_FIELD("action"), optional_text(r.action));
  v.text(BB_FIELD("status"), optional_text(r.status));
  v.boolean(BB_FIELD("status_inferred"), r.status_inferred);
  v.integer(BB_FIELD("reply_code"), r.reply_code);
  v.text(BB_FIELD("command"), optional_text(r.command));
  v.word(BB_FIELD("reason"), to_string(r.reason));
  v.boolean(BB_FIELD("hard_bounce"), r.hard_bounce);
  v.word(BB_FIELD("side"), to_string(r.side));
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

// Appends to a string through a cursor: the string is grown ahead, by at least what this
// appender wrote so far, and cut back to what was written when the appender goes. A piece then
// costs a bounds check and a copy, not a call into the string's out-of-line append.
class StringAppender {
 public:
  StringAppender(std::string& out, size_t expected_size) : out_(out), start_(out.size()) {
    grow_to(start_ + expected_size, start_);
  }
  ~StringAppender() { out_.resize(written()); }
  StringAppender(const StringAppender&) = delete;
  StringAppender& operator=(const StringAppender&) = delete;

  void put(char c) {
    *room(1) = c;
    ++cursor_;
  }
  void put(std::string_view piece) {
    std::memcpy(room(piece.size()), piece.data(), piece.size());
    cursor_ += piece.size();
  }
  // Where the next `size` bytes may be written; advance() then keeps what was written there.
  char* room(size_t size) {
    if (static_cast<size_t>(limit_ - cursor_) < size) make_room(size);
    return cursor_;
  }
  void advance(size_t size) { cursor_ += size; }
  // Writes key.bytes[skip, key.size): the copy is of constant size, padding included, and only
  // the key's own bytes are kept.
  void put(const JsonKey& key, size_t skip) {
    std::memcpy(room(JsonKey::kPaddedSize), key.bytes.data() + skip, JsonKey::kPaddedSize - 1);
    cursor_ += key.size - skip;
  }

 private:
  size_t written() const { return static_cast<size_t>(cursor_ - out_.data()); }

  // Rare, and kept out of line so that the callers' common path stays small.
  [[gnu::noinline]] void make_room(size_t size) {
    const size_t written_now = written();
    grow_to(written_now + std::max(size, written_now - start_) + kMinGrowth, written_now);
  }
  void grow_to(size_t size, size_t written_now) {
    out_.resize(size);
    cursor_ = out_.data() + written_now;
    limit_ = out_.data() + out_.size();
  }

  static constexpr size_t kMinGrowth = 64;

  std::string& out_;
  size_t start_;
  // Pointers into out_ rather than an index: a piece is written with no load of the string's
  // own fields.
  char* cursor_ = nullptr;
  char* limit_ = nullptr;
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
// bit of their byte set in the mask (the classic "has a byte less than n" test, whose "& ~word"
// the high bits already taken make redundant). The control characters and '"' are one test: with
// bit 0x02 flipped, they are exactly the bytes below 0x21 ('"' becomes 0x20, and 0x00 to 0x1F
// stay among themselves). Borrows may also mark bytes after the first one that needs care, never
// before it, when the first byte of the text is the least significant byte of the word: so only
// on little-endian machines, and other machines check one byte at a time.
constexpr uint64_t kEveryByte = 0x0101010101010101u;
constexpr bool kWordAtATime = std::endian::native == std::endian::little;

constexpr uint64_t bytes_needing_care(uint64_t word) {
  return (word | ((word ^ (kEveryByte * 0x02)) - kEveryByte * 0x21) | ((word ^ (kEveryByte * '\\')) - kEveryByte)) &
         util::kHigh;
}

// The words' test agrees with the byte at a time one for every byte value, first or last among
// plain ones.
constexpr bool words_find_the_bytes_needing_care() {
  constexpr uint64_t kPlain = kEveryByte * 'a';
  for (uint64_t c = 0; c < 256; ++c) {
    const bool needs_care = !passes_unescaped(static_cast<unsigned char>(c));
    if ((bytes_needing_care((kPlain << 8) | c) != 0) != needs_care) return false;
    if ((bytes_needing_care((kPlain >> 8) | (c << 56)) != 0) != needs_care) return false;
  }
  return true;
}
static_assert(words_find_the_bytes_needing_care());

// The last 1 to 7 bytes of a text as the low bytes of a word, read without going past its end:
// two overlapping loads, as small memcpy implementations do.
uint64_t load_short(const char* bytes, size_t size) {
  if (size >= 4) {
    uint32_t first = 0;
    uint32_t last = 0;
    std::memcpy(&first, bytes, 4);
    std::memcpy(&last, bytes + size - 4, 4);
    return first | (uint64_t{last} << (8 * (size - 4)));
  }
  const auto byte = [bytes](size_t i) { return uint64_t{static_cast<unsigned char>(bytes[i])} << (8 * i); };
  return byte(0) | byte(size / 2) | byte(size - 1);
}

// Copies the run of bytes from `pos` that a JSON string carries as they are to `to`, and returns
// its length. Each word is stored before its mask is looked at: only the bytes before the first
// one needing care are kept, so plain text costs one load, one store and a mask per eight bytes.
// `to` needs room for the rest of the text and one word more. Inlined, as a call would cost as
// much as the scan of a short text.
[[gnu::always_inline]] inline size_t copy_unescaped_words(std::string_view text, size_t pos, char* const to_begin) {
  const char* from = text.data() + pos;
  const char* const end = text.data() + text.size();
  char* to = to_begin;
  // Two words a step while neither has a byte needing care; the one-word steps then find it.
  for (; end - from >= 16; from += 16, to += 16) {
    const uint64_t first = util::load8(from);
    const uint64_t second = util::load8(from + 8);
    std::memcpy(to, &first, sizeof first);
    std::memcpy(to + 8, &second, sizeof second);
    if ((bytes_needing_care(first) | bytes_needing_care(second)) != 0) break;
  }
  uint64_t mask = 0;
  for (; end - from >= 8; from += 8, to += 8) {
    const uint64_t word = util::load8(from);
    std::memcpy(to, &word, sizeof word);
    mask = bytes_needing_care(word);
    if (mask != 0) break;
  }
  if (mask == 0 && from != end) {
    // The bytes past the text's end are zero, which read as control characters: the run stops at
    // the end at the latest.
    const uint64_t word = load_short(from, static_cast<size_t>(end - from));
    std::memcpy(to, &word, sizeof word);
    mask = bytes_needing_care(word);
  }
  return static_cast<size_t>(to - to_begin) + (mask == 0 ? 0 : util::first_marked_byte(mask));
}

size_t copy_unescaped_bytes(std::string_view text, size_t pos, char* const to) {
  size_t length = 0;
  for (; pos + length < text.size() && passes_unescaped(static_cast<unsigned char>(text[pos + length])); ++length) {
    to[length] = text[pos + length];
  }
  return length;
}

size_t copy_unescaped(std::string_view text, size_t pos, char* const to) {
  return kWordAtATime ? copy_unescaped_words(text, pos, to) : copy_unescaped_bytes(text, pos, to);
}

// Returns the end of the run copied.
size_t copy_unescaped_run(std::string_view text, size_t pos, StringAppender& out) {
  const size_t length = copy_unescaped(text, pos, out.room(text.size() - pos + sizeof(uint64_t)));
  out.advance(length);
  return pos + length;
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

// Writes what starts at `pos`, a byte that needs care, and returns where the text goes on: a run
// of valid UTF-8 as it is, an escape, or U+FFFD for an invalid sequence.
size_t put_byte_needing_care(std::string_view text, size_t pos, StringAppender& out) {
  const size_t run = valid_utf8_run_end(text, pos);
  if (run > pos) {
    out.put(text.substr(pos, run - pos));
    return run;
  }
  const auto c = static_cast<unsigned char>(text[pos]);
  if (c == '"' || c == '\\') {
    out.put('\\');
    out.put(static_cast<char>(c));
    return pos + 1;
  }
  if (c < 0x20) {
    put_control_escape(c, out);
    return pos + 1;
  }
  out.put(io::kReplacementCharacter);
  return pos + io::decode_utf8(text, pos).length;
}

// The rest of a JSON string from `pos`, a byte that needs care, and the closing quote. Kept out
// of put_json_string(), so that the common case pays for none of its registers.
[[gnu::noinline]] void put_json_string_from_byte_needing_care(std::string_view text, size_t pos, StringAppender& out) {
  do {
    pos = put_byte_needing_care(text, pos, out);
    pos = copy_unescaped_run(text, pos, out);
  } while (pos < text.size());
  out.put('"');
}

void put_json_string(std::string_view text, StringAppender& out) {
  // Room for the quotes, the text and the word a copy may store past its end, taken at once:
  // text with nothing to escape, the common case, is then written with no other bounds check.
  char* const to = out.room(text.size() + 2 + sizeof(uint64_t));
  to[0] = '"';
  const size_t unescaped = copy_unescaped(text, 0, to + 1);
  if (unescaped == text.size()) {
    to[unescaped + 1] = '"';
    out.advance(unescaped + 2);
    return;
  }
  out.advance(unescaped + 1);
  put_json_string_from_byte_needing_care(text, unescaped, out);
}

class JsonObjectWriter {
 public:
  explicit JsonObjectWriter(StringAppender& out) : out_(out) { out_.put('{'); }
  void finish() { out_.put('}'); }

  void text(const FieldName& name, OptionalText value) {
    key(name);
    if (value) {
      put_json_string(*value, out_);
    } else {
      out_.put("null");
    }
  }
  // Needs no escape, so it is copied without a look at its bytes.
  void word(const FieldName& name, std::string_view value) {
    key(name);
    char* const to = out_.room(value.size() + 2);
    to[0] = '"';
    std::memcpy(to + 1, value.data(), value.size());
    to[value.size() + 1] = '"';
    out_.advance(value.size() + 2);
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
    out_.put(name.json_key, first_ ? 1 : 0);  // the first key has no comma before it
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
  void word(const FieldName& name, std::string_view value) { add(name, value.size()); }
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
    size_ += name.json_key.size + value_size + kPerValue;
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
  void word(const FieldName&, std::string_view value) { field(value); }
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
  void word(const FieldName& name, std::string_view) { column(name.name); }
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
