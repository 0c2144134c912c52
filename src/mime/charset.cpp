// Charset conversion to UTF-8: a normalising alias table for the labels mail really carries, the
// built-in charsets (builtin_charsets.h) and an ICU-free path for UTF-8 and US-ASCII, and ICU
// converters, cached per thread, for the rest.

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <vector>

#include "mime/builtin_charsets.h"
#include "mime/decoding.h"
#include "mime/icu.h"
#include "mime/message.h"
#include "util/byte_masks.h"
#include "util/text.h"

namespace bounceback::mime {
namespace {

enum class Decoding {
  kUtf8,                // checked and copied without ICU; invalid sequences become U+FFFD
  kUtf8OrWindows1252,   // a label saying "unknown 8-bit": UTF-8 when it is valid, else cp1252
  kIcu,                 // through the ICU converter named `icu_name`
};

struct Alias {
  std::string_view key;  // the label lower-cased with everything but letters and digits removed
  Decoding decoding;
  std::string_view icu_name;
};

// Labels ICU does not know, or knows as a narrower charset than mail means by them. Anything
// else goes to ICU as written: its own alias table already matches names loosely.
constexpr std::array kAliases = {
    Alias{"utf8", Decoding::kUtf8, ""},
    Alias{"uft8", Decoding::kUtf8, ""},                  // "uft-8": a typo sent by some webmail
    Alias{"usascii", Decoding::kUtf8, ""},               // labelled ASCII, often really UTF-8
    Alias{"ascii", Decoding::kUtf8, ""},
    Alias{"ansix341968", Decoding::kUtf8, ""},           // glibc's name for ASCII
    Alias{"iso646us", Decoding::kUtf8, ""},
    Alias{"xunknown", Decoding::kUtf8OrWindows1252, ""},  // "x-unknown": Outlook Express
    Alias{"unknown8bit", Decoding::kUtf8OrWindows1252, ""},  // RFC 1428
    Alias{"unknown", Decoding::kUtf8OrWindows1252, ""},
    Alias{"xuserdefined", Decoding::kUtf8OrWindows1252, ""},
    // Windows mailers label cp1252 text (curly quotes in 0x80-0x9F) as Latin-1; cp1252 is a
    // superset of the printable Latin-1 range, as the WHATWG encoding standard also decides.
    Alias{"iso88591", Decoding::kIcu, "windows-1252"},
    Alias{"latin1", Decoding::kIcu, "windows-1252"},
    Alias{"iso88599", Decoding::kIcu, "windows-1254"},   // likewise for Turkish
    Alias{"tis620", Decoding::kIcu, "windows-874"},      // Thai: windows-874 is the superset
    Alias{"iso885911", Decoding::kIcu, "windows-874"},
    // Korean: Outlook's "ks_c_5601-1987" and EUC-KR are decoded as UHC (cp949), their superset.
    Alias{"ksc56011987", Decoding::kIcu, "windows-949"},
    Alias{"ksc5601", Decoding::kIcu, "windows-949"},
    Alias{"euckr", Decoding::kIcu, "windows-949"},
    Alias{"cp949", Decoding::kIcu, "windows-949"},
    Alias{"unicode11utf7", Decoding::kIcu, "utf-7"},    // "unicode-1-1-utf-7": old Exchange
    // Microsoft's ISO-2022-JP variants; ICU's ISO-2022-JP already decodes the NEC and IBM rows
    // and the ESC ( I half-width katakana they add.
    Alias{"cp5022x", Decoding::kIcu, "iso-2022-jp"},
    Alias{"cp50220", Decoding::kIcu, "iso-2022-jp"},
    Alias{"cp50221", Decoding::kIcu, "iso-2022-jp"},
    Alias{"cp50222", Decoding::kIcu, "iso-2022-jp"},
    Alias{"iso2022jpms", Decoding::kIcu, "iso-2022-jp"},
    // Shift_JIS as labelled in mail is Windows-31J (cp932) with its NEC and IBM extensions.
    Alias{"shiftjis", Decoding::kIcu, "windows-31j"},
    Alias{"xsjis", Decoding::kIcu, "windows-31j"},
    Alias{"sjis", Decoding::kIcu, "windows-31j"},
    Alias{"mskanji", Decoding::kIcu, "windows-31j"},
    // Chinese: text labelled GB2312 routinely holds GBK characters; GB18030 contains both.
    Alias{"gb2312", Decoding::kIcu, "gb18030"},
    Alias{"gbk", Decoding::kIcu, "gb18030"},
    Alias{"euccn", Decoding::kIcu, "gb18030"},
    Alias{"cp936", Decoding::kIcu, "gb18030"},
    Alias{"xgbk", Decoding::kIcu, "gb18030"},
    Alias{"big5", Decoding::kIcu, "windows-950"},      // Big5 with Microsoft's extensions
    // Logical-order Hebrew and Arabic differ from the visual charsets only in display.
    Alias{"iso88598i", Decoding::kIcu, "iso-8859-8"},
    Alias{"iso88596i", Decoding::kIcu, "iso-8859-6"},
    Alias{"xmacukrainian", Decoding::kIcu, "x-mac-cyrillic"},
    Alias{"xmaciceland", Decoding::kIcu, "macintosh"},  // differs from Mac Roman in 6 letters
};

constexpr size_t kMaxLabelLength = 40;

constexpr bool is_label_char(char c) {
  return util::is_alnum(c) || c == '-' || c == '_' || c == '.' || c == ':' || c == '+' ||
         c == '(' || c == ')';
}

// A charset label as resolve() reads it, in a fixed buffer: one is read for every text part and
// encoded word.
class Label {
 public:
  static constexpr size_t kCapacity = kMaxLabelLength;
  // Keeps the first kCapacity bytes: clean_label passes no more.
  explicit Label(std::string_view text) : size_(std::min(text.size(), kCapacity)) {
    std::transform(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(size_), bytes_.begin(), util::ascii_lower);
  }
  std::string_view view() const { return {bytes_.data(), size_}; }

