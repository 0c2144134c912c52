// Charset conversion to UTF-8: a normalising alias table for the labels mail really carries, ICU
// converters cached per thread behind it, and an ICU-free path for UTF-8 and US-ASCII.
#include <unicode/ucnv.h>
#include <unicode/ucnv_cb.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <vector>

#include "mime/decoding.h"
#include "mime/message.h"
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

// The label as ICU should see it: blanks and quotes removed, the "3D" left by quoted-printable
// ("charset=3Dutf-8" in a header block that was QP-encoded as a body), cut at the first byte
// that cannot belong to a charset name ("utf-8\" from a broken escape).
std::string clean_label(std::string_view label) {
  label = util::trim(label);
  while (!label.empty() && (label.front() == '"' || label.front() == '\'')) label.remove_prefix(1);
  if (util::istarts_with(label, "3d") && label.size() > 2 && util::is_alpha(label[2])) {
    label.remove_prefix(2);
  }
  size_t length = 0;
  while (length < label.size() && is_label_char(label[length])) ++length;
  return util::to_lower(label.substr(0, length));
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

struct Resolved {
  Decoding decoding;
  std::string icu_name;
};

std::optional<Resolved> resolve(std::string_view charset) {
  std::string label = clean_label(charset);
  if (label.empty()) return Resolved{Decoding::kUtf8, {}};  // undeclared: RFC 2045's US-ASCII
  if (label.size() > kMaxLabelLength) return std::nullopt;
  const AliasKey key(label);
  for (const Alias& alias : kAliases) {
    if (alias.key == key.view()) return Resolved{alias.decoding, std::string(alias.icu_name)};
  }
  return Resolved{Decoding::kIcu, std::move(label)};
}

struct ConverterCloser {
  void operator()(UConverter* converter) const { ucnv_close(converter); }
};
using ConverterPtr = std::unique_ptr<UConverter, ConverterCloser>;

// Opening a converter costs about a microsecond and one converter must not be shared between
// threads, so each thread keeps the ones it opened. Keys are ICU's canonical names, which point
// into ICU's static alias table: the cache is bounded by the number of ICU converters.
struct CachedConverter {
  const char* canonical_name;
  ConverterPtr converter;
  bool ascii_identity;  // bytes below 0x80 but ISO 2022's switches decode to themselves
};

struct Converter {
  UConverter* converter;
  bool ascii_identity;
};

// ICU substitutes U+001A for bad bytes in some charsets (a lone Shift_JIS lead byte); text read
// by people and matched by rules wants U+FFFD everywhere.
void write_replacement_character(const void*, UConverterToUnicodeArgs* args, const char*, int32_t,
                                 UConverterCallbackReason reason, UErrorCode* status) {
  if (reason > UCNV_IRREGULAR) return;  // reset, close, clone: nothing was undecodable
  static const UChar kReplacement = 0xFFFD;
  *status = U_ZERO_ERROR;
  ucnv_cbToUWriteUChars(args, &kReplacement, 1, 0, status);
}

// ISO 2022's escape and shift bytes: the only ASCII bytes that switch a stateful charset out of
// its initial ASCII state.
constexpr std::array<char, 3> kIso2022Switches = {0x1B, 0x0E, 0x0F};
constexpr bool is_iso2022_switch(char c) {
  return std::find(kIso2022Switches.begin(), kIso2022Switches.end(), c) != kIso2022Switches.end();
}

// Whether ASCII text without ISO 2022 switches may be copied instead of converted: true for the
// ASCII-compatible charsets (windows-1252, ISO-8859-x, Shift_JIS, GB18030, ISO-2022-JP), false
// for those whose ASCII bytes mean something else (UTF-7's '+', HZ's '~', UTF-16, EBCDIC). All
// those bytes are converted in one run: a byte that starts a sequence breaks the identity.
bool maps_ascii_to_itself(UConverter* converter) {
  switch (ucnv_getType(converter)) {
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
    if (!is_iso2022_switch(static_cast<char>(byte))) ascii.push_back(static_cast<char>(byte));
  }
  std::array<UChar, 256> decoded;
  UErrorCode status = U_ZERO_ERROR;
  const int32_t length = ucnv_toUChars(converter, decoded.data(), static_cast<int32_t>(decoded.size()),
                                       ascii.data(), static_cast<int32_t>(ascii.size()), &status);
  if (U_FAILURE(status) || length != static_cast<int32_t>(ascii.size())) return false;
  for (size_t i = 0; i < ascii.size(); ++i) {
    if (decoded[i] != static_cast<UChar>(ascii[i])) return false;
  }
  return true;
}

Converter converter_for(const std::string& icu_name) {
  UErrorCode status = U_ZERO_ERROR;
  // Looking the name up first keeps ICU from searching its data directory for unknown names.
  const char* canonical = ucnv_getAlias(icu_name.c_str(), 0, &status);
  if (canonical == nullptr || U_FAILURE(status)) return {nullptr, false};
  thread_local std::vector<CachedConverter> cache;
  for (const CachedConverter& entry : cache) {
    if (entry.canonical_name == canonical) return {entry.converter.get(), entry.ascii_identity};
  }
  status = U_ZERO_ERROR;
  ConverterPtr opened(ucnv_open(canonical, &status));
  if (!opened || U_FAILURE(status)) return {nullptr, false};
  ucnv_setToUCallBack(opened.get(), write_replacement_character, nullptr, nullptr, nullptr, &status);
  const bool ascii_identity = maps_ascii_to_itself(opened.get());
  cache.push_back({canonical, std::move(opened), ascii_identity});
  return {cache.back().converter.get(), ascii_identity};
}

bool append_converted(UConverter* from, std::string_view bytes, std::string& out) {
  static const std::string kUtf8Name = "utf-8";
  UConverter* utf8 = converter_for(kUtf8Name).converter;
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
    ucnv_convertEx(utf8, from, &target, out.data() + out.size(), &source, bytes.data() + bytes.size(),
                   pivot.data(), &pivot_source, &pivot_target, pivot.data() + pivot.size(), static_cast<UBool>(reset),
                   true, &status);
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

// Index of the first byte that is not plain ASCII, checking 32 bytes, then eight, at a time.
size_t ascii_prefix_length(std::string_view in, size_t from) {
  size_t i = from;
  while (i + 32 <= in.size()) {
    std::array<uint64_t, 4> words;
    std::memcpy(words.data(), in.data() + i, sizeof words);
    if (((words[0] | words[1] | words[2] | words[3]) & 0x8080808080808080ULL) != 0) break;
    i += 32;
  }
  while (i + 8 <= in.size()) {
    uint64_t word;
    std::memcpy(&word, in.data() + i, sizeof word);
    if ((word & 0x8080808080808080ULL) != 0) break;
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
  while ((i = ascii_prefix_length(in, i)) < in.size()) {
    const int length = utf8_sequence_length(bytes + i, end);
    if (length < 0) return i;
    i += static_cast<size_t>(length);
  }
  return in.size();
}

// The leading ASCII that no ASCII-compatible charset reads differently.
size_t plain_ascii_prefix_length(std::string_view in) {
  size_t length = ascii_prefix_length(in, 0);
  for (char shift : kIso2022Switches) length = std::min(length, in.substr(0, length).find(shift));
  return length;
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

void append_utf8(std::string_view bytes, std::string_view charset, std::string& out, bool* known) {
  const size_t start = out.size();
  const std::optional<Resolved> resolved = resolve(charset);
  Converter converter{nullptr, false};
  if (resolved && resolved->decoding == Decoding::kIcu) converter = converter_for(resolved->icu_name);
  const bool recognised = resolved && (resolved->decoding != Decoding::kIcu || converter.converter != nullptr);
  if (known != nullptr) *known = recognised;

  if (converter.converter != nullptr) {
    // Text labelled windows-1252 or ISO-2022-JP is often plain ASCII, or starts with it: ICU would
    // copy that part slowly. After it, the converter is still in its initial state.
    const size_t plain = converter.ascii_identity ? plain_ascii_prefix_length(bytes) : 0;
    out.append(bytes.substr(0, plain));
    if (plain == bytes.size() || append_converted(converter.converter, bytes.substr(plain), out)) return;
    out.resize(start);
  } else if (recognised && resolved->decoding == Decoding::kUtf8OrWindows1252 &&
             !is_valid_utf8(bytes)) {
    static const std::string kWindows1252 = "windows-1252";
    UConverter* fallback = converter_for(kWindows1252).converter;
    if (fallback != nullptr && append_converted(fallback, bytes, out)) return;
    out.resize(start);
  }
  out.reserve(start + bytes.size());
  append_utf8_repaired(bytes, out);
}

std::string to_utf8(std::string_view bytes, std::string_view charset, bool* known) {
  std::string out;
  append_utf8(bytes, charset, out, known);
  return out;
}

}  // namespace bounceback::mime
