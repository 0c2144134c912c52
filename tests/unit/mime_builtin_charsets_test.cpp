// The built-in charsets against ICU itself (linked into this test): wherever a built-in decoder
// takes a text, it must give what ICU gives, and the texts mail really carries must be taken.
#include <gtest/gtest.h>
#include <unicode/ucnv.h>

#include <memory>
#include <random>
#include <string>
#include <vector>

#include "mime/builtin_charsets.h"
#include "mime/decoding.h"
#include "mime/message.h"
#include "util/text.h"

namespace bounceback::mime {
namespace {

struct ConverterCloser {
  void operator()(UConverter* converter) const { ucnv_close(converter); }
};

// What ICU decodes `bytes` to, as UTF-8.
std::string icu_decoded(std::string_view charset, std::string_view bytes) {
  const std::optional<std::string> decoded = decoded_by_icu(charset, bytes);
  EXPECT_TRUE(decoded) << charset;
  return decoded.value_or("");
}

const builtin::Charset& charset_named(std::string_view key) {
  const builtin::Charset* charset = builtin::find(key);
  EXPECT_NE(charset, nullptr) << key;
  return *charset;
}

// The built-in decoding, or nullopt when the text is left to ICU.
std::optional<std::string> builtin_decoded(std::string_view key, std::string_view bytes) {
  std::string out = "kept:";
  if (!builtin::append_decoded(charset_named(key), bytes, out)) {
    EXPECT_EQ(out, "kept:") << "a refused text leaves the output as it was";
    return std::nullopt;
  }
  return out.substr(5);
}

// Checks that the built-in decoder agrees with ICU on `bytes` wherever it takes them; true when
// it took them.
bool agrees_with_icu(std::string_view key, std::string_view bytes) {
  const std::optional<std::string> decoded = builtin_decoded(key, bytes);
  if (!decoded) return false;
  EXPECT_EQ(*decoded, icu_decoded(charset_named(key).icu_name, bytes)) << key << " [" << bytes << "]";
  return true;
}

TEST(BuiltinCharsets, EveryAliasMeansToIcuTheCharsetItIsBuiltInFor) {
  for (const builtin::AliasEntry& alias : builtin::tables::kAliasKeys) {
    UErrorCode status = U_ZERO_ERROR;
    const char* canonical = ucnv_getAlias(std::string(alias.key).c_str(), 0, &status);
    ASSERT_NE(canonical, nullptr) << alias.key;
    const std::string_view icu_name = builtin::tables::kCharsets[alias.charset].icu_name;
    EXPECT_STREQ(canonical, ucnv_getAlias(std::string(icu_name).c_str(), 0, &status)) << alias.key;
  }
  EXPECT_EQ(builtin::find("gb2312"), nullptr) << "Chinese is left to ICU";
}

TEST(BuiltinCharsets, SingleByteCharsetsDecodeEveryByteAsIcu) {
  std::string every_byte;
  for (int byte = 0; byte < 256; ++byte) every_byte.push_back(static_cast<char>(byte));
  const std::string text = "Mailbox full: " + every_byte + " (over quota)";
  int checked = 0;
  for (const builtin::Charset& charset : builtin::tables::kCharsets) {
    if (charset.kind != builtin::Kind::kSingleByte) continue;
    std::string out;
    ASSERT_TRUE(builtin::append_decoded(charset, text, out));
    EXPECT_EQ(out, icu_decoded(charset.icu_name, text)) << charset.icu_name;
    ++checked;
  }
  EXPECT_GE(checked, 25);
}

TEST(BuiltinCharsets, Iso2022JpDecodesEveryJisX0208PairAsIcu) {
  int taken = 0;
  for (int first = 0x21; first <= 0x7E; ++first) {
    for (int second = 0x21; second <= 0x7E; ++second) {
      const std::string text = std::string("a\x1B$B") + static_cast<char>(first) + static_cast<char>(second) + "\x1B(Bb";
      const bool mapped = icu_decoded("iso-2022-jp", text).find("\xEF\xBF\xBD") == std::string::npos;
      EXPECT_EQ(agrees_with_icu("iso2022jp", text), mapped) << first << " " << second;
      taken += mapped;
    }
  }
  EXPECT_GT(taken, 7000);
}

// Random texts of the pieces ISO-2022-JP is made of, malformed ones included.
std::string random_iso2022jp(std::mt19937& random) {
  static const std::vector<std::string> kPieces = {
      "\x1B$B", "\x1B$@", "\x1B(B", "\x1B(J", "\x1B(I", "\x1B$(D", "\x1B$A", "\x1B(", "\x1B",
      "\r\n",   "\n",     "\r",     " ",      "\t",     "\x0E",    "\x0F",   "\xA4\xA2", "\x80",
      "$3",     "$s",     "%G",     "!#",     "\\",     "~",       "a",      "(I",       "t|",  "\x7F",
  };
  std::string text;
  const int pieces = static_cast<int>(random() % 12);
  for (int i = 0; i < pieces; ++i) {
    text += kPieces[random() % kPieces.size()];
    if (!text.empty() && text.back() != '\x1B' && random() % 2 == 0) text.push_back(static_cast<char>(0x21 + random() % 94));
  }
  return text;
}

bool has_adjacent_escapes(std::string_view text) {
  for (size_t pos = 0; (pos = text.find('\x1B', pos)) != std::string_view::npos; ++pos) {
    if (pos + 3 < text.size() && text[pos + 3] == '\x1B') return true;
    if (pos + 4 < text.size() && text[pos + 1] == '$' && text[pos + 2] == '(' && text[pos + 4] == '\x1B') return true;
  }
  return false;
}

TEST(BuiltinCharsets, Iso2022JpAgreesWithIcuOnRandomTexts) {
  std::mt19937 random(2026);
  int taken = 0;
  for (int i = 0; i < 50000; ++i) {
    const std::string text = random_iso2022jp(random);
    // Two escape sequences in a row and 8-bit text are read otherwise on purpose (tested below).
    if (has_adjacent_escapes(text) || text.find_first_of("\x80\xA4") != std::string::npos) continue;
    taken += agrees_with_icu("iso2022jp", text);
  }
  EXPECT_GT(taken, 5000);
}

TEST(BuiltinCharsets, Iso2022JpReadsAdjacentEncodedWordsWithoutAReplacementCharacter) {
  // "ご確認" split over two encoded words, each closing its run: ICU put U+FFFD between them.
  EXPECT_EQ(builtin_decoded("iso2022jp", "\x1B$B$43N\x1B(B\x1B$BG'\x1B(B"), "ご確認");
  EXPECT_EQ(to_utf8("\x1B$B$43N\x1B(B\x1B$BG'\x1B(B", "ISO-2022-JP"), "ご確認");
}

TEST(BuiltinCharsets, Iso2022JpLabelOnOtherJapaneseCharsetsIsSeenThrough) {
  EXPECT_EQ(to_utf8("\xE3\x81\x94\xE7\xA2\xBA\xE8\xAA\x8D", "iso-2022-jp"), "ご確認") << "UTF-8";
  EXPECT_EQ(to_utf8("\xA4\xB4\xB3\xCE\xC7\xA7 \x8E\xB1", "iso-2022-jp"), "ご確認 ｱ") << "EUC-JP";
  EXPECT_EQ(to_utf8("\x82\xB2\x8A\x6D\x94\x46", "iso-2022-jp"), "ご確認") << "Shift_JIS";
  // Neither: left to ICU, which marks each 8-bit byte.
  EXPECT_EQ(to_utf8("\x1B$B$3\x1B(B\xFF", "iso-2022-jp"), icu_decoded("iso-2022-jp", "\x1B$B$3\x1B(B\xFF"));
}

TEST(BuiltinCharsets, RawIso2022JpInUndeclaredTextIsDecoded) {
  // Lotus Domino writes it so into Diagnostic-Code, in a part that declares no charset.
  EXPECT_EQ(to_utf8("X-Notes; \x1B$B%f!<%6!<\x1B(B Neko", ""), "X-Notes; ユーザー Neko");
  EXPECT_EQ(to_utf8("\x1B$@%f\x1B(B", "us-ascii"), "ユ");
  std::string part_text;
  append_transfer_decoded_utf8("X-Notes; \x1B$B%f!<%6!<\x1B(B\n", "7bit", "", part_text);
  EXPECT_EQ(part_text, "X-Notes; ユーザー\n");
  // Other escapes are not ISO-2022-JP's: the text stays as it is.
  EXPECT_EQ(to_utf8("\x1B[1mbold\x1B[0m", ""), "\x1B[1mbold\x1B[0m");
  EXPECT_EQ(to_utf8("\x1B$B%f\xFF", ""), "\x1B$B%f\xC3\xBF") << "not ISO-2022-JP after all: Windows-1252";
  EXPECT_EQ(to_utf8("\x1B$B%f\xFF", "utf-8"), "\x1B$B%f\xEF\xBF\xBD") << "labelled UTF-8: repaired";
}

TEST(BuiltinCharsets, ShiftJisDecodesEveryByteAndPairAsIcu) {
  int taken = 0;
  for (int first = 0; first < 256; ++first) {
    const std::string single = std::string("x") + static_cast<char>(first) + "y";
    taken += agrees_with_icu("shiftjis", single);
    for (int second = 0x30; second < 256 && first >= 0x81; ++second) {
      taken += agrees_with_icu("shiftjis", std::string("x") + static_cast<char>(first) + static_cast<char>(second));
    }
  }
  EXPECT_GT(taken, 7000);
  EXPECT_EQ(builtin_decoded("sjis", "\x82\xB1\x82\xF1\x82\xC9\x82\xBF\x82\xCD"), "こんにちは");
}

TEST(BuiltinCharsets, Utf7DecodesWhatIcuEncodes) {
  std::mt19937 random(7);
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<UConverter, ConverterCloser> encoder(ucnv_open("utf-7", &status));
  for (int i = 0; i < 5000; ++i) {
    std::u16string text;
    const int length = static_cast<int>(random() % 12);
    for (int k = 0; k < length; ++k) {
      switch (random() % 4) {
        case 0: text.push_back(static_cast<char16_t>(0x20 + random() % 95)); break;
        case 1: text.push_back(static_cast<char16_t>(0x3041 + random() % 80)); break;
        case 2: text.push_back(u'\n'); break;
        default: text += u"\U0001F600"; break;
      }
    }
    std::string encoded(text.size() * 8 + 16, '\0');
    status = U_ZERO_ERROR;
    const int32_t size = ucnv_fromUChars(encoder.get(), encoded.data(), static_cast<int32_t>(encoded.size()),
                                         text.data(), static_cast<int32_t>(text.size()), &status);
    ASSERT_TRUE(U_SUCCESS(status));
    encoded.resize(static_cast<size_t>(size));
    EXPECT_TRUE(agrees_with_icu("utf7", encoded)) << encoded;
  }
}

TEST(BuiltinCharsets, Utf7AgreesWithIcuOnRandomTexts) {
  std::mt19937 random(11);
  const std::string alphabet = "+-AZaz09/+ \r\n!~\\\x7F\x01.";
  int taken = 0;
  for (int i = 0; i < 50000; ++i) {
    std::string text;
    const int length = static_cast<int>(random() % 10);
    for (int k = 0; k < length; ++k) text.push_back(alphabet[random() % alphabet.size()]);
    taken += agrees_with_icu("utf7", text);
  }
  EXPECT_GT(taken, 5000);
  EXPECT_EQ(to_utf8("Hi Mom -+Jjo--!", "unicode-1-1-utf-7"), "Hi Mom -\xE2\x98\xBA-!");
}

}  // namespace
}  // namespace bounceback::mime