 private:
  std::array<char, kCapacity> bytes_{};
  size_t size_;
};

// The label as ICU should see it, lower-cased: blanks and quotes removed, the "3D" left by
// quoted-printable ("charset=3Dutf-8" in a header block that was QP-encoded as a body), cut at the
// first byte that cannot belong to a charset name ("utf-8\" from a broken escape). Nothing for
// a label longer than any charset's name.
std::optional<Label> clean_label(std::string_view label) {
  label = util::trim(label);
  while (!label.empty() && (label.front() == '"' || label.front() == '\'')) label.remove_prefix(1);
  if (util::istarts_with(label, "3d") && label.size() > 2 && util::is_alpha(label[2])) {
    label.remove_prefix(2);
  }
  size_t length = 0;
  while (length < label.size() && is_label_char(label[length])) ++length;
  if (length > Label::kCapacity) return std::nullopt;
  return Label(label.substr(0, length));
}

// In a fixed buffer: resolve() looks up a key for every text part and encoded word.
class AliasKey {
 public:
  explicit AliasKey(std::string_view label) {
    for (char c : label) {
      if (util::is_alnum(c) && size_ < bytes_.size()) bytes_[size_++] = c;
    }
  }
  std::string_view view() const { return {bytes_.data(), size_}; }

 private:
  std::array<char, kMaxLabelLength> bytes_{};
  size_t size_ = 0;
};

// What a key means: an alias of kAliases, else a built-in charset's alias, else a name for ICU.
struct KeyMeaning {
  Decoding decoding = Decoding::kIcu;
  std::string_view icu_name;  // empty: the label itself
  const builtin::Charset* builtin = nullptr;
};

// Both alias tables in one hash table, built once and never changed: a lookup hashes the key
// once instead of comparing it with forty aliases and then searching the built-in keys.
class KeyTable {
 public:
  KeyTable() {
    for (const builtin::AliasEntry& entry : builtin::tables::kAliasKeys) {
      set(entry.key, {Decoding::kIcu, {}, &builtin::tables::kCharsets[entry.charset]});
    }
    // Each alias's ICU name is looked up among the built-in keys alone, before any alias is set.
    std::array<const builtin::Charset*, kAliases.size()> alias_builtins{};
    for (size_t i = 0; i < kAliases.size(); ++i) {
      alias_builtins[i] = find(AliasKey(kAliases[i].icu_name).view()).value_or(KeyMeaning{}).builtin;
    }
    for (size_t i = 0; i < kAliases.size(); ++i) {
      set(kAliases[i].key, {kAliases[i].decoding, kAliases[i].icu_name, alias_builtins[i]});
    }
  }

