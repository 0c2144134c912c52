// Content-Transfer-Encoding and the small escape codecs built on the same loops.
#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>

#include "mime/decoding.h"
#include "mime/message.h"
#include "util/text.h"

namespace bounceback::mime {
namespace {

constexpr uint8_t kBase64Skip = 0xFF;
constexpr uint8_t kBase64Pad = 0xFE;

constexpr std::array<uint8_t, 256> make_base64_table() {
  std::array<uint8_t, 256> table{};
  for (auto& entry : table) entry = kBase64Skip;
  constexpr std::string_view alphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (size_t i = 0; i < alphabet.size(); ++i) {
    table[static_cast<unsigned char>(alphabet[i])] = static_cast<uint8_t>(i);
  }
  table['='] = kBase64Pad;
  return table;
}
constexpr std::array<uint8_t, 256> kBase64 = make_base64_table();

constexpr uint32_t kNotAGroup = UINT32_MAX;

// The 24 bits of four alphabet bytes, or kNotAGroup when any of them is padding, a line break or
// garbage.
uint32_t base64_group_at(const char* bytes) {
  const uint32_t a = kBase64[static_cast<unsigned char>(bytes[0])];
  const uint32_t b = kBase64[static_cast<unsigned char>(bytes[1])];
  const uint32_t c = kBase64[static_cast<unsigned char>(bytes[2])];
  const uint32_t d = kBase64[static_cast<unsigned char>(bytes[3])];
  if ((a | b | c | d) >= 64) return kNotAGroup;
  return (a << 18) | (b << 12) | (c << 6) | d;
}

// Emits the whole bytes held by `count` pending sextets (2 -> 1 byte, 3 -> 2 bytes).
char* flush_base64_tail(uint32_t bits, int count, char* dst) {
  if (count == 2) {
    *dst++ = static_cast<char>(bits >> 4);
  } else if (count == 3) {
    *dst++ = static_cast<char>(bits >> 10);
    *dst++ = static_cast<char>(bits >> 2);
  }
  return dst;
}

// hex_value of every byte, looked up once per escape in the quoted-printable loop.
constexpr std::array<int8_t, 256> make_hex_values() {
  std::array<int8_t, 256> table{};
  for (size_t c = 0; c < table.size(); ++c) table[c] = static_cast<int8_t>(hex_value(static_cast<char>(c)));
  return table;
}
constexpr std::array<int8_t, 256> kHexValues = make_hex_values();

// Writes `in` to `dst` with each `escape` + two hex digits decoded; an escape without two hex
// digits is kept literally. Runs between escapes are copied whole: this is the quoted-printable hot
// loop. Never writes more than in.size() bytes; returns the end of what it wrote.
char* unescape_into(std::string_view in, char escape, char* dst) {
  size_t pos = 0;
  while (pos < in.size()) {
    // Escapes come in runs ("=E3=81=82"): no memchr or memcpy between two of them.
    const size_t hit = in[pos] == escape ? pos : in.find(escape, pos);
    if (hit != pos) {
      const size_t run_end = std::min(hit, in.size());
      std::memcpy(dst, in.data() + pos, run_end - pos);
      dst += run_end - pos;
      if (hit == std::string_view::npos) break;
    }
    const int high = hit + 1 < in.size() ? kHexValues[static_cast<unsigned char>(in[hit + 1])] : -1;
    const int low = hit + 2 < in.size() ? kHexValues[static_cast<unsigned char>(in[hit + 2])] : -1;
    if (high >= 0 && low >= 0) {
      *dst++ = static_cast<char>(high * 16 + low);
      pos = hit + 3;
    } else {
      *dst++ = escape;
      pos = hit + 1;
    }
  }
  return dst;
}

// unescape_into, but a line without escapes (most of a quoted-printable text, once its soft
// break is dropped) is copied here, without the call: the escape found is where it starts.
char* copy_until_escape(std::string_view in, char escape, char* dst) {
  const void* hit = std::memchr(in.data(), escape, in.size());
  const size_t run = hit == nullptr ? in.size() : static_cast<size_t>(static_cast<const char*>(hit) - in.data());
  std::memcpy(dst, in.data(), run);
  return run == in.size() ? dst + run : unescape_into(in.substr(run), escape, dst + run);
}

void append_unescaped(std::string_view in, char escape, std::string& out) {
  const size_t start = out.size();
  out.resize(start + in.size());
  out.resize(static_cast<size_t>(unescape_into(in, escape, out.data() + start) - out.data()));
}

// The blanks transport may add at the end of a line (RFC 2045 6.7), and the CR of a CRLF.
constexpr bool is_trailing_blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

// The end of the line starting at `pos`: its line break, or the end of the input.
size_t line_end_at(std::string_view in, size_t pos) {
  const void* newline = std::memchr(in.data() + pos, '\n', in.size() - pos);
  return newline == nullptr ? in.size() : static_cast<size_t>(static_cast<const char*>(newline) - in.data());
}

// A line without its transport padding. The blanks are never part of an escape (hex digits
// follow a '='), and a '=' they follow ends the line as a soft break either way.
std::string_view without_trailing_blanks(std::string_view line) {
  while (!line.empty() && is_trailing_blank(line.back())) line.remove_suffix(1);
  return line;
}

}  // namespace

void append_base64_decoded(std::string_view in, std::string& out) {
  const size_t start = out.size();
  out.resize(start + in.size() / 4 * 3 + 3);
  char* dst = out.data() + start;
  uint32_t bits = 0;
  int count = 0;
  size_t pos = 0;
  while (pos < in.size()) {
    // Between line breaks the text is whole groups of four alphabet bytes: each is decoded at
    // once, the bytes left over and everything else one by one below.
    if (count == 0 && in.size() - pos >= 4) {
      if (const uint32_t group = base64_group_at(in.data() + pos); group != kNotAGroup) {
        *dst++ = static_cast<char>(group >> 16);
        *dst++ = static_cast<char>(group >> 8);
        *dst++ = static_cast<char>(group);
        pos += 4;
        continue;
      }
    }
    const uint8_t value = kBase64[static_cast<unsigned char>(in[pos++])];
    if (value < 64) {
      bits = (bits << 6) | value;
      if (++count == 4) {
        *dst++ = static_cast<char>(bits >> 16);
        *dst++ = static_cast<char>(bits >> 8);
        *dst++ = static_cast<char>(bits);
        bits = 0;
        count = 0;
      }
    } else if (value == kBase64Pad) {
      dst = flush_base64_tail(bits, count, dst);
      bits = 0;
      count = 0;
    }
  }
  dst = flush_base64_tail(bits, count, dst);
  out.resize(static_cast<size_t>(dst - out.data()));
}

void append_quoted_printable_decoded(std::string_view in, std::string& out) {
  // Decoding never lengthens: every byte written stands for at least one byte read.
  const size_t start = out.size();
  out.resize(start + in.size());
  char* dst = out.data() + start;
  // Line by line: one memchr finds a line's end and its padding is dropped there, so the line is
  // unescaped as the Q encoding is, runs between escapes found by memchr and copied whole.
  for (size_t pos = 0; pos < in.size();) {
    const size_t line_end = line_end_at(in, pos);
    std::string_view line = without_trailing_blanks(in.substr(pos, line_end - pos));
    // A '=' ending the line is a soft break: no escape takes a '=' as a hex digit.
    const bool soft_break = !line.empty() && line.back() == '=';
    if (soft_break) line.remove_suffix(1);
    dst = copy_until_escape(line, '=', dst);
    if (line_end == in.size()) break;
    if (!soft_break) *dst++ = '\n';
    pos = line_end + 1;
  }
  out.resize(static_cast<size_t>(dst - out.data()));
}

void append_q_decoded(std::string_view in, std::string& out) {
  // Underscores are spaces only when literal ("=5F" is a real underscore), so each underscore-free
  // run is unescaped on its own.
  size_t pos = 0;
  while (pos <= in.size()) {
    const size_t underscore = std::min(in.find('_', pos), in.size());
    append_unescaped(in.substr(pos, underscore - pos), '=', out);
    if (underscore == in.size()) return;
    out.push_back(' ');
    pos = underscore + 1;
  }
}

void append_percent_decoded(std::string_view in, std::string& out) { append_unescaped(in, '%', out); }

void append_transfer_decoded(std::string_view body, std::string_view encoding, std::string& out) {
  const std::string_view name = util::trim(encoding);
  if (util::iequals(name, "base64")) {
    append_base64_decoded(body, out);
  } else if (util::iequals(name, "quoted-printable")) {
    append_quoted_printable_decoded(body, out);
  } else {
    out.append(body);  // 7bit, 8bit, binary and names nobody defined: the bytes are the content
  }
}

std::string decode_transfer(std::string_view body, std::string_view encoding) {
  std::string out;
  append_transfer_decoded(body, encoding, out);
  return out;
}

}  // namespace bounceback::mime
