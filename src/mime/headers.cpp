// Line endings and the RFC 5322 header block, scanned line by line without allocating.
#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <cstring>

#include "mime/message.h"
#include "util/byte_masks.h"
#include "util/text.h"

namespace bounceback::mime {
namespace {

constexpr bool is_blank(char c) { return c == ' ' || c == '\t'; }

// Printable US-ASCII without the colon (RFC 5322 2.2), as a table: every field's name is scanned.
constexpr std::array<bool, 256> make_name_chars() {
  std::array<bool, 256> table{};
  for (int c = '!'; c < 127; ++c) table[static_cast<size_t>(c)] = c != ':';
  return table;
}
constexpr std::array<bool, 256> kNameChars = make_name_chars();

// The high bit of each of eight bytes that cannot be in a field name (anything but '!' to '~',
// and ':'): the first marked byte is where the name ends, so most names are found with one or two
// words instead of a lookup per byte, on every line of every block. Each test adds to a byte's low
// seven bits, which never carries into the next byte: plus 0x01 reaches the high bit at DEL, plus
// 0x5F from '!' on, and the bits xor ':' plus 0x7F for all but the colon; bytes from 0x80 on have
// the high bit already.
constexpr uint64_t non_name_bytes(uint64_t bytes) {
  const uint64_t low7 = bytes & util::kLow7;
  const uint64_t from_bang = low7 + util::broadcast(0x5F);
  const uint64_t not_colon = (low7 ^ util::broadcast(':')) + util::kLow7;
  return ((low7 + util::broadcast(0x01)) | bytes | ~(from_bang & not_colon)) & util::kHigh;
}

// Where the run of field-name bytes at the start of `line` ends: words while whole words remain,
// the table for the bytes after the last one.
size_t name_end(std::string_view line) {
  // Most names end within two words: those are tested before the loop and its counter.
  if (line.size() >= 16) {
    if (const uint64_t marks = non_name_bytes(util::load8(line.data())); marks != 0) {
      return util::first_marked_byte(marks);
    }
    if (const uint64_t marks = non_name_bytes(util::load8(line.data() + 8)); marks != 0) {
      return 8 + util::first_marked_byte(marks);
    }
  }
  size_t length = line.size() >= 16 ? 16 : 0;
  for (; length + 8 <= line.size(); length += 8) {
    if (const uint64_t marks = non_name_bytes(util::load8(line.data() + length)); marks != 0) {
      return length + util::first_marked_byte(marks);
    }
  }
  while (length < line.size() && kNameChars[static_cast<unsigned char>(line[length])]) ++length;
  return length;
}

// Field names are printable US-ASCII without the colon (RFC 5322 2.2); obsolete syntax allows
// blanks before the colon ("Subject : hi"). Given the name bytes' run at the line's start, returns
// the name's length, or 0 when the line is not a field.
size_t field_name_length(std::string_view line, size_t length, size_t* colon) {
  size_t pos = length;
  // The colon mostly follows the name at once.
  if (length > 0 && pos < line.size() && line[pos] == ':') {
    *colon = pos;
    return length;
  }
  while (pos < line.size() && is_blank(line[pos])) ++pos;
  if (length == 0 || pos == line.size() || line[pos] != ':') return 0;
  *colon = pos;
  return length;
}

// The bytes of a parameter name as looks_like_parameter reads it, as a table.
constexpr std::array<bool, 256> make_parameter_name_chars() {
  std::array<bool, 256> table{};
  for (int c = 0; c < 256; ++c) {
    table[static_cast<size_t>(c)] = util::is_alnum(static_cast<char>(c)) || c == '-' || c == '_' || c == '*';
  }
  return table;
}
constexpr std::array<bool, 256> kParameterNameChars = make_parameter_name_chars();

// "boundary=..." at the start of a line: Office 365 writes Content-Type parameters on an
// unindented line ("Content-Type: multipart/alternative;\nboundary=\"_000_...\""). Parameter
// name bytes are field name bytes and so is '=': a line whose run of name bytes (`name_run`)
// holds no '=' is not one, which one memchr tells for the usual next field.
bool looks_like_parameter(std::string_view line, size_t name_run) {
  if (std::memchr(line.data(), '=', name_run) == nullptr) return false;
  size_t length = 0;
  while (length < line.size() && kParameterNameChars[static_cast<unsigned char>(line[length])]) ++length;
  return length > 0 && length < line.size() && line[length] == '=';
}

// The body after the first empty line at or after `from`, or nothing.
std::string_view body_after_blank_line(std::string_view text, size_t from) {
  const size_t blank = text.find("\n\n", from);
  return blank == std::string_view::npos ? text.substr(text.size()) : text.substr(blank + 2);
}

void warn(std::vector<std::string>* warnings, std::string message) {
  if (warnings != nullptr) warnings->push_back(std::move(message));
}

// A part's block has a handful of fields, a message's a few dozen (a bounce's own block, with its
// Received lines, often more than 16): one allocation covers most.
constexpr size_t kTypicalFieldCount = 32;

class HeaderScanner {
 public:
  HeaderScanner(std::string_view text, size_t max_bytes, std::vector<std::string>* warnings,
                std::pmr::memory_resource* memory)
      : text_(text), max_bytes_(max_bytes), warnings_(warnings), block_{Headers(memory), {}, std::nullopt, std::nullopt} {
    block_.headers.reserve(kTypicalFieldCount);
  }

