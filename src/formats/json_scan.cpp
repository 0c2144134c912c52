#include "formats/json_scan.h"

#include <algorithm>
#include <cstdint>

#include "util/text.h"

namespace bounceback::formats::json {
namespace {

constexpr size_t npos = std::string_view::npos;
constexpr uint32_t kReplacementCharacter = 0xFFFD;

size_t skip_blanks(std::string_view s, size_t i) {
  while (i < s.size() && util::is_space(s[i])) ++i;
  return i;
}

// The raw characters of the string whose opening quote is at `open`, and the position after
// its closing quote (the end of the text when it has none).
struct RawString {
  std::string_view body;
  size_t next;
};

RawString raw_string(std::string_view s, size_t open) {
  for (size_t i = open + 1; i < s.size(); ++i) {
    if (s[i] == '\\') {
      ++i;
    } else if (s[i] == '"') {
      return {s.substr(open + 1, i - open - 1), i + 1};
    }
  }
  return {s.substr(open + 1), s.size()};
}

// The four hex digits of a "\uXXXX" escape starting at s[at]; nullopt when malformed.
std::optional<uint32_t> hex4(std::string_view s, size_t at) {
  if (at + 4 > s.size()) return std::nullopt;
  uint32_t value = 0;
  for (size_t i = at; i < at + 4; ++i) {
    const char c = s[i];
    uint32_t digit = 0;
    if (util::is_digit(c)) {
      digit = static_cast<uint32_t>(c - '0');
    } else if (c >= 'a' && c <= 'f') {
      digit = static_cast<uint32_t>(c - 'a' + 10);
    } else if (c >= 'A' && c <= 'F') {
      digit = static_cast<uint32_t>(c - 'A' + 10);
    } else {
      return std::nullopt;
    }
    value = value * 16 + digit;
  }
  return value;
}


// Decodes the "\u" escape whose 'u' is at body[at]; returns the position after it.
size_t append_unicode_escape(std::string_view body, size_t at, std::string& out) {
  const std::optional<uint32_t> unit = hex4(body, at + 1);
  if (!unit) {
    util::append_utf8(kReplacementCharacter, out);
    return at + 1;
  }
  size_t next = at + 5;
  uint32_t cp = *unit;
  if (util::is_high_surrogate(cp) && body.substr(next, 2) == "\\u") {
    const std::optional<uint32_t> low = hex4(body, next + 2);
    if (low && util::is_low_surrogate(*low)) {
      cp = 0x10000 + ((cp - 0xD800) << 10) + (*low - 0xDC00);
      next += 6;
    }
  }
  util::append_utf8(util::is_high_surrogate(cp) || util::is_low_surrogate(cp) ? kReplacementCharacter : cp, out);
  return next;
}

std::string unescaped(std::string_view body) {
  std::string out;
  out.reserve(body.size());
  size_t i = 0;
  while (i < body.size()) {
    const char c = body[i];
    if (c != '\\' || i + 1 >= body.size()) {
      out.push_back(c);
      ++i;
      continue;
    }
    const char escaped = body[i + 1];
    switch (escaped) {
      case 'b': out.push_back('\b'); break;
      case 'f': out.push_back('\f'); break;
      case 'n': out.push_back('\n'); break;
      case 'r': out.push_back('\r'); break;
      case 't': out.push_back('\t'); break;
      case 'u': i = append_unicode_escape(body, i + 1, out); continue;
      default: out.push_back(escaped); break;  // \" \\ \/ and anything unknown as itself
    }
    i += 2;
  }
  return out;
}

// Where the value of the first `"key":` starts, or npos. Walks from string to string so that a
// key's name inside a string value is never taken for the key.
size_t value_position(std::string_view json, std::string_view key) {
  size_t i = 0;
  while (i < json.size()) {
    if (json[i] != '"') {
      ++i;
      continue;
    }
    const RawString name = raw_string(json, i);
    const size_t after = skip_blanks(json, name.next);
    if (after < json.size() && json[after] == ':' && name.body == key) return skip_blanks(json, after + 1);
    i = name.next;
  }
  return npos;
}

// The position after the object or array that opens at `open`, or the end of the text.
size_t end_of_composite(std::string_view json, size_t open) {
  int depth = 0;
  size_t i = open;
  while (i < json.size()) {
    const char c = json[i];
    if (c == '"') {
      i = raw_string(json, i).next;
      continue;
    }
    if (c == '{' || c == '[') {
      ++depth;
    } else if (c == '}' || c == ']') {
      --depth;
      if (depth == 0) return i + 1;
    }
    ++i;
  }
  return json.size();
}

// The position after the value that starts at `at`: a string, an object or array, or a bare
// number or literal running to the next separator.
size_t end_of_value(std::string_view json, size_t at) {
  if (at >= json.size()) return json.size();
  if (json[at] == '"') return raw_string(json, at).next;
  if (json[at] == '{' || json[at] == '[') return end_of_composite(json, at);
  size_t i = at;
  while (i < json.size() && json[i] != ',' && json[i] != '}' && json[i] != ']' && !util::is_space(json[i])) ++i;
  return i;
}

// A strict recursive-descent check of RFC 8259 grammar; it records the first error and stops.
class Validator {
 public:
  Validator(std::string_view json, int max_depth) : json_(json), max_depth_(max_depth) {}

  std::optional<SyntaxError> run() {
    skip();
    if (value(0)) {
      skip();
      if (at_ < json_.size()) fail("unexpected text after the JSON value");
    }
    return error_;
  }

