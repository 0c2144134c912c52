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
// words instead of a lookup per byte, on every line of every block.
constexpr uint64_t non_name_bytes(uint64_t bytes) {
  return (~util::bytes_in_range(bytes, '!', '~') & util::kHigh) | util::bytes_equal(bytes, util::broadcast(':'));
}


// Field names are printable US-ASCII without the colon (RFC 5322 2.2); obsolete syntax allows
// blanks before the colon ("Subject : hi"). Returns the name's length, or 0 when the line is
// not a field.
size_t field_name_length(std::string_view line, size_t* colon) {
  size_t length = 0;
  for (uint64_t word = 0; length + sizeof word <= line.size(); length += sizeof word) {
    std::memcpy(&word, line.data() + length, sizeof word);
    if (const uint64_t marks = non_name_bytes(word); marks != 0) {
      length += util::first_marked_byte(marks);
      break;
    }
  }
  while (length < line.size() && kNameChars[static_cast<unsigned char>(line[length])]) ++length;
  size_t pos = length;
  while (pos < line.size() && is_blank(line[pos])) ++pos;
  if (length == 0 || pos == line.size() || line[pos] != ':') return 0;
  *colon = pos;
  return length;
}

// "boundary=..." at the start of a line: Office 365 writes Content-Type parameters on an
// unindented line ("Content-Type: multipart/alternative;\nboundary=\"_000_...\"").
bool looks_like_parameter(std::string_view line) {
  size_t length = 0;
  while (length < line.size() &&
         (util::is_alnum(line[length]) || line[length] == '-' || line[length] == '_' || line[length] == '*')) {
    ++length;
  }
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

// The field being read: its value grows while continuation lines follow.
struct OpenField {
  std::string_view name;
  size_t value_begin = 0;
  size_t value_end = 0;
};

// A part's block has a handful of fields, a message's a few dozen (a bounce's own block, with its
// Received lines, often more than 16): one allocation covers most.
constexpr size_t kTypicalFieldCount = 32;

class HeaderScanner {
 public:
  HeaderScanner(std::string_view text, size_t max_bytes, std::vector<std::string>* warnings)
      : text_(text), max_bytes_(max_bytes), warnings_(warnings) {
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
      if (!line.empty() && !take_line(line, pos)) return finish(text_.substr(pos));
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

  // Adds `line` (starting at `pos`) to the block; false when it is not part of the block.
  bool take_line(std::string_view line, size_t pos) {
    if (is_blank(line[0]) && has_open_) {
      extend(line, pos);
      return true;
    }
    if (has_open_ && HeaderField{open_.name, {}}.is("Content-Type") && looks_like_parameter(line)) {
      warn(warnings_, "Content-Type parameter on an unindented line joined to the field");
      extend(line, pos);
      return true;
    }
    size_t colon = 0;
    const size_t name_length = field_name_length(line, &colon);
    if (name_length == 0) {
      warn(warnings_, "header line without a colon ends the header block");
      return false;
    }
    close_open_field();
    size_t value_begin = colon + 1;
    while (value_begin < line.size() && is_blank(line[value_begin])) ++value_begin;
    open_ = {line.substr(0, name_length), pos + value_begin, pos + line.size()};
    has_open_ = true;
    return true;
  }

  void extend(std::string_view line, size_t pos) {
    if (open_.value_begin == open_.value_end) {
      // "Subject:" alone on its line: the value starts with the continuation's first non-blank.
      size_t first = 0;
      while (first < line.size() && is_blank(line[first])) ++first;
      open_.value_begin = pos + first;
    }
    open_.value_end = pos + line.size();
  }

  void close_open_field() {
    if (!has_open_) return;
    block_.headers.add({open_.name, text_.substr(open_.value_begin, open_.value_end - open_.value_begin)});
    has_open_ = false;
  }

  HeaderBlock cut_at_limit(size_t pos) {
    warn(warnings_, "header block larger than " + std::to_string(max_bytes_) +
                        " bytes truncated (raise it with --max-header-size)");
    return finish(body_after_blank_line(text_, pos));
  }

  HeaderBlock finish(std::string_view body) {
    close_open_field();
    block_.body = body;
    return std::move(block_);
  }

  std::string_view text_;
  size_t max_bytes_;
  std::vector<std::string>* warnings_;
  HeaderBlock block_;
  OpenField open_;
  bool has_open_ = false;
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
                               std::vector<std::string>* warnings) {
  return HeaderScanner(text, max_bytes, warnings).scan();
}

}  // namespace bounceback::mime
