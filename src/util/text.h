// Small ASCII text helpers shared by every layer. Locale-free, allocation-free unless they return
// a std::string.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "util/byte_masks.h"

namespace bounceback::util {

constexpr char ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }
// ' ', '\t', '\n', '\v', '\f', '\r' as one bit test: trim() and the line readers call this for every
// byte they look at.
constexpr bool is_space(char c) {
  constexpr uint64_t kSpaces = (uint64_t{1} << ' ') | (uint64_t{1} << '\t') | (uint64_t{1} << '\n') |
                               (uint64_t{1} << '\v') | (uint64_t{1} << '\f') | (uint64_t{1} << '\r');
  const auto byte = static_cast<unsigned char>(c);
  return byte <= ' ' && ((kSpaces >> byte) & 1) != 0;
}
constexpr bool is_digit(char c) { return c >= '0' && c <= '9'; }
constexpr bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
constexpr bool is_alnum(char c) { return is_alpha(c) || is_digit(c); }

// Eight bytes at once with ASCII upper case made lower case (bytes >= 0x80 unchanged): the
// comparisons below are called a few hundred thousand times per thousand messages.
inline uint64_t ascii_lower8(uint64_t bytes) { return bytes | (bytes_in_range(bytes, 'A', 'Z') >> 2); }

inline bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  size_t i = 0;
  for (; i + 8 <= a.size(); i += 8) {
    uint64_t x = 0, y = 0;
    std::memcpy(&x, a.data() + i, 8);
    std::memcpy(&y, b.data() + i, 8);
    if (x != y && ascii_lower8(x) != ascii_lower8(y)) return false;
  }
  for (; i < a.size(); ++i) {
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  }
  return true;
}
inline bool istarts_with(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() && iequals(text.substr(0, prefix.size()), prefix);
}
inline bool iends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && iequals(text.substr(text.size() - suffix.size()), suffix);
}
// Position of `needle` in `text` ignoring ASCII case, or npos.
size_t ifind(std::string_view text, std::string_view needle, size_t from = 0);
bool icontains(std::string_view text, std::string_view needle);

std::string to_lower(std::string_view text);
inline std::string_view trim(std::string_view text) {
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}
// Whether `text` holds a control character (below ' ', or DEL) or two blanks together: what keeps
// a value from reading as one single-spaced line. Checked eight bytes at a time, since the record
// builder and the explainer ask it of every value of every record.
bool has_control_or_blank_pair(std::string_view text);
// Collapses every run of white space (including newlines) into one space and trims.
std::string collapse_space(std::string_view text);

// Splits on '\n'; the views point into `text`. A trailing '\n' yields no empty last line.
std::vector<std::string_view> split_lines(std::string_view text);

// Iterates over lines without allocating: while (next_line(text, pos, line)) {...}
inline bool next_line(std::string_view text, size_t& pos, std::string_view& line) {
  if (pos >= text.size()) return false;
  const size_t nl = text.find('\n', pos);
  const size_t end = nl == std::string_view::npos ? text.size() : nl;
  line = text.substr(pos, end - pos);
  pos = nl == std::string_view::npos ? text.size() : nl + 1;
  return true;
}

}  // namespace bounceback::util