  // take_line has this one caller, so the compiler folds it into the loop: it runs on every line.
  HeaderBlock scan() {
    size_t pos = skip_mbox_separator();
    while (pos < text_.size()) {
      const size_t line_end = line_end_at(pos);
      std::string_view line(text_.data() + pos, line_end - pos);
      if (line.empty()) return finish(text_.substr(line_end + 1));
      // The line crossing the limit: what lies before the limit is kept and the body still
      // starts after the block's empty line.
      const bool crosses_limit = line_end > max_bytes_;
      if (crosses_limit) line = pos < max_bytes_ ? text_.substr(pos, max_bytes_ - pos) : std::string_view();
      if (!line.empty() && !take_line(line)) return finish(text_.substr(pos));
      if (crosses_limit) return cut_at_limit(pos);
      pos = line_end + 1;
    }
    return finish(text_.substr(text_.size()));
  }

 private:
  // The end of the line starting at `pos` (its line break, or the end of the text): memchr
  // itself, without string_view::find's checks around it, on every line of every block.
  size_t line_end_at(size_t pos) const {
    const void* newline = std::memchr(text_.data() + pos, '\n', text_.size() - pos);
    return newline == nullptr ? text_.size() : static_cast<size_t>(static_cast<const char*>(newline) - text_.data());
  }

  // An mbox file's "From sender date" separator line, when a single message was cut from one
  // (but not an obsolete-syntax "From : jane@example.org" field, whose name blanks and a colon
  // follow).
  size_t skip_mbox_separator() const {
    if (!text_.starts_with("From ")) return 0;
    const size_t newline = std::min(text_.find('\n'), text_.size());
    size_t after_name = 4;
    while (after_name < newline && is_blank(text_[after_name])) ++after_name;
    if (after_name < newline && text_[after_name] == ':') return 0;
    return newline == text_.size() ? newline : newline + 1;
  }

