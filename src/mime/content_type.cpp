// Content-Type values (RFC 2045 5.1) with RFC 2231 parameter continuations and charsets.
#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>

#include "mime/decoding.h"
#include "mime/message.h"
#include "util/byte_masks.h"
#include "util/text.h"

namespace bounceback::mime {
namespace {

// Past this the input is hostile: no real Content-Type has a hundred parameters (and section
// numbers have at most three digits).
constexpr size_t kMaxParameters = 100;

constexpr std::array<bool, 256> make_token_chars() {
  std::array<bool, 256> table{};
  constexpr std::string_view kSpecials = "()<>@,;:\\\"/[]?=";
  for (int c = '!'; c < 127; ++c) {
    table[static_cast<size_t>(c)] = kSpecials.find(static_cast<char>(c)) == std::string_view::npos;
  }
  return table;
}
constexpr std::array<bool, 256> kTokenChars = make_token_chars();

constexpr bool is_token_char(char c) { return kTokenChars[static_cast<unsigned char>(c)]; }

// A read position over the value, skipping blanks, line breaks and (nested) comments where RFC
// 2045 allows them.
class Cursor {
 public:
  explicit Cursor(std::string_view text) : text_(text) {}

  bool done() const { return pos_ >= text_.size(); }
  char peek() const { return done() ? '\0' : text_[pos_]; }
  bool eat(char c) {
    if (peek() != c) return false;
    ++pos_;
    return true;
  }

  void skip_blanks_and_comments() {
    while (!done()) {
      if (util::is_space(peek())) {
        ++pos_;
      } else if (peek() == '(') {
        skip_comment();
      } else {
        return;
      }
    }
  }

  std::string_view take_token() {
    const size_t begin = pos_;
    while (!done() && is_token_char(text_[pos_])) ++pos_;
    return text_.substr(begin, pos_ - begin);
  }

  // An unquoted value: RFC 2045 wants a token, mailers also write '/', '=', '?', ':' unquoted
  // ("boundary=----=_NextPart_000_0001"), so it runs to the next blank or ';'.
  std::string_view take_bare_value() {
    const size_t begin = pos_;
    while (!done() && !util::is_space(text_[pos_]) && text_[pos_] != ';') ++pos_;
    return text_.substr(begin, pos_ - begin);
  }

  // A quoted string with backslash escapes; an unclosed one runs to the end of the value. Usually
  // a plain run up to the closing quote ("boundary=\"----=_Part_1\""), returned as a view of it;
  // otherwise the value is built in `unescaped` and the view is of that.
  std::string_view take_quoted(std::string& unescaped) {
    ++pos_;
    const size_t end = text_.find('"', pos_);
    if (end != std::string_view::npos) {
      const std::string_view plain = text_.substr(pos_, end - pos_);
      if (plain.find('\\') == std::string_view::npos && plain.find('\n') == std::string_view::npos) {
        pos_ = end + 1;
        return plain;
      }
    }
    unescaped.clear();
    while (!done() && text_[pos_] != '"') {
      if (text_[pos_] == '\\' && pos_ + 1 < text_.size()) ++pos_;
      if (text_[pos_] != '\n') unescaped.push_back(text_[pos_]);  // a folded quoted string unfolds
      ++pos_;
    }
    if (!done()) ++pos_;
    return unescaped;
  }

  // Up to the next ';' (or the end), at least one byte: how unreadable parameters are skipped.
  void skip_parameter() {
    if (peek() != ';' && !done()) ++pos_;
    while (!done() && text_[pos_] != ';') ++pos_;
  }

 private:
  void skip_comment() {
    int depth = 0;
    while (!done()) {
      const char c = text_[pos_++];
      if (c == '\\') {
        if (!done()) ++pos_;
      } else if (c == '(') {
        ++depth;
      } else if (c == ')' && --depth == 0) {
        return;
      }
    }
  }

