#include "io/utf8.h"

#include <array>

namespace bounceback::io {
namespace {

constexpr bool is_continuation(unsigned char byte) { return (byte & 0xC0) == 0x80; }

struct LeadByte {
  size_t length;            // total bytes of the sequence, 0 for an invalid lead byte
  unsigned char second_min; // the allowed range of the second byte (Unicode Table 3-7), which
  unsigned char second_max; // is what excludes overlongs, surrogates and values above U+10FFFF
};

constexpr LeadByte classify_lead(unsigned char b) {
  if (b >= 0xC2 && b <= 0xDF) return {2, 0x80, 0xBF};
  if (b == 0xE0) return {3, 0xA0, 0xBF};  // overlong below U+0800
  if (b == 0xED) return {3, 0x80, 0x9F};  // surrogates U+D800..DFFF
  if (b >= 0xE1 && b <= 0xEF) return {3, 0x80, 0xBF};
  if (b == 0xF0) return {4, 0x90, 0xBF};  // overlong below U+10000
  if (b >= 0xF1 && b <= 0xF3) return {4, 0x80, 0xBF};
  if (b == 0xF4) return {4, 0x80, 0x8F};  // above U+10FFFF
  return {0, 0, 0};                       // 80..C1 and F5..FF never start a character
}

constexpr CodePoint kInvalidByte{0xFFFD, 1, false};

struct WideRange {
  char32_t first;
  char32_t last;
};

// East Asian Wide (W) and Fullwidth (F) blocks, after Markus Kuhn's wcwidth(): enough to keep
// Japanese, Chinese and Korean bounce text (common in real bounces) within the terminal width.
constexpr std::array kWideRanges = {
    WideRange{0x1100, 0x115F},   // Hangul Jamo initial consonants
    WideRange{0x2E80, 0x303E},   // CJK radicals, punctuation
    WideRange{0x3041, 0x33FF},   // Hiragana, Katakana, CJK compatibility
    WideRange{0x3400, 0x4DBF},   // CJK extension A
    WideRange{0x4E00, 0x9FFF},   // CJK unified ideographs
    WideRange{0xA000, 0xA4CF},   // Yi
    WideRange{0xAC00, 0xD7A3},   // Hangul syllables
    WideRange{0xF900, 0xFAFF},   // CJK compatibility ideographs
    WideRange{0xFE30, 0xFE4F},   // CJK compatibility forms
    WideRange{0xFF00, 0xFF60},   // full-width forms
    WideRange{0xFFE0, 0xFFE6},   // full-width signs
    WideRange{0x1F300, 0x1F64F}, // pictographs and emoticons
    WideRange{0x1F900, 0x1F9FF}, // supplemental symbols and pictographs
    WideRange{0x20000, 0x3FFFD}, // CJK extensions B and later
};

}  // namespace

CodePoint decode_utf8(std::string_view text, size_t pos) {
  const auto lead = static_cast<unsigned char>(text[pos]);
  if (lead < 0x80) return {lead, 1, true};
  const LeadByte shape = classify_lead(lead);
  if (shape.length == 0) return kInvalidByte;

  char32_t value = lead & (0x7Fu >> shape.length);
  for (size_t i = 1; i < shape.length; ++i) {
    if (pos + i >= text.size()) return {0xFFFD, i, false};
    const auto byte = static_cast<unsigned char>(text[pos + i]);
    const bool in_range = i == 1 ? (byte >= shape.second_min && byte <= shape.second_max)
                                 : is_continuation(byte);
    if (!in_range) return {0xFFFD, i, false};
    value = (value << 6) | (byte & 0x3Fu);
  }
  return {value, shape.length, true};
}

void append_valid_utf8(std::string_view text, std::string& out) {
  size_t pos = 0;
  while (pos < text.size()) {
    size_t run = pos;
    while (run < text.size() && static_cast<unsigned char>(text[run]) < 0x80) ++run;
    out.append(text, pos, run - pos);
    pos = run;
    if (pos == text.size()) break;
    const CodePoint cp = decode_utf8(text, pos);
    if (cp.valid) {
      out.append(text, pos, cp.length);
    } else {
      out.append(kReplacementCharacter);
    }
    pos += cp.length;
  }
}

int display_width(char32_t code_point) {
  if (code_point < kWideRanges.front().first) return 1;
  for (const WideRange& range : kWideRanges) {
    if (code_point >= range.first && code_point <= range.last) return 2;
  }
  return 1;
}

}  // namespace bounceback::io