  std::optional<KeyMeaning> find(std::string_view key) const {
    for (size_t slot = first_slot(key);; slot = (slot + 1) % kSlots) {
      const uint16_t index = slots_[slot];
      if (index == kEmpty) return std::nullopt;
      if (entries_[index].key == key) return entries_[index].meaning;
    }
  }

 private:
  struct Entry {
    std::string_view key;
    KeyMeaning meaning;
  };

  // Over six times the ~290 keys, so that a probe mostly ends at its first slot.
  static constexpr size_t kSlots = 2048;
  static constexpr uint16_t kEmpty = UINT16_MAX;

  static size_t first_slot(std::string_view key) {
    uint64_t hash = 14695981039346656037ULL;  // FNV-1a
    for (const char c : key) hash = (hash ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
    return static_cast<size_t>(hash >> 32) % kSlots;
  }

  // Adds the key, or gives it a new meaning: an alias of kAliases overrides a built-in key.
  void set(std::string_view key, KeyMeaning meaning) {
    size_t slot = first_slot(key);
    for (; slots_[slot] != kEmpty; slot = (slot + 1) % kSlots) {
      if (Entry& entry = entries_[slots_[slot]]; entry.key == key) {
        entry.meaning = meaning;
        return;
      }
    }
    slots_[slot] = static_cast<uint16_t>(entries_.size());
    entries_.push_back({key, meaning});
  }

  std::vector<Entry> entries_;
  std::array<uint16_t, kSlots> slots_ = filled_slots();

  static constexpr std::array<uint16_t, kSlots> filled_slots() {
    std::array<uint16_t, kSlots> slots{};
    slots.fill(kEmpty);
    return slots;
  }
};

const KeyTable& key_table() {
  static const KeyTable table;
  return table;
}

struct Resolved {
  Decoding decoding;
  std::string_view alias_icu_name;  // empty: the label itself names the charset for ICU
  Label label;
  const builtin::Charset* builtin;  // when decoded without ICU
  // No charset named, or US-ASCII: 8-bit bytes say the label is wrong, and text with no UTF-8 in
  // it is read as Windows-1252 (append_utf8_or_windows1252).
  bool undeclared_8bit = false;