 private:
  bool fail(std::string_view what) {
    error_ = SyntaxError{at_, what};
    return false;
  }
  void skip() { at_ = skip_blanks(json_, at_); }
  bool advance() {
    ++at_;
    return true;
  }
  bool peek(char c) const { return at_ < json_.size() && json_[at_] == c; }

  bool value(int depth) {
    if (at_ >= json_.size()) return fail("unexpected end of text, expected a value");
    switch (json_[at_]) {
      case '{': return object(depth + 1);
      case '[': return array(depth + 1);
      case '"': return string();
      case 't': return literal("true");
      case 'f': return literal("false");
      case 'n': return literal("null");
      default: return number();
    }
  }

  bool object(int depth) {
    if (depth > max_depth_) return fail("objects and arrays nested too deeply");
    ++at_;
    skip();
    if (peek('}')) return advance();
    while (true) {
      if (!peek('"')) return fail("expected a quoted object key");
      if (!string()) return false;
      skip();
      if (!peek(':')) return fail("expected ':' after an object key");
      ++at_;
      skip();
      if (!value(depth)) return false;
      skip();
      if (peek('}')) return advance();
      if (!peek(',')) return fail("expected ',' or '}' in an object");
      ++at_;
      skip();
    }
  }

  bool array(int depth) {
    if (depth > max_depth_) return fail("objects and arrays nested too deeply");
    ++at_;
    skip();
    if (peek(']')) return advance();
    while (true) {
      if (!value(depth)) return false;
      skip();
      if (peek(']')) return advance();
      if (!peek(',')) return fail("expected ',' or ']' in an array");
      ++at_;
      skip();
    }
  }

  bool string() {
    for (++at_; at_ < json_.size(); ++at_) {
      const auto c = static_cast<unsigned char>(json_[at_]);
      if (c == '"') return advance();
      if (c < 0x20) return fail("control character inside a string");
      if (c == '\\' && !escape()) return false;
    }
    return fail("unterminated string");
  }

  // At the backslash of an escape; leaves at_ on its last character.
  bool escape() {
    ++at_;
    if (at_ >= json_.size()) return fail("unterminated string");
    const char c = json_[at_];
    if (c == 'u') {
      if (!hex4(json_, at_ + 1)) return fail("malformed \\u escape");
      at_ += 4;
      return true;
    }
    constexpr std::string_view kSimple = "\"\\/bfnrt";
    return kSimple.find(c) != npos || fail("unknown escape in a string");
  }

  bool literal(std::string_view word) {
    if (json_.substr(at_, word.size()) != word) return fail("unknown literal, expected true, false or null");
    at_ += word.size();
    return true;
  }

  size_t digits() {
    const size_t start = at_;
    while (at_ < json_.size() && util::is_digit(json_[at_])) ++at_;
    return at_ - start;
  }

  bool number() {
    if (peek('-')) ++at_;
    if (peek('0')) {
      ++at_;
    } else if (digits() == 0) {
      return fail("expected a value");
    }
    if (peek('.')) {
      ++at_;
      if (digits() == 0) return fail("expected digits after a decimal point");
    }
    if (peek('e') || peek('E')) {
      ++at_;
      if (peek('+') || peek('-')) ++at_;
      if (digits() == 0) return fail("expected digits in an exponent");
    }
    return true;
  }

  std::string_view json_;
  int max_depth_;
  size_t at_ = 0;
  std::optional<SyntaxError> error_;
};

}  // namespace

std::optional<std::string> string_of(std::string_view json, std::string_view key) {
  const size_t at = value_position(json, key);
  if (at >= json.size() || json[at] != '"') return std::nullopt;
  return unescaped(raw_string(json, at).body);
}

std::string_view composite_of(std::string_view json, std::string_view key) {
  const size_t at = value_position(json, key);
  if (at >= json.size() || (json[at] != '{' && json[at] != '[')) return {};
  return json.substr(at, end_of_composite(json, at) - at);
}

std::vector<std::string_view> elements_of(std::string_view array) {
  std::vector<std::string_view> elements;
  if (array.empty() || array.front() != '[') return elements;
  size_t start = 1;
  size_t i = 1;
  while (i < array.size()) {
    const char c = array[i];
    if (c == '"') {
      i = raw_string(array, i).next;
    } else if (c == '{' || c == '[') {
      i = end_of_composite(array, i);
    } else if (c == ',' || c == ']') {
      const std::string_view element = util::trim(array.substr(start, i - start));
      if (!element.empty()) elements.push_back(element);
      if (c == ']') return elements;
      start = ++i;
    } else {
      ++i;
    }
  }
  const std::string_view rest = util::trim(array.substr(std::min(start, array.size())));
  if (!rest.empty()) elements.push_back(rest);
  return elements;
}

std::optional<std::string> as_string(std::string_view element) {
  if (element.empty() || element.front() != '"') return std::nullopt;
  return unescaped(raw_string(element, 0).body);
}

std::string_view member_of(std::string_view object, std::string_view key) {
  if (object.empty() || object.front() != '{') return {};
  size_t i = skip_blanks(object, 1);
  while (i < object.size() && object[i] == '"') {
    const RawString name = raw_string(object, i);
    i = skip_blanks(object, name.next);
    if (i >= object.size() || object[i] != ':') return {};
    const size_t start = skip_blanks(object, i + 1);
    const size_t end = end_of_value(object, start);
    if (name.body == key) return object.substr(start, end - start);
    i = skip_blanks(object, end);
    if (i >= object.size() || object[i] != ',') return {};
    i = skip_blanks(object, i + 1);
  }
  return {};
}

std::optional<SyntaxError> find_syntax_error(std::string_view json, int max_depth) {
  return Validator(json, max_depth).run();
}

}  // namespace bounceback::formats::json
