// Build-time generator: reads from ICU the tables of the charsets bounceback decodes without it
// (mime/builtin_charsets.h) and writes them as constant arrays. Each table is what ICU's own
// converter gives, byte by byte and pair by pair, so the built-in decoders agree with ICU. The
// premises of the tables (ASCII decodes to itself, one code point per byte or pair, the same run
// as byte by byte) are checked here and fail the build when an ICU version breaks them; the rules
// the decoders follow between bytes (line breaks in ISO-2022-JP, UTF-7's direct characters) are
// checked against ICU by mime_builtin_charsets_test.
// Usage: gen_charset_tables OUTPUT.cpp
#include <unicode/ucnv.h>
#include <unicode/ucnv_cb.h>
#include <unicode/ucnv_err.h>
#include <unicode/uversion.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mime/builtin_charsets.h"
#include "util/text.h"

namespace {

namespace builtin = bounceback::mime::builtin;

// The single-byte charsets of mail, by the name ICU opens.
constexpr std::string_view kSingleByteCharsets[] = {
    "windows-1250", "windows-1251", "windows-1252", "windows-1253", "windows-1254", "windows-1255",
    "windows-1256", "windows-1257", "windows-1258", "windows-874",  "iso-8859-1",   "iso-8859-2",
    "iso-8859-3",   "iso-8859-4",   "iso-8859-5",   "iso-8859-6",   "iso-8859-7",   "iso-8859-8",
    "iso-8859-9",   "iso-8859-10",  "iso-8859-11",  "iso-8859-13",  "iso-8859-14",  "iso-8859-15",
     "koi8-r",       "koi8-u",       "ibm866",       "macintosh",    "x-mac-cyrillic",
};

[[noreturn]] void fail(const std::string& why) {
  std::fprintf(stderr, "gen_charset_tables: %s\n", why.c_str());
  std::exit(1);
}

struct ConverterCloser {
  void operator()(UConverter* converter) const { ucnv_close(converter); }
};
using ConverterPtr = std::unique_ptr<UConverter, ConverterCloser>;

// As the decoder's converters do at run time: U+FFFD for every undecodable byte.
void write_replacement_character(const void*, UConverterToUnicodeArgs* args, const char*, int32_t,
                                 UConverterCallbackReason reason, UErrorCode* status) {
  if (reason > UCNV_IRREGULAR) return;
  static const UChar kReplacement = 0xFFFD;
  *status = U_ZERO_ERROR;
  ucnv_cbToUWriteUChars(args, &kReplacement, 1, 0, status);
}

enum class OnError { kStop, kReplace };

ConverterPtr open_converter(std::string_view name, OnError on_error) {
  UErrorCode status = U_ZERO_ERROR;
  ConverterPtr converter(ucnv_open(std::string(name).c_str(), &status));
  if (!converter || U_FAILURE(status)) fail("ICU has no converter " + std::string(name));
  if (on_error == OnError::kReplace) {
    ucnv_setToUCallBack(converter.get(), write_replacement_character, nullptr, nullptr, nullptr, &status);
  } else {
    ucnv_setToUCallBack(converter.get(), UCNV_TO_U_CALLBACK_STOP, nullptr, nullptr, nullptr, &status);
  }
  if (U_FAILURE(status)) fail("cannot set the callback of " + std::string(name));
  return converter;
}

std::string canonical_name(std::string_view name) {
  UErrorCode status = U_ZERO_ERROR;
  const char* canonical = ucnv_getAlias(std::string(name).c_str(), 0, &status);
  if (canonical == nullptr || U_FAILURE(status)) fail("ICU knows no charset " + std::string(name));
  return canonical;
}

bool names_charset(const std::string& name, const std::string& canonical) {
  UErrorCode status = U_ZERO_ERROR;
  const char* found = ucnv_getAlias(name.c_str(), 0, &status);
  return found != nullptr && U_SUCCESS(status) && found == canonical;
}

// The UTF-16 units `bytes` decode to from a reset converter; nullopt when ICU reports an error.
std::optional<std::u16string> decode(UConverter* converter, std::string_view bytes) {
  ucnv_resetToUnicode(converter);
  std::vector<UChar> units(bytes.size() * 2 + 16);
  UErrorCode status = U_ZERO_ERROR;
  const int32_t count = ucnv_toUChars(converter, units.data(), static_cast<int32_t>(units.size()), bytes.data(),
                                      static_cast<int32_t>(bytes.size()), &status);
  if (U_FAILURE(status) || status == U_STRING_NOT_TERMINATED_WARNING) return std::nullopt;
  return std::u16string(units.data(), static_cast<size_t>(count));
}

// The one BMP code point `bytes` decode to without error, else 0.
uint16_t single_code(UConverter* converter, std::string_view bytes) {
  const std::optional<std::u16string> units = decode(converter, bytes);
  if (!units || units->size() != 1) return 0;
  const char16_t unit = (*units)[0];
  if (unit >= 0xD800 && unit <= 0xDFFF) return 0;
  return unit;
}

std::string utf8_of(char16_t unit) {
  char bytes[4];
  return std::string(bytes, bounceback::util::encode_utf8(unit, bytes));
}

struct Output {
  std::FILE* file;
  std::vector<std::string> charsets;       // the initialisers of kCharsets
  std::map<std::string, size_t> aliases;   // alias key -> index in kCharsets
};

// Every alias ICU resolves to the same converter as `name`.
void add_aliases(Output& out, std::string_view name, size_t charset) {
  const std::string canonical = canonical_name(name);
  UErrorCode status = U_ZERO_ERROR;
  const uint16_t count = ucnv_countAliases(canonical.c_str(), &status);
  std::vector<std::string> names = {std::string(name)};
  for (uint16_t i = 0; i < count && U_SUCCESS(status); ++i) names.emplace_back(ucnv_getAlias(canonical.c_str(), i, &status));
  for (const std::string& alias : names) {
    const std::string key = builtin::alias_key(alias);
    // The key is what a label is looked up by: ICU must read it as the same charset too.
    if (key.empty() || canonical_name(alias) != canonical || !names_charset(key, canonical)) continue;
    const auto [it, added] = out.aliases.emplace(key, charset);
    if (!added && it->second != charset) fail("alias " + alias + " names two charsets");
  }
  // The decoder finds the charsets it names itself by their own names.
  const auto own = out.aliases.find(builtin::alias_key(name));
  if (own == out.aliases.end() || own->second != charset) fail(std::string(name) + " is not found by its own name");
}

void write_codes(std::FILE* file, std::string_view name, const uint16_t* codes, size_t count) {
  std::fprintf(file, "const std::array<uint16_t, %zu> %.*s = {", count, static_cast<int>(name.size()), name.data());
  for (size_t i = 0; i < count; ++i) std::fprintf(file, "%s%u,", i % 16 == 0 ? "\n    " : " ", codes[i]);
  std::fprintf(file, "\n};\n\n");
}

// A single-byte charset's 256 decodings, as the decoder reads them at run time for the others.
void add_single_byte(Output& out, std::string_view name) {
  const ConverterPtr converter = open_converter(name, OnError::kReplace);
  const UConverterType type = ucnv_getType(converter.get());
  if (type != UCNV_SBCS && type != UCNV_LATIN_1) fail(std::string(name) + " is not a single-byte charset");
  std::string each_decoded;
  std::string every_byte;
  bool ascii_identity = true;
  const std::string table_name = "kTable" + std::to_string(out.charsets.size());
  std::fprintf(out.file, "constexpr ByteTable %s = {{{", table_name.c_str());
  for (int byte = 0; byte < 256; ++byte) {
    const char c = static_cast<char>(byte);
    every_byte.push_back(c);
    const std::optional<std::u16string> units = decode(converter.get(), std::string_view(&c, 1));
    if (!units || units->size() != 1 || ((*units)[0] >= 0xD800 && (*units)[0] <= 0xDFFF)) {
      fail(std::string(name) + " does not decode each byte to one character");
    }
    const std::string utf8 = utf8_of((*units)[0]);
    if (byte < 0x80 && utf8 != std::string_view(&c, 1)) ascii_identity = false;
    each_decoded += utf8;
    std::fprintf(out.file, "%s{{", byte % 4 == 0 ? "\n    " : " ");
    for (size_t i = 0; i < 3; ++i) {
      std::fprintf(out.file, "%s'\\x%02X'", i == 0 ? "" : ", ", i < utf8.size() ? static_cast<unsigned char>(utf8[i]) : 0);
    }
    std::fprintf(out.file, "}, %zu},", utf8.size());
  }
  std::fprintf(out.file, "\n}}, %s};\n\n", ascii_identity ? "true" : "false");
  // The premise of a byte table: a run decodes as its bytes one by one.
  const std::optional<std::u16string> run = decode(converter.get(), every_byte);
  std::string run_utf8;
  for (char16_t unit : run.value_or(u"")) run_utf8 += utf8_of(unit);
  if (run_utf8 != each_decoded) fail(std::string(name) + " decodes a run unlike its bytes one by one");
  out.charsets.push_back("{\"" + std::string(name) + "\", Kind::kSingleByte, &" + table_name + "}");
  add_aliases(out, name, out.charsets.size() - 1);
}

void require_ascii_identity(UConverter* converter, std::string_view name, std::string_view except) {
  for (int byte = 0; byte < 0x80; ++byte) {
    const char c = static_cast<char>(byte);
    if (except.find(c) != std::string_view::npos) continue;
    if (single_code(converter, std::string_view(&c, 1)) != byte && byte != 0) {
      fail(std::string(name) + " does not decode ASCII to itself: byte " + std::to_string(byte) + " is " +
           std::to_string(single_code(converter, std::string_view(&c, 1))));
    }
  }
}

void add_iso2022jp(Output& out) {
  constexpr std::string_view kName = "iso-2022-jp";
  const ConverterPtr converter = open_converter(kName, OnError::kStop);
  require_ascii_identity(converter.get(), kName, "\x0E\x0F\x1B");
  using builtin::tables::kJisRows;
  std::vector<uint16_t> jis(kJisRows * kJisRows);
  for (size_t row = 0; row < kJisRows; ++row) {
    for (size_t cell = 0; cell < kJisRows; ++cell) {
      const std::string pair = {static_cast<char>(0x21 + row), static_cast<char>(0x21 + cell)};
      const uint16_t code = single_code(converter.get(), "\x1B$B" + pair);
      if (single_code(converter.get(), "\x1B$@" + pair) != code) fail("ESC $ @ and ESC $ B decode unlike");
      jis[row * kJisRows + cell] = code;
    }
  }
  write_codes(out.file, "tables::kJisX0208", jis.data(), jis.size());
  std::array<uint16_t, 128> roman{};
  std::array<uint16_t, 128> katakana{};
  for (int byte = 0; byte < 0x80; ++byte) {
    if (byte == 0x0E || byte == 0x0F || byte == 0x1B) continue;
    roman[static_cast<size_t>(byte)] = single_code(converter.get(), std::string("\x1B(J") + static_cast<char>(byte));
    katakana[static_cast<size_t>(byte)] = single_code(converter.get(), std::string("\x1B(I") + static_cast<char>(byte));
  }
  write_codes(out.file, "tables::kJisX0201Roman", roman.data(), roman.size());
  write_codes(out.file, "tables::kJisX0201Katakana", katakana.data(), katakana.size());
  out.charsets.push_back("{\"" + std::string(kName) + "\", Kind::kIso2022Jp, nullptr}");
  add_aliases(out, kName, out.charsets.size() - 1);
}

void add_windows31j(Output& out) {
  using builtin::tables::kLeadByte;
  using builtin::tables::kWindows31jFirstLead;
  using builtin::tables::kWindows31jFirstTrail;
  using builtin::tables::kWindows31jTrails;
  constexpr std::string_view kName = "windows-31j";
  const ConverterPtr converter = open_converter(kName, OnError::kStop);
  std::array<uint16_t, 256> singles{};
  for (unsigned byte = 0; byte < 0x100; ++byte) {
    const char c = static_cast<char>(byte);
    ucnv_resetToUnicode(converter.get());
    std::array<UChar, 4> units;
    UErrorCode status = U_ZERO_ERROR;
    const int32_t count = ucnv_toUChars(converter.get(), units.data(), 4, &c, 1, &status);
    uint16_t& code = singles[byte];
    if (status == U_TRUNCATED_CHAR_FOUND) {
      if (byte < kWindows31jFirstLead || byte >= 0xFD) fail("windows-31j has a lead byte out of range");
      code = kLeadByte;
    } else if (U_SUCCESS(status) && count == 1 && (units[0] < 0xD800 || units[0] > 0xDFFF)) {
      code = units[0];
    }
  }
  std::vector<uint16_t> pairs((0xFD - kWindows31jFirstLead) * kWindows31jTrails);
  for (size_t lead = kWindows31jFirstLead; lead < 0xFD; ++lead) {
    if (singles[lead] != kLeadByte) continue;
    for (size_t trail = kWindows31jFirstTrail; trail < 0xFD; ++trail) {
      const std::string pair = {static_cast<char>(lead), static_cast<char>(trail)};
      pairs[(lead - kWindows31jFirstLead) * kWindows31jTrails + (trail - kWindows31jFirstTrail)] =
          single_code(converter.get(), pair);
    }
  }
  write_codes(out.file, "tables::kWindows31jSingles", singles.data(), singles.size());
  write_codes(out.file, "tables::kWindows31jPairs", pairs.data(), pairs.size());
  out.charsets.push_back("{\"" + std::string(kName) + "\", Kind::kWindows31j, nullptr}");
  add_aliases(out, kName, out.charsets.size() - 1);
}

void add_utf7(Output& out) {
  constexpr std::string_view kName = "utf-7";
  open_converter(kName, OnError::kStop);
  out.charsets.push_back("{\"" + std::string(kName) + "\", Kind::kUtf7, nullptr}");
  add_aliases(out, kName, out.charsets.size() - 1);
}

void write_index(const Output& out) {
  std::fprintf(out.file, "constexpr Charset kCharsetArray[] = {\n");
  for (const std::string& charset : out.charsets) std::fprintf(out.file, "    %s,\n", charset.c_str());
  std::fprintf(out.file, "};\n\nconstexpr AliasEntry kAliasKeyArray[] = {\n");
  for (const auto& [key, charset] : out.aliases) std::fprintf(out.file, "    {\"%s\", %zu},\n", key.c_str(), charset);
  std::fprintf(out.file, "};\n\n}  // namespace\n\n");
  std::fprintf(out.file, "const std::span<const Charset> tables::kCharsets = kCharsetArray;\n");
  std::fprintf(out.file, "const std::span<const AliasEntry> tables::kAliasKeys = kAliasKeyArray;\n\n");
  std::fprintf(out.file, "}  // namespace bounceback::mime::builtin\n");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) fail("usage: gen_charset_tables OUTPUT.cpp");
  const std::string temporary = std::string(argv[1]) + ".tmp";
  Output out{std::fopen(temporary.c_str(), "w"), {}, {}};
  if (out.file == nullptr) fail("cannot write " + temporary);
  std::fprintf(out.file, "// Generated by gen_charset_tables from ICU %s: do not edit.\n", U_ICU_VERSION);
  std::fprintf(out.file, "#include \"mime/builtin_charsets.h\"\n\nnamespace bounceback::mime::builtin {\n\n");
  add_iso2022jp(out);
  add_windows31j(out);
  std::fprintf(out.file, "namespace {\n\n");
  for (std::string_view name : kSingleByteCharsets) add_single_byte(out, name);
  add_utf7(out);
  write_index(out);
  if (std::fclose(out.file) != 0 || std::rename(temporary.c_str(), argv[1]) != 0) fail("cannot write " + std::string(argv[1]));
  return 0;
}