  std::string_view icu_name() const { return alias_icu_name.empty() ? label.view() : alias_icu_name; }
};

// The labels most text carries, as written, which the alias table maps to kUtf8: no cleaning,
// key or table walk for them.
constexpr std::string_view kUsAsciiLabel = "us-ascii";
constexpr std::array<std::string_view, 2> kCommonUtf8Labels = {"utf-8", kUsAsciiLabel};

std::optional<Resolved> resolve(std::string_view charset) {
  // Undeclared (most parts): RFC 2045's US-ASCII.
  if (charset.empty()) return Resolved{Decoding::kUtf8, {}, Label({}), nullptr, true};
  for (std::string_view common : kCommonUtf8Labels) {
    if (util::iequals(charset, common)) {
      return Resolved{Decoding::kUtf8, {}, Label({}), nullptr, common == kUsAsciiLabel};
    }
  }
  const std::optional<Label> label = clean_label(charset);
  if (!label) return std::nullopt;
  // Undeclared: RFC 2045's US-ASCII.
  if (label->view().empty()) return Resolved{Decoding::kUtf8, {}, *label, nullptr, true};
  const KeyMeaning meaning = key_table().find(AliasKey(label->view()).view()).value_or(KeyMeaning{});
  return Resolved{meaning.decoding, meaning.icu_name, *label, meaning.builtin};
}

struct ConverterCloser {
  void operator()(UConverter* converter) const { icu()->ucnv_close(converter); }
};
using ConverterPtr = std::unique_ptr<UConverter, ConverterCloser>;

using builtin::ByteDecoding;
using builtin::ByteTable;

// Single-byte charsets that are not built in (ISO-8859-x and KOI8 are) decode each byte on its
// own, so the 256 decodings, read once from ICU, stand in for ICU's conversion loop: one lookup
// per byte instead of a trip through UTF-16, with the same output. Null for other charsets.
std::unique_ptr<const ByteTable> byte_table_of(UConverter* converter);

// Opening a converter costs about a microsecond and one converter must not be shared between
// threads, so each thread keeps the ones it opened. Keys are ICU's canonical names, which point
// into ICU's static alias table: the cache is bounded by the number of ICU converters.
struct CachedConverter {
  const char* canonical_name;
  ConverterPtr converter;
  bool ascii_identity;  // bytes below 0x80 but ISO 2022's switches decode to themselves
  std::unique_ptr<const ByteTable> byte_table;
  // Names already resolved to this converter: ICU's alias lookup costs more than a short text's
  // conversion, and every text part and encoded word names its charset again.
  std::vector<std::string> names;
};

// Hostile input may spell one charset in endless ways: past this, names are looked up each time.
constexpr size_t kMaxNamesPerConverter = 8;

struct Converter {
  UConverter* converter;
  bool ascii_identity;
  const ByteTable* byte_table;
};

// ICU substitutes U+001A for bad bytes in some charsets (a lone Shift_JIS lead byte); text read
// by people and matched by rules wants U+FFFD everywhere.
void write_replacement_character(const void*, UConverterToUnicodeArgs* args, const char*, int32_t,
                                 UConverterCallbackReason reason, UErrorCode* status) {
  if (reason > UCNV_IRREGULAR) return;  // reset, close, clone: nothing was undecodable
  static const UChar kReplacement = 0xFFFD;
  *status = U_ZERO_ERROR;
  icu()->ucnv_cbToUWriteUChars(args, &kReplacement, 1, 0, status);
}

// Whether ASCII text without ISO 2022 switches may be copied instead of converted: true for the
// ASCII-compatible charsets (windows-1252, ISO-8859-x, Shift_JIS, GB18030, ISO-2022-JP), false
// for those whose ASCII bytes mean something else (UTF-7's '+', HZ's '~', UTF-16, EBCDIC). All
// those bytes are converted in one run: a byte that starts a sequence breaks the identity.
bool maps_ascii_to_itself(UConverter* converter) {
  switch (icu()->ucnv_getType(converter)) {
    case UCNV_SBCS:
    case UCNV_DBCS:
    case UCNV_MBCS:
    case UCNV_LATIN_1:
    case UCNV_US_ASCII:
    case UCNV_UTF8:
    case UCNV_ISO_2022:
      break;
    default:
      return false;
  }
  std::string ascii;
  for (int byte = 0; byte < 0x80; ++byte) {
    if (!builtin::is_iso2022_switch(static_cast<char>(byte))) ascii.push_back(static_cast<char>(byte));
  }
  std::array<UChar, 256> decoded;
  UErrorCode status = U_ZERO_ERROR;
  const int32_t length = icu()->ucnv_toUChars(converter, decoded.data(), static_cast<int32_t>(decoded.size()),
                                              ascii.data(), static_cast<int32_t>(ascii.size()), &status);
  if (U_FAILURE(status) || length != static_cast<int32_t>(ascii.size())) return false;
  for (size_t i = 0; i < ascii.size(); ++i) {
    if (decoded[i] != static_cast<UChar>(ascii[i])) return false;
  }
  return true;
}

Converter converter_of(const CachedConverter& entry) {
  return {entry.converter.get(), entry.ascii_identity, entry.byte_table.get()};
}

Converter converter_for(std::string_view icu_name) {
  thread_local std::vector<CachedConverter> cache;
  for (const CachedConverter& entry : cache) {
    if (std::find(entry.names.begin(), entry.names.end(), icu_name) != entry.names.end()) return converter_of(entry);
  }
  if (icu() == nullptr) return {nullptr, false, nullptr};
  UErrorCode status = U_ZERO_ERROR;
  // Looking the name up first keeps ICU from searching its data directory for unknown names.
  const char* canonical = icu()->ucnv_getAlias(std::string(icu_name).c_str(), 0, &status);
  if (canonical == nullptr || U_FAILURE(status)) return {nullptr, false, nullptr};
  for (CachedConverter& entry : cache) {
    if (entry.canonical_name == canonical) {
      if (entry.names.size() < kMaxNamesPerConverter) entry.names.emplace_back(icu_name);
      return converter_of(entry);
    }
  }
  status = U_ZERO_ERROR;
  ConverterPtr opened(icu()->ucnv_open(canonical, &status));
  if (!opened || U_FAILURE(status)) return {nullptr, false, nullptr};
  icu()->ucnv_setToUCallBack(opened.get(), write_replacement_character, nullptr, nullptr, nullptr, &status);
  const bool ascii_identity = maps_ascii_to_itself(opened.get());
  std::unique_ptr<const ByteTable> byte_table = byte_table_of(opened.get());
  cache.push_back({canonical, std::move(opened), ascii_identity, std::move(byte_table), {std::string(icu_name)}});
  return converter_of(cache.back());
}

bool append_converted(UConverter* from, std::string_view bytes, std::string& out) {
  UConverter* utf8 = converter_for("utf-8").converter;
  if (utf8 == nullptr) return false;
  // Three output bytes per input byte hold every single- and multi-byte charset, so the loop
  // below normally runs once.
  const size_t start = out.size();
  out.resize(start + bytes.size() * 3 + 16);
  char* target = out.data() + start;
  const char* source = bytes.data();
  std::array<UChar, 1024> pivot;
  UChar* pivot_source = pivot.data();
  UChar* pivot_target = pivot.data();
  bool reset = true;
  for (;;) {
    UErrorCode status = U_ZERO_ERROR;
    icu()->ucnv_convertEx(utf8, from, &target, out.data() + out.size(), &source, bytes.data() + bytes.size(),
                          pivot.data(), &pivot_source, &pivot_target, pivot.data() + pivot.size(),
                          static_cast<UBool>(reset), true, &status);
    reset = false;
    if (status != U_BUFFER_OVERFLOW_ERROR) {
      out.resize(static_cast<size_t>(target - out.data()));
      return U_SUCCESS(status);
    }
    const size_t used = static_cast<size_t>(target - out.data());
    out.resize(out.size() * 2);
    target = out.data() + used;
  }
}

// Appends the UTF-8 of a UTF-16 unit outside the surrogates to `entry`; false when it does not fit.
bool append_bmp_unit(UChar unit, ByteDecoding& entry) {
  std::array<char, 4> encoded;
  const size_t length = util::encode_utf8(unit, encoded.data());
  if (entry.length + length > entry.bytes.size()) return false;
  std::memcpy(entry.bytes.data() + entry.length, encoded.data(), length);
  entry.length = static_cast<uint8_t>(entry.length + length);
  return true;
}

// One byte's decoding as UTF-8 through ucnv_toUChars, which costs a fraction of a trip through
// the UTF-8 converter: 256 are read per single-byte charset, each time a thread first meets it.
// False when the byte decodes to nothing, to a surrogate or to more than three bytes.
bool decode_one_byte(UConverter* converter, char byte, ByteDecoding& entry) {
  std::array<UChar, 4> units;
  UErrorCode status = U_ZERO_ERROR;
  const int32_t count =
      icu()->ucnv_toUChars(converter, units.data(), static_cast<int32_t>(units.size()), &byte, 1, &status);
  if (U_FAILURE(status) || count <= 0 || count > 3) return false;
  entry.length = 0;
  for (int32_t i = 0; i < count; ++i) {
    const UChar unit = units[static_cast<size_t>(i)];
    if (unit >= 0xD800 && unit <= 0xDFFF) return false;
    if (!append_bmp_unit(unit, entry)) return false;
  }
  return true;
}

std::unique_ptr<const ByteTable> byte_table_of(UConverter* converter) {
  const UConverterType type = icu()->ucnv_getType(converter);
  if (type != UCNV_SBCS && type != UCNV_LATIN_1 && type != UCNV_US_ASCII) return nullptr;
  auto table = std::make_unique<ByteTable>();
  table->ascii_identity = true;
  std::string every_byte;
  std::string each_decoded;
  for (size_t byte = 0; byte < table->decodings.size(); ++byte) {
    const char c = static_cast<char>(byte);
    every_byte.push_back(c);
    ByteDecoding& entry = table->decodings[byte];
    if (!decode_one_byte(converter, c, entry)) return nullptr;
    const std::string_view decoded(entry.bytes.data(), entry.length);
    if (byte < 0x80 && decoded != std::string_view(&c, 1)) table->ascii_identity = false;
    each_decoded += decoded;
  }
  // The premise checked: the bytes decode the same in a run, through the UTF-8 converter as text
  // is, as one by one.
  std::string decoded;
  if (!append_converted(converter, every_byte, decoded) || decoded != each_decoded) return nullptr;
  return table;
}

// Length of the well-formed UTF-8 sequence starting at `p`, or of its maximal invalid subpart
// as a negative number (-1 .. -3), following the Unicode table of well-formed byte sequences.
int utf8_sequence_length(const unsigned char* p, const unsigned char* end) {
  const unsigned char lead = p[0];
  if (lead < 0x80) return 1;
  int length = 0;
  unsigned char low = 0x80, high = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) low = 0xA0;
    if (lead == 0xED) high = 0x9F;  // no UTF-16 surrogates
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) low = 0x90;
    if (lead == 0xF4) high = 0x8F;  // nothing past U+10FFFF
  } else {
    return -1;
  }
  for (int i = 1; i < length; ++i) {
    if (p + i >= end || p[i] < low || p[i] > high) return -i;
    low = 0x80;
    high = 0xBF;
  }
  return length;
}

