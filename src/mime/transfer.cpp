// Content-Transfer-Encoding and the small escape codecs built on the same loops.
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

void append_unescaped(std::string_view in, char escape, std::string& out) {
  const size_t start = out.size();
  out.resize(start + in.size());
  out.resize(static_cast<size_t>(unescape_into(in, escape, out.data() + start) - out.data()));
}

// The blanks transport may add at the end of a line (RFC 2045 6.7), and the CR of a CRLF.
constexpr bool is_trailing_blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

// Index of the next '=' or line break at or after `pos`, or in.size(). The bytes before it are
// copied to `dst` on the way, eight at a time: `dst` must have room for in.size() - pos bytes
// (the whole words are stored, and the end is then moved back to the marked byte).
size_t copy_to_qp_special(std::string_view in, size_t pos, char*& dst) {
  for (; pos + 8 <= in.size(); pos += 8, dst += 8) {
    const uint64_t word = util::load8(in.data() + pos);
    std::memcpy(dst, &word, 8);
    if (const uint64_t marks = util::bytes_equal(word, util::broadcast('=')) | util::bytes_equal(word, util::broadcast('\n')); marks != 0) {
      const size_t run = util::first_marked_byte(marks);
      dst += run;
      return pos + run;
    }
  }
  for (; pos < in.size() && in[pos] != '=' && in[pos] != '\n'; ++pos) *dst++ = in[pos];
  return pos;
}

// Takes back the blanks copied at the end of a line, not reaching before `kept` (decoded escapes
// such as "=20" are content, not transport padding).
char* drop_trailing_blanks(char* dst, const char* kept) {
  while (dst > kept && is_trailing_blank(dst[-1])) --dst;
  return dst;
}

// A soft line break: '=' then only trailing blanks up to the line break or the end of the input.
// Returns where the next line starts, or npos when the '=' at `pos` is not one.
size_t after_soft_break(std::string_view in, size_t pos) {
  size_t next = pos + 1;
  while (next < in.size() && is_trailing_blank(in[next])) ++next;
  if (next == in.size()) return next;
  return in[next] == '\n' ? next + 1 : std::string_view::npos;
}

}  // namespace

void append_base64_decoded(std::string_view in, std::string& out) {
  const size_t start = out.size();
  out.resize(start + in.size() / 4 * 3 + 3);
  char* dst = out.data() + start;
  uint32_t bits = 0;
  int count = 0;
  for (const char c : in) {
    const uint8_t value = kBase64[static_cast<unsigned char>(c)];
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
  const char* kept = dst;
  size_t pos = 0;
  // One pass over the whole body rather than line by line: plain runs are copied as they are
  // scanned, and only '=' and line breaks need a decision.
  while ((pos = copy_to_qp_special(in, pos, dst)) < in.size()) {
    if (in[pos] == '\n') {
      dst = drop_trailing_blanks(dst, kept);
      *dst++ = '\n';
      kept = dst;
      ++pos;
      continue;
    }
    const int high = pos + 1 < in.size() ? kHexValues[static_cast<unsigned char>(in[pos + 1])] : -1;
    const int low = pos + 2 < in.size() ? kHexValues[static_cast<unsigned char>(in[pos + 2])] : -1;
    if (high >= 0 && low >= 0) {
      *dst++ = static_cast<char>(high * 16 + low);
      kept = dst;
      pos += 3;
    } else if (const size_t next_line = after_soft_break(in, pos); next_line != std::string_view::npos) {
      kept = dst;  // blanks before the '=' are content: the line goes on after the break
      pos = next_line;
    } else {
      *dst++ = '=';  // an invalid escape is kept literally
      ++pos;
    }
  }
  dst = drop_trailing_blanks(dst, kept);
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