  std::string_view text_;
  size_t pos_ = 0;
};

// One "name=value" as written; RFC 2231 names carry "*N" sections and a trailing '*' when the
// value is percent-encoded.
struct RawParameter {
  std::string name;  // lower-case, without the RFC 2231 suffix
  int section = -1;  // -1 when the name has no section number
  bool extended = false;
  std::string value;
};

RawParameter split_rfc2231_name(std::string_view name, std::string value) {
  RawParameter parameter{util::to_lower(name), -1, false, std::move(value)};
  const size_t star = name.find('*');
  if (star == std::string_view::npos || star == 0) return parameter;
  // "name*", "name*0" or "name*0*": an optional section number, a final '*' when extended.
  std::string_view digits = name.substr(star + 1);
  const bool extended = name.back() == '*';
  if (extended && !digits.empty()) digits.remove_suffix(1);
  int section = -1;
  if (!digits.empty()) {
    if (digits.size() > 3 || !std::all_of(digits.begin(), digits.end(), util::is_digit)) return parameter;
    section = std::stoi(std::string(digits));
  }
  parameter.name = util::to_lower(name.substr(0, star));
  parameter.section = section;
  parameter.extended = extended;
  return parameter;
}

// Joins the sections of one RFC 2231 parameter in section order and decodes it:
// "title*0*=us-ascii'en'This%20is; title*1*=%20fun" -> "This is fun".
std::string join_rfc2231(std::vector<const RawParameter*> sections) {
  std::stable_sort(sections.begin(), sections.end(),
                   [](const RawParameter* a, const RawParameter* b) { return a->section < b->section; });
  std::string charset;
  std::string bytes;
  for (const RawParameter* section : sections) {
    std::string_view value = section->value;
    if (section == sections.front() && section->extended) {
      const size_t charset_end = value.find('\'');
      const size_t language_end =
          charset_end == std::string_view::npos ? std::string_view::npos : value.find('\'', charset_end + 1);
      if (language_end != std::string_view::npos) {
        charset = std::string(value.substr(0, charset_end));
        value.remove_prefix(language_end + 1);
      }
    }
    if (section->extended) {
      append_percent_decoded(value, bytes);
    } else {
      bytes.append(value);
    }
  }
  return charset.empty() ? bytes : to_utf8(bytes, charset);
}

// One parameter per name in order of first appearance; RFC 2231 forms win over a plain value
// of the same name, which old readers were given as a fallback.
void assemble(std::vector<RawParameter>& raw, std::pmr::vector<std::pair<std::string, std::string>>& params) {
  params.clear();
  params.reserve(raw.size());
  for (size_t i = 0; i < raw.size(); ++i) {
    const std::string& name = raw[i].name;
    const auto seen = [&](const auto& param) { return param.first == name; };
    if (std::any_of(params.begin(), params.end(), seen)) continue;
    std::vector<const RawParameter*> rfc2231;
    RawParameter* plain = nullptr;
    for (size_t j = i; j < raw.size(); ++j) {
      if (raw[j].name != name) continue;
      if (raw[j].section >= 0 || raw[j].extended) {
        rfc2231.push_back(&raw[j]);
      } else if (plain == nullptr) {
        plain = &raw[j];
      }
    }
    // Each plain value is taken once: later parameters of this name are skipped as seen.
    params.emplace_back(name, rfc2231.empty() ? std::move(plain->value) : join_rfc2231(std::move(rfc2231)));
  }
}

void store_lower8(const char* from, char* to) {
  const uint64_t lowered = util::ascii_lower8(util::load8(from));
  std::memcpy(to, &lowered, 8);
}

// Copies and lower-cases in one pass, into the string's own buffer: every part's type, subtype
// and parameter names go through it. Eight bytes at a time from eight bytes on, the last word
// overlapping the one before instead of a loop over the bytes left.
void assign_lower(std::string& to, std::string_view from) {
  const size_t size = from.size();
  to.resize(size);
  char* const out = to.data();
  if (size < 8) {
    for (size_t i = 0; i < size; ++i) out[i] = util::ascii_lower(from[i]);
    return;
  }
  for (size_t i = 0; i + 8 < size; i += 8) store_lower8(from.data() + i, out + i);
  store_lower8(from.data() + size - 8, out + size - 8);
}

// A Content-Type has a parameter or two (charset, boundary, report-type): one allocation.
constexpr size_t kTypicalParameterCount = 2;

// Calls take(name, value) for each "name=value" after the type, as written; a missing ';'
// between them ("text/plain charset=utf-8") is forgiven. The views are valid during the call
// only: a value is copied once, where it is kept.
template <typename Take>
void for_each_parameter(Cursor cursor, Take take) {
  std::string unescaped;
  size_t count = 0;
  while (!cursor.done() && count < kMaxParameters) {
    cursor.skip_blanks_and_comments();
    if (cursor.eat(';')) continue;
    const std::string_view name = cursor.take_token();
    cursor.skip_blanks_and_comments();
    if (name.empty() || !cursor.eat('=')) {
      cursor.skip_parameter();
      continue;
    }
    cursor.skip_blanks_and_comments();
    take(name, cursor.peek() == '"' ? cursor.take_quoted(unescaped) : cursor.take_bare_value());
    ++count;
  }
}

// The usual case, no RFC 2231 name: the first value of each name, without the sections' sort and
// join. False when a name carries a '*' and assemble() must decide.
bool take_plain_parameters(const Cursor& cursor, std::pmr::vector<std::pair<std::string, std::string>>& params) {
  bool plain = true;
  for_each_parameter(cursor, [&](std::string_view name, std::string_view value) {
    if (!plain) return;
    if (name.find('*') != std::string_view::npos && name.front() != '*') {
      plain = false;
      return;
    }
    // Names held are lower-case: a case-insensitive match is a match of the lower-cased name.
    const auto seen = [&](const auto& param) { return util::iequals(param.first, name); };
    if (std::any_of(params.begin(), params.end(), seen)) return;
    if (params.empty()) params.reserve(kTypicalParameterCount);
    auto& [lower_name, kept_value] = params.emplace_back();
    assign_lower(lower_name, name);
    kept_value.assign(value);
  });
  return plain;
}

}  // namespace

std::string_view ContentType::param(std::string_view name) const {
  for (const auto& [key, value] : params) {
    if (util::iequals(key, name)) return value;
  }
  return {};
}

ContentType parse_content_type(std::string_view raw_value) {
  ContentType content_type;
  read_content_type(raw_value, content_type);
  return content_type;
}

void read_content_type(std::string_view raw_value, ContentType& content_type) {
  Cursor cursor(raw_value);
  cursor.skip_blanks_and_comments();
  const std::string_view type = cursor.take_token();
  cursor.skip_blanks_and_comments();
  std::string_view subtype;
  if (cursor.eat('/')) {
    cursor.skip_blanks_and_comments();
    subtype = cursor.take_token();
  }
  // RFC 2045 5.2: an unreadable type means the default, text/plain. A name already held as
  // written (the default "text" and "plain" of the parts that say so) is not copied again.
  if (!type.empty() && !subtype.empty()) {
    if (content_type.type != type) assign_lower(content_type.type, type);
    if (content_type.subtype != subtype) assign_lower(content_type.subtype, subtype);
  }

  if (take_plain_parameters(cursor, content_type.params)) return;
  std::vector<RawParameter> raw;
  for_each_parameter(cursor, [&](std::string_view name, std::string_view value) {
    raw.push_back(split_rfc2231_name(name, std::string(value)));
  });
  assemble(raw, content_type.params);
}

}  // namespace bounceback::mime