// The high bits of 32 bytes or-ed together: loaded word by word into registers (a copy into an
// array went through the stack on every step of the loop below).
uint64_t high_bits_of_32(const char* bytes) {
  return (util::load8(bytes) | util::load8(bytes + 8) | util::load8(bytes + 16) | util::load8(bytes + 24)) &
         util::kHigh;
}

// Index of the first byte that is not plain ASCII, checking 64 bytes, then eight, at a time.
size_t ascii_prefix_length(std::string_view in, size_t from) {
  size_t i = from;
  while (i + 64 <= in.size() && (high_bits_of_32(in.data() + i) | high_bits_of_32(in.data() + i + 32)) == 0) {
    i += 64;
  }
  while (i + 8 <= in.size()) {
    if ((util::load8(in.data() + i) & util::kHigh) != 0) break;
    i += 8;
  }
  while (i < in.size() && static_cast<unsigned char>(in[i]) < 0x80) ++i;
  return i;
}

// Position of the first invalid sequence, or in.size().
size_t first_invalid_utf8(std::string_view in, size_t from) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(in.data());
  const unsigned char* end = bytes + in.size();
  size_t i = from;
  while (i < in.size()) {
    // Text in a non-Latin script is a run of multi-byte characters: no ASCII scan between them.
    if (bytes[i] < 0x80) {
      i = ascii_prefix_length(in, i);
      continue;
    }
    const int length = utf8_sequence_length(bytes + i, end);
    if (length < 0) return i;
    i += static_cast<size_t>(length);
  }
  return in.size();
}

