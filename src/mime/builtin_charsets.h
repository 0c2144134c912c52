// Charsets decoded without ICU: the single-byte ones mail uses (windows-125x, ISO-8859-x, KOI8),
// ISO-2022-JP, Shift_JIS (windows-31j) and UTF-7. Loading ICU costs a process about a millisecond
// and more than 100 page faults, so a batch of bounces whose only foreign text is Japanese or
// Latin-1 never loads it. The tables are read from ICU itself when bounceback is built
// (generator/gen_charset_tables.cpp), so a text decodes as ICU would decode it, but for two ways of
// reading Japanese better (see builtin_charsets.cpp). What the decoders here do not take
// (malformed text, JIS X 0212, an unmapped pair) is left to ICU whole.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace bounceback::mime::builtin {

// What one byte of a single-byte charset decodes to, as UTF-8: one BMP character, three bytes at
// most.
struct ByteDecoding {
  std::array<char, 3> bytes;
  uint8_t length;
};

struct ByteTable {
  std::array<ByteDecoding, 256> decodings;
  bool ascii_identity;  // every byte below 0x80 decodes to itself
};

enum class Kind : uint8_t { kSingleByte, kIso2022Jp, kWindows31j, kUtf7 };

struct Charset {
  std::string_view icu_name;  // the ICU converter whose tables it has
  Kind kind;
  const ByteTable* table;  // kSingleByte only
};

// A charset name as a key (lower-case letters and digits) and its charset.
struct AliasEntry {
  std::string_view key;
  uint16_t charset;
};

// The key a charset name is found by: its letters and digits, lower-cased ("ISO-2022-JP" ->
// "iso2022jp").
inline std::string alias_key(std::string_view name) {
  std::string key;
  for (char c : name) {
    if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z')) key.push_back(c);
    if (c >= 'A' && c <= 'Z') key.push_back(static_cast<char>(c - 'A' + 'a'));
  }
  return key;
}

// The charset a name means, by every alias ICU knows for it; nullptr for the others.
const Charset* find(std::string_view alias_key);

// End of the ASCII run at `from` that no ASCII-compatible charset reads differently: the first
// byte that is not ASCII or is one of ISO 2022's switches (ESC, SO, SI), eight bytes at a time. It
// reads no further than that byte, so calling it run after run stays linear.
size_t plain_ascii_run_end(std::string_view in, size_t from);

// Single-byte text decoded by its table: a built-in one, or one read from ICU at run time for
// another single-byte charset.
void append_via_table(const ByteTable& table, std::string_view bytes, std::string& out);

// The charsets the decoder names itself; the build fails without them (gen_charset_tables).
const Charset& iso2022jp();
const Charset& windows1252();

// ISO 2022's escape and shift bytes: the only ASCII bytes that switch a stateful charset out of
// its initial ASCII state.
constexpr bool is_iso2022_switch(char c) { return c == 0x1B || c == 0x0E || c == 0x0F; }

// Appends `bytes` decoded to UTF-8; false, with `out` as it was, for text left to ICU.
bool append_decoded(const Charset& charset, std::string_view bytes, std::string& out);

// The generated tables (gen_charset_tables). A code of 0 is a byte or pair ICU does not map.
namespace tables {
extern const std::span<const Charset> kCharsets;
extern const std::span<const AliasEntry> kAliasKeys;  // sorted by key
// JIS X 0208 as ISO-2022-JP decodes it after ESC $ B or ESC $ @: 94 rows of 94 from 0x2121.
inline constexpr size_t kJisRows = 94;
extern const std::array<uint16_t, kJisRows * kJisRows> kJisX0208;
// JIS X 0201 after ESC ( J (Roman) and ESC ( I (katakana), by byte below 0x80.
extern const std::array<uint16_t, 128> kJisX0201Roman;
extern const std::array<uint16_t, 128> kJisX0201Katakana;
// windows-31j: single bytes (kLeadByte marks the first byte of a pair; ICU's table swaps three
// ASCII controls), and the pairs, by lead byte from 0x81 and trail byte from 0x40.
inline constexpr uint16_t kLeadByte = 0xFFFF;
extern const std::array<uint16_t, 256> kWindows31jSingles;
inline constexpr size_t kWindows31jFirstLead = 0x81;
inline constexpr size_t kWindows31jFirstTrail = 0x40;
inline constexpr size_t kWindows31jTrails = 0xFD - kWindows31jFirstTrail;
extern const std::array<uint16_t, (0xFD - kWindows31jFirstLead) * kWindows31jTrails> kWindows31jPairs;
}  // namespace tables

}  // namespace bounceback::mime::builtin