  // Adds `line` (a view into the text) to the block; false when it is not part of the block.
  // A field is added whole from its first line on; continuation lines grow its value.
  bool take_line(std::string_view line) {
    if (is_blank(line[0]) && has_field()) {
      extend(line);
      return true;
    }
    const size_t name_run = name_end(line);
    if (last_is_content_type_ && looks_like_parameter(line, name_run)) {
      warn(warnings_, "Content-Type parameter on an unindented line joined to the field");
      extend(line);
      return true;
    }
    size_t colon = 0;
    const size_t name_length = field_name_length(line, name_run, &colon);
    if (name_length == 0) {
      warn(warnings_, "header line without a colon ends the header block");
      return false;
    }
    size_t value_begin = colon + 1;
    while (value_begin < line.size() && is_blank(line[value_begin])) ++value_begin;
    block_.headers.add({std::string_view(line.data(), name_length),
                        std::string_view(line.data() + value_begin, line.size() - value_begin)});
    note_mime_field(last_field());
    return true;
  }

  // The MIME tree reads these two fields of every part: noted as each field is added instead of
  // looked up in a second walk over the fields.
  void note_mime_field(const HeaderField& field) {
    const size_t index = block_.headers.fields().size() - 1;
    last_is_content_type_ = field.is("Content-Type");
    if (last_is_content_type_) {
      if (!block_.content_type) block_.content_type = index;
    } else if (!block_.transfer_encoding && field.is("Content-Transfer-Encoding")) {
      block_.transfer_encoding = index;
    }
  }

  bool has_field() const { return !block_.headers.empty(); }
  const HeaderField& last_field() const { return block_.headers.fields().back(); }

  void extend(std::string_view line) {
    const char* value_begin = last_field().value.data();
    if (last_field().value.empty()) {
      // "Subject:" alone on its line: the value starts with the continuation's first non-blank.
      size_t first = 0;
      while (first < line.size() && is_blank(line[first])) ++first;
      value_begin = line.data() + first;
    }
    const char* const value_end = line.data() + line.size();
    block_.headers.replace_last_value({value_begin, static_cast<size_t>(value_end - value_begin)});
  }

  HeaderBlock cut_at_limit(size_t pos) {
    warn(warnings_, "header block larger than " + std::to_string(max_bytes_) +
                        " bytes truncated (raise it with --max-header-size)");
    return finish(body_after_blank_line(text_, pos));
  }

  HeaderBlock finish(std::string_view body) {
    block_.body = body;
    return std::move(block_);
  }

  std::string_view text_;
  size_t max_bytes_;
  std::vector<std::string>* warnings_;
  HeaderBlock block_;
  bool last_is_content_type_ = false;  // the next line may hold its parameters (Office 365)
};

}  // namespace

std::string_view normalize_line_endings(std::string_view in, std::string& storage) {
  const char* cr = static_cast<const char*>(std::memchr(in.data(), '\r', in.size()));
  if (cr == nullptr) return in;
  // Written through a pointer into storage sized once: the output is never longer than the input.
  storage.resize(in.size());
  char* out = storage.data();
  const char* pos = in.data();
  const char* const end = in.data() + in.size();
  while (cr != nullptr) {
    std::memcpy(out, pos, static_cast<size_t>(cr - pos));
    out += cr - pos;
    *out++ = '\n';
    pos = cr + 1;
    if (pos < end && *pos == '\n') ++pos;  // CRLF; a bare CR stands alone
    cr = static_cast<const char*>(std::memchr(pos, '\r', static_cast<size_t>(end - pos)));
  }
  std::memcpy(out, pos, static_cast<size_t>(end - pos));
  out += end - pos;
  storage.resize(static_cast<size_t>(out - storage.data()));
  return storage;
}

std::optional<std::string_view> Headers::raw(std::string_view name) const {
  if (!may_have(name)) return std::nullopt;
  for (const HeaderField& field : fields_) {
    if (field.is(name)) return field.value;
  }
  return std::nullopt;
}

std::string Headers::get(std::string_view name) const {
  const std::optional<std::string_view> value = raw(name);
  return value ? decode_header_value(*value) : std::string();
}

HeaderBlock parse_header_block(std::string_view text, size_t max_bytes,
                               std::vector<std::string>* warnings, std::pmr::memory_resource* memory) {
  return HeaderScanner(text, max_bytes, warnings, memory).scan();
}

}  // namespace bounceback::mime