constexpr std::string_view kReplacementCharacter = "\xEF\xBF\xBD";

}  // namespace

bool is_valid_utf8(std::string_view in) { return first_invalid_utf8(in, 0) == in.size(); }

CodePoint decode_utf8_at(std::string_view in, size_t pos) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(in.data());
  const int length = utf8_sequence_length(bytes + pos, bytes + in.size());
  if (length < 0) return {-1, static_cast<size_t>(-length)};
  static constexpr std::array<unsigned char, 5> kLeadMask = {0, 0x7F, 0x1F, 0x0F, 0x07};
  int32_t value = bytes[pos] & kLeadMask[static_cast<size_t>(length)];
  for (int i = 1; i < length; ++i) value = (value << 6) | (bytes[pos + static_cast<size_t>(i)] & 0x3F);
  return {value, static_cast<size_t>(length)};
}

CodePoint decode_utf8_before(std::string_view in, size_t begin, size_t end) {
  size_t start = end - 1;
  while (start > begin && end - start < 4 && (static_cast<unsigned char>(in[start]) & 0xC0) == 0x80) --start;
  const CodePoint point = decode_utf8_at(in.substr(0, end), start);
  if (point.value < 0 || start + point.length != end) return {-1, 1};
  return point;
}

void append_utf8_repaired(std::string_view in, std::string& out) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(in.data());
  size_t copied = 0;
  size_t bad;
  while ((bad = first_invalid_utf8(in, copied)) < in.size()) {
    out.append(in.substr(copied, bad - copied));
    out.append(kReplacementCharacter);
    copied = bad + static_cast<size_t>(-utf8_sequence_length(bytes + bad, bytes + in.size()));
  }
  out.append(in.substr(copied));
}

