// Small ASCII text helpers shared by every layer. Locale-free, allocation-free unless they return
// a std::string.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>
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

// Eight bytes at a time, the last word overlapping the one before rather than the bytes left over
// compared one by one: header and DSN field names, eight to twenty-odd bytes, are compared so for
// every field of every message. Shorter texts byte by byte, which stops at the first difference.
inline bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  const size_t size = a.size();
  if (size < 8) {
    for (size_t i = 0; i < size; ++i) {
      if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
    }
    return true;
  }
  const auto same_word = [&](size_t at) {
    uint64_t x = 0, y = 0;
    std::memcpy(&x, a.data() + at, 8);
    std::memcpy(&y, b.data() + at, 8);
    return x == y || ascii_lower8(x) == ascii_lower8(y);
  };
  for (size_t i = 0; i + 8 < size; i += 8) {
    if (!same_word(i)) return false;
  }
  return same_word(size - 8);
}
// A small fixed set of names (at most 16, each under 32 bytes), found ignoring ASCII case by their
// length first: most names looked up have a length none of the set has, the rest are compared
// with one or two. Header and DSN field names are looked up so. Made from an array of names or of
// entries with a `name` member, in the array's order.
class NameSet {
 public:
  static constexpr size_t kNone = ~size_t{0};

  template <typename Entry, size_t N>
  consteval explicit NameSet(const Entry (&entries)[N]) {
    static_assert(N <= kMaxNames, "one bit per name");
    for (size_t i = 0; i < N; ++i) {
      if constexpr (std::is_convertible_v<Entry, std::string_view>) {
        names_[i] = entries[i];
      } else {
        names_[i] = entries[i].name;
      }
      if (names_[i].size() >= kMaxLength) throw "a name of a NameSet is too long";
      by_length_[names_[i].size()] |= static_cast<uint16_t>(1u << i);
    }
  }

  // The index of `name` among the names, or kNone.
  size_t find(std::string_view name) const {
    if (name.size() >= kMaxLength) return kNone;
    for (unsigned candidates = by_length_[name.size()]; candidates != 0; candidates &= candidates - 1) {
      const auto i = static_cast<size_t>(std::countr_zero(candidates));
      if (iequals(name, names_[i])) return i;
    }
    return kNone;
  }
  bool contains(std::string_view name) const { return find(name) != kNone; }

 private:
  static constexpr size_t kMaxNames = 16;
  static constexpr size_t kMaxLength = 32;
  std::string_view names_[kMaxNames] = {};
  uint16_t by_length_[kMaxLength] = {};
};

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

constexpr bool is_high_surrogate(uint32_t unit) { return unit >= 0xD800 && unit <= 0xDBFF; }
constexpr bool is_low_surrogate(uint32_t unit) { return unit >= 0xDC00 && unit <= 0xDFFF; }

// Writes the UTF-8 of a code point (below 0x110000, not a surrogate) to `out`, which has room for
// four bytes; returns the bytes written.
inline size_t encode_utf8(uint32_t code_point, char* out) {
  if (code_point < 0x80) {
    out[0] = static_cast<char>(code_point);
    return 1;
  }
  if (code_point < 0x800) {
    out[0] = static_cast<char>(0xC0 | (code_point >> 6));
    out[1] = static_cast<char>(0x80 | (code_point & 0x3F));
    return 2;
  }
  if (code_point < 0x10000) {
    out[0] = static_cast<char>(0xE0 | (code_point >> 12));
    out[1] = static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
    out[2] = static_cast<char>(0x80 | (code_point & 0x3F));
    return 3;
  }
  out[0] = static_cast<char>(0xF0 | (code_point >> 18));
  out[1] = static_cast<char>(0x80 | ((code_point >> 12) & 0x3F));
  out[2] = static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
  out[3] = static_cast<char>(0x80 | (code_point & 0x3F));
  return 4;
}
inline void append_utf8(uint32_t code_point, std::string& out) {
  char bytes[4];
  out.append(bytes, encode_utf8(code_point, bytes));
}

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
