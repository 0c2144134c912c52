// The decoders of the built-in charsets. Each takes only text it is sure to decode as ICU would
// (checked against ICU, input by input, in mime_builtin_charsets_test) and hands the rest to ICU
// whole, so a rare malformed text costs a trip through ICU, never a different result. Two
// exceptions read Japanese better than ICU: two ISO-2022-JP escape sequences in a row
// (append_iso2022jp) and 8-bit text under an ISO-2022-JP label (append_mislabelled_japanese).

#include "mime/builtin_charsets.h"

#include <algorithm>
#include <cstring>
#include <optional>

#include "mime/decoding.h"
#include "util/byte_masks.h"
#include "util/text.h"

namespace bounceback::mime::builtin {
namespace {

constexpr char kEscape = 0x1B;

constexpr bool is_ascii(char c) { return static_cast<unsigned char>(c) < 0x80; }

// ISO-2022-JP (RFC 1468): ASCII, switched by escape sequences to JIS X 0201 Roman or katakana or to
// JIS X 0208 pairs.
enum class JisSet : uint8_t { kAscii, kRoman, kKatakana, kJisX0208 };

struct Designation {
  std::string_view escape;
  JisSet set;
};

constexpr Designation kDesignations[] = {
    {"\x1B(B", JisSet::kAscii},     {"\x1B(J", JisSet::kRoman},     {"\x1B(I", JisSet::kKatakana},
    {"\x1B$B", JisSet::kJisX0208},  {"\x1B$@", JisSet::kJisX0208},  // JIS C 6226-1978, read as JIS X 0208
};

const Designation* designation_at(std::string_view bytes, size_t pos) {
  const std::string_view rest = bytes.substr(pos);
  for (const Designation& designation : kDesignations) {
    if (rest.starts_with(designation.escape)) return &designation;
  }
  return nullptr;
}

bool append_code(uint16_t code, std::string& out) {
  if (code == 0) return false;
  util::append_utf8(code, out);
  return true;
}

// A JIS X 0208 pair's code, both bytes 0x21..0x7E; 0 when they are not or ICU maps none.
uint16_t jis_x0208(unsigned first, unsigned second) {
  const size_t row = first - 0x21u;
  const size_t cell = second - 0x21u;
  if (row >= tables::kJisRows || cell >= tables::kJisRows) return 0;
  return tables::kJisX0208[row * tables::kJisRows + cell];
}

uint16_t jis_x0208_at(std::string_view bytes, size_t pos) {
  if (pos + 1 >= bytes.size()) return 0;
  return jis_x0208(static_cast<unsigned char>(bytes[pos]), static_cast<unsigned char>(bytes[pos + 1]));
}

// Unlike ICU, two escape sequences in a row are not an error: adjacent encoded words each close
// their Japanese run ("...ESC ( B" "ESC $ B..."), and ICU put a U+FFFD between them, in the middle
// of a word.
bool append_iso2022jp(std::string_view bytes, std::string& out) {
  out.reserve(out.size() + bytes.size() + bytes.size() / 2);  // a pair is three bytes of UTF-8
  JisSet set = JisSet::kAscii;
  size_t pos = 0;
  while (pos < bytes.size()) {
    const char byte = bytes[pos];
    if (byte == kEscape) {
      const Designation* designation = designation_at(bytes, pos);
      if (designation == nullptr) return false;
      set = designation->set;
      pos += designation->escape.size();
      continue;
    }
    if (!is_ascii(byte) || is_iso2022_switch(byte)) return false;
    if (byte == '\r' || byte == '\n') {
      // A line break ends a double-byte or katakana run, as ICU reads it; Roman stays.
      if (set != JisSet::kRoman) set = JisSet::kAscii;
      out.push_back(byte);
      ++pos;
      continue;
    }
    switch (set) {
      case JisSet::kAscii: {
        const size_t end = plain_ascii_run_end(bytes, pos);
        out.append(bytes.substr(pos, end - pos));
        pos = end;
        break;
      }
      case JisSet::kRoman:
      case JisSet::kKatakana: {
        const auto& table = set == JisSet::kRoman ? tables::kJisX0201Roman : tables::kJisX0201Katakana;
        if (!append_code(table[static_cast<unsigned char>(byte)], out)) return false;
        ++pos;
        break;
      }
      case JisSet::kJisX0208:
        if (!append_code(jis_x0208_at(bytes, pos), out)) return false;
        pos += 2;
        break;
    }
  }
  return true;
}

// EUC-JP: JIS X 0208 pairs with the high bit set, and half-width katakana after SS2 (0x8E).
bool append_euc_jp(std::string_view bytes, std::string& out) {
  constexpr unsigned char kSingleShift2 = 0x8E;
  size_t pos = 0;
  while (pos < bytes.size()) {
    const auto byte = static_cast<unsigned char>(bytes[pos]);
    if (byte < 0x80) {
      out.push_back(static_cast<char>(byte));
      ++pos;
      continue;
    }
    if (pos + 1 == bytes.size()) return false;
    const auto next = static_cast<unsigned char>(bytes[pos + 1]);
    if (next < 0xA1 || next == 0xFF) return false;
    if (byte == kSingleShift2) {
      if (!append_code(tables::kJisX0201Katakana[next & 0x7F], out)) return false;
    } else {
      if (!append_code(jis_x0208(byte & 0x7Fu, next & 0x7Fu), out)) return false;
    }
    pos += 2;
  }
  return true;
}

bool append_windows31j(std::string_view bytes, std::string& out) {
  size_t pos = 0;
  while (pos < bytes.size()) {
    const auto byte = static_cast<unsigned char>(bytes[pos]);
    const uint16_t single = tables::kWindows31jSingles[byte];
    if (single != tables::kLeadByte) {
      if (!append_code(single, out)) return false;
      ++pos;
      continue;
    }
    if (pos + 1 == bytes.size()) return false;
    const size_t trail = static_cast<unsigned char>(bytes[pos + 1]) - tables::kWindows31jFirstTrail;
    if (trail >= tables::kWindows31jTrails) return false;
    const size_t index = (byte - tables::kWindows31jFirstLead) * tables::kWindows31jTrails + trail;
    if (!append_code(tables::kWindows31jPairs[index], out)) return false;
    pos += 2;
  }
  return true;
}

// UTF-7 (RFC 2152): ASCII as itself, other text as UTF-16 in base64 between '+' and an optional
// '-'; "+-" is a plus sign.
constexpr int base64_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

// The base64 run from `pos` to its end, decoded; nullopt for anything ICU might read otherwise:
// an empty run, a lone surrogate, bits left over.
std::optional<size_t> append_utf7_run(std::string_view bytes, size_t pos, std::string& out) {
  const size_t begin = pos;
  uint32_t bits = 0;
  int bit_count = 0;
  uint32_t high_surrogate = 0;
  for (int value; pos < bytes.size() && (value = base64_value(bytes[pos])) >= 0; ++pos) {
    bits = (bits << 6) | static_cast<uint32_t>(value);
    bit_count += 6;
    if (bit_count < 16) continue;
    bit_count -= 16;
    const uint32_t unit = (bits >> bit_count) & 0xFFFF;
    bits &= (1u << bit_count) - 1;
    if (high_surrogate != 0) {
      if (!util::is_low_surrogate(unit)) return std::nullopt;
      util::append_utf8(0x10000 + ((high_surrogate - 0xD800) << 10) + (unit - 0xDC00), out);
      high_surrogate = 0;
    } else if (util::is_high_surrogate(unit)) {
      high_surrogate = unit;
    } else if (util::is_low_surrogate(unit)) {
      return std::nullopt;
    } else {
      util::append_utf8(unit, out);
    }
  }
  if (pos == begin || high_surrogate != 0 || bits != 0 || bit_count >= 6) return std::nullopt;
  return pos;
}

// The bytes that stand for themselves, as ICU reads UTF-7: printable ASCII but '\\' and '~',
// blanks and line breaks.
constexpr bool is_direct(char c) {
  return c == '\t' || c == '\r' || c == '\n' || (c >= ' ' && c <= '}' && c != '\\');
}

bool append_utf7(std::string_view bytes, std::string& out) {
  size_t pos = 0;
  while (pos < bytes.size()) {
    const char byte = bytes[pos];
    if (!is_direct(byte)) return false;
    ++pos;
    if (byte != '+') {
      out.push_back(byte);
      continue;
    }
    if (pos < bytes.size() && bytes[pos] == '-') {
      out.push_back('+');
      ++pos;
      continue;
    }
    const std::optional<size_t> end = append_utf7_run(bytes, pos, out);
    if (!end) return false;
    pos = *end;
    if (pos < bytes.size() && bytes[pos] == '-') ++pos;
  }
  return true;
}

// Text labelled ISO-2022-JP that holds 8-bit bytes is Japanese in another charset under the wrong
// label: bounces from au (ezweb.ne.jp) carry UTF-8 and EUC-JP text so. Valid UTF-8 is taken as
// such; else EUC-JP, else Shift_JIS, whichever reads the whole text (EUC-JP first: its pairs read
// as Shift_JIS half-width katakana, while Shift_JIS's lead bytes are not EUC-JP). ICU made each
// byte a U+FFFD.
bool append_mislabelled_japanese(std::string_view bytes, std::string& out) {
  const bool has_8bit = std::any_of(bytes.begin(), bytes.end(), [](char c) { return !is_ascii(c); });
  if (!has_8bit || bytes.find(kEscape) != std::string_view::npos) return false;
  if (is_valid_utf8(bytes)) {
    out.append(bytes);
    return true;
  }
  const size_t start = out.size();
  if (append_euc_jp(bytes, out)) return true;
  out.resize(start);
  return append_windows31j(bytes, out);
}

}  // namespace

size_t plain_ascii_run_end(std::string_view in, size_t from) {
  size_t i = from;
  for (; i + 8 <= in.size(); i += 8) {
    const uint64_t word = util::load8(in.data() + i);
    uint64_t marks = word & util::kHigh;
    for (char shift : {'\x1B', '\x0E', '\x0F'}) {
      marks |= util::bytes_equal(word, util::broadcast(static_cast<unsigned char>(shift)));
    }
    if (marks != 0) return i + util::first_marked_byte(marks);
  }
  while (i < in.size() && is_ascii(in[i]) && !is_iso2022_switch(in[i])) ++i;
  return i;
}

// Each byte's entry is written whole (three bytes) and the end moved by its length: the output
// is sized for three bytes per input byte. ASCII runs are copied as they are when the charset
// decodes them to themselves.
void append_via_table(const ByteTable& table, std::string_view bytes, std::string& out) {
  const size_t start = out.size();
  out.resize(start + bytes.size() * 3);
  char* dst = out.data() + start;
  size_t pos = 0;
  while (pos < bytes.size()) {
    if (table.ascii_identity && pos + 8 <= bytes.size() && (util::load8(bytes.data() + pos) & util::kHigh) == 0) {
      std::memcpy(dst, bytes.data() + pos, 8);
      dst += 8;
      pos += 8;
      continue;
    }
    const ByteDecoding& decoding = table.decodings[static_cast<unsigned char>(bytes[pos++])];
    std::memcpy(dst, decoding.bytes.data(), decoding.bytes.size());
    dst += decoding.length;
  }
  out.resize(static_cast<size_t>(dst - out.data()));
}

const Charset* find(std::string_view alias_key) {
  const auto it = std::lower_bound(tables::kAliasKeys.begin(), tables::kAliasKeys.end(), alias_key,
                                   [](const AliasEntry& entry, std::string_view key) { return entry.key < key; });
  if (it == tables::kAliasKeys.end() || it->key != alias_key) return nullptr;
  return &tables::kCharsets[it->charset];
}

const Charset& iso2022jp() {
  static const Charset& charset = *find("iso2022jp");
  return charset;
}

const Charset& windows1252() {
  static const Charset& charset = *find("windows1252");
  return charset;
}

bool append_decoded(const Charset& charset, std::string_view bytes, std::string& out) {
  const size_t start = out.size();
  bool decoded = false;
  switch (charset.kind) {
    case Kind::kSingleByte:
      append_via_table(*charset.table, bytes, out);
      return true;
    case Kind::kIso2022Jp:
      decoded = append_iso2022jp(bytes, out);
      if (!decoded) {
        out.resize(start);
        decoded = append_mislabelled_japanese(bytes, out);
      }
      break;
    case Kind::kWindows31j:
      decoded = append_windows31j(bytes, out);
      break;
    case Kind::kUtf7:
      decoded = append_utf7(bytes, out);
      break;
  }
  if (!decoded) out.resize(start);
  return decoded;
}

}  // namespace bounceback::mime::builtin