// Whether no 8-bit byte of `in` is part of a well-formed UTF-8 sequence.
bool holds_no_utf8_sequence(std::string_view in) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(in.data());
  const auto* end = bytes + in.size();
  for (size_t pos = ascii_prefix_length(in, 0); pos < in.size();) {
    const int length = utf8_sequence_length(bytes + pos, end);
    if (length > 1) return false;
    pos += static_cast<size_t>(length < 0 ? -length : length);
  }
  return true;
}

void append_utf8_or_windows1252(std::string_view in, std::string& out) {
  if (!is_valid_utf8(in) && holds_no_utf8_sequence(in) &&
      builtin::append_decoded(builtin::windows1252(), in, out)) {
    return;
  }
  append_utf8_repaired(in, out);
}

namespace {

// Text read as UTF-8 (undeclared, or declared as ASCII or UTF-8) that holds a JIS X 0208
// designation is ISO-2022-JP: Japanese MTAs write it raw into delivery-status fields (Lotus
// Domino: "Diagnostic-Code: X-Notes; ESC $ B%f!<%6!<ESC ( B ..."); UTF-8 text never holds one.
bool holds_jis_designation(std::string_view text) {
  return text.find('\x1B') != std::string_view::npos &&
         (text.find("\x1B$B") != std::string_view::npos || text.find("\x1B$@") != std::string_view::npos);
}

// Appends raw ISO-2022-JP decoded; false, with `out` as it was, for other text.
bool append_raw_iso2022jp(std::string_view bytes, std::string& out) {
  return holds_jis_designation(bytes) && builtin::append_decoded(builtin::iso2022jp(), bytes, out);
}

void append_resolved(std::string_view bytes, const std::optional<Resolved>& resolved, std::string& out, bool* known) {
  const size_t start = out.size();
  if (resolved && resolved->builtin != nullptr) {
    if (known != nullptr) *known = true;
    if (builtin::append_decoded(*resolved->builtin, bytes, out)) return;
  }
  Converter converter{nullptr, false, nullptr};
  if (resolved && resolved->decoding == Decoding::kIcu) converter = converter_for(resolved->icu_name());
  const bool recognised = resolved && (resolved->builtin != nullptr || resolved->decoding != Decoding::kIcu ||
                                       converter.converter != nullptr);
  if (known != nullptr) *known = recognised;

  if (converter.byte_table != nullptr) {
    builtin::append_via_table(*converter.byte_table, bytes, out);
    return;
  }
  if (converter.converter != nullptr) {
    // Text labelled GB18030 or Big5 is often plain ASCII, or starts with it: ICU would copy that
    // part slowly. After it, the converter is still in its initial state.
    const size_t plain = converter.ascii_identity ? builtin::plain_ascii_run_end(bytes, 0) : 0;
    out.append(bytes.substr(0, plain));
    if (plain == bytes.size() || append_converted(converter.converter, bytes.substr(plain), out)) return;
    out.resize(start);
  } else if (recognised && resolved->decoding == Decoding::kUtf8OrWindows1252 &&
             !is_valid_utf8(bytes)) {
    if (builtin::append_decoded(builtin::windows1252(), bytes, out)) return;
  }
  if (resolved && resolved->decoding == Decoding::kUtf8 && append_raw_iso2022jp(bytes, out)) return;
  out.reserve(start + bytes.size());
  if (resolved && resolved->undeclared_8bit) {
    append_utf8_or_windows1252(bytes, out);
  } else {
    append_utf8_repaired(bytes, out);
  }
}

// What was appended to `out` from `start` on, as append_utf8_repaired (or, for `undeclared_8bit`
// text, append_utf8_or_windows1252) would have copied it; valid text (nearly all) is left as it is.
void repair_utf8_from(std::string& out, size_t start, bool undeclared_8bit) {
  const size_t bad = first_invalid_utf8(out, start);
  if (bad == out.size()) return;
  if (undeclared_8bit && holds_no_utf8_sequence(std::string_view(out).substr(start))) {
    const std::string appended = out.substr(start);
    out.resize(start);
    append_utf8_or_windows1252(appended, out);
    return;
  }
  const std::string rest = out.substr(bad);
  out.resize(bad);
  append_utf8_repaired(rest, out);
}

}  // namespace

