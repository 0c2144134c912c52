// UTF-8 decoding for the writers: every byte string a report carries may be invalid UTF-8 (bounces
// quote 8-bit headers verbatim), and every writer must still produce valid UTF-8.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace bounceback::io {

inline constexpr std::string_view kReplacementCharacter = "\xEF\xBF\xBD";  // U+FFFD

struct CodePoint {
  char32_t value;  // U+FFFD when !valid
  size_t length;   // bytes consumed, at least 1 when pos < text.size()
  bool valid;
};

// Decodes the code point starting at text[pos]. REQUIRES: pos < text.size().
// An invalid sequence (bad lead byte, truncated, overlong, surrogate, above U+10FFFF) consumes its
// maximal valid prefix, as Unicode's "substitution of maximal subparts" recommends, so one broken
// character becomes one U+FFFD.
CodePoint decode_utf8(std::string_view text, size_t pos);

// Appends `text` with every invalid sequence replaced by U+FFFD.
void append_valid_utf8(std::string_view text, std::string& out);

// Terminal columns a code point takes: 2 for East Asian wide and full-width characters, else 1.
// Zero-width marks count as 1, which errs towards shorter lines.
int display_width(char32_t code_point);

}  // namespace bounceback::io