void append_utf8(std::string_view bytes, std::string_view charset, std::string& out, bool* known) {
  append_resolved(bytes, resolve(charset), out, known);
}

void append_transfer_decoded_utf8(std::string_view body, std::string_view encoding, std::string_view charset,
                                  std::string& out) {
  const std::optional<Resolved> resolved = resolve(charset);
  if (resolved && resolved->decoding != Decoding::kUtf8) {
    append_resolved(decode_transfer(body, encoding), resolved, out, nullptr);
    return;
  }
  const size_t start = out.size();
  append_transfer_decoded(body, encoding, out);
  if (holds_jis_designation(std::string_view(out).substr(start))) {
    const std::string decoded = out.substr(start);
    out.resize(start);
    if (append_raw_iso2022jp(decoded, out)) return;
    out += decoded;
  }
  repair_utf8_from(out, start, resolved && resolved->undeclared_8bit);
}

// Text in a built-in charset that its decoder leaves to ICU (malformed, or JIS X 0212) is repaired
// as UTF-8 without a warning when ICU cannot be loaded: a broken installation and such text at once.
std::optional<std::string> charset_unavailable(std::string_view charset) {
  const std::optional<Resolved> resolved = resolve(charset);
  if (!resolved || resolved->decoding != Decoding::kIcu || resolved->builtin != nullptr || icu() != nullptr) {
    return std::nullopt;
  }
  return "text in charset " + std::string(charset) + " left undecoded: " + icu_load_error();
}

std::string_view text_view(const Part& part, std::string& storage) {
  const std::optional<Resolved> resolved = resolve(part.content_type.param("charset"));
  if (resolved && resolved->decoding == Decoding::kUtf8) {
    const std::string_view body = transfer_decoded_body(part, storage);
    if (!holds_jis_designation(body) && is_valid_utf8(body)) return body;
  }
  storage = decode_text(part);
  return storage;
}

std::optional<std::string> decoded_by_icu(std::string_view icu_name, std::string_view bytes) {
  const Converter converter = converter_for(icu_name);
  std::string out;
  if (converter.converter == nullptr || !append_converted(converter.converter, bytes, out)) return std::nullopt;
  return out;
}

std::string to_utf8(std::string_view bytes, std::string_view charset, bool* known) {
  std::string out;
  append_utf8(bytes, charset, out, known);
  return out;
}

}  // namespace bounceback::mime
