// Transfer decoding (base64, quoted-printable) and charset conversion to UTF-8.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "mime/message.h"

namespace bounceback::mime {
namespace {

TEST(MimeTransfer, Base64IgnoresLineBreaksAndGarbage) {
  EXPECT_EQ(decode_transfer("SGVs\nbG8s\r\nIHdv*cmxk!IQ==\n", "base64"), "Hello, world!");
  EXPECT_EQ(decode_transfer("SGVsbG8=", " BASE64 "), "Hello");
}

TEST(MimeTransfer, Base64ToleratesTruncationAndMissingPadding) {
  EXPECT_EQ(decode_transfer("SGVsbG8", "base64"), "Hello");   // padding missing
  EXPECT_EQ(decode_transfer("SGVsbA", "base64"), "Hell");
  EXPECT_EQ(decode_transfer("SGVsb", "base64"), "Hel");        // cut mid-quantum: whole bytes kept
  EXPECT_EQ(decode_transfer("S", "base64"), "");
  EXPECT_EQ(decode_transfer("", "base64"), "");
}

// Whole groups of four are decoded at once: a line break, blank or garbage byte at any offset
// puts the groups after it off their alignment, which must not change a decoded byte.
TEST(MimeTransfer, Base64GroupsAcrossBreaksAtAnyOffset) {
  const std::string encoded = "UmV0dXJuZWQgbWFpbDogc2VlIHRyYW5zY3JpcHQgZm9yIGRldGFpbHMgKDAxMjM0NTY3ODkp";
  const std::string decoded = "Returned mail: see transcript for details (0123456789)";
  ASSERT_EQ(decode_transfer(encoded, "base64"), decoded);
  for (size_t pos = 0; pos <= encoded.size(); ++pos) {
    for (const std::string_view inserted : {"\r\n", "*", " \t", "\n*\n"}) {
      std::string text = encoded;
      text.insert(pos, inserted);
      EXPECT_EQ(decode_transfer(text, "base64"), decoded) << pos << " " << inserted;
    }
  }
}

TEST(MimeTransfer, Base64ConcatenatedPaddedChunks) {
  EXPECT_EQ(decode_transfer("SGk=SGk=\nIQ==", "base64"), "HiHi!");
}

TEST(MimeTransfer, QuotedPrintableSoftBreaksAndHexCase) {
  EXPECT_EQ(decode_transfer("caf=C3=a9 =\nsoft   \nnext=\r\nline\n", "quoted-printable"), "caf\xC3\xA9 soft\nnextline\n");
  EXPECT_EQ(decode_transfer("a=  \nb", "Quoted-Printable"), "ab");  // blanks after a soft break
}

TEST(MimeTransfer, QuotedPrintableInvalidEscapesStayLiteral) {
  EXPECT_EQ(decode_transfer("100=% sure =ZZ =4 end=", "quoted-printable"), "100=% sure =ZZ =4 end");
  EXPECT_EQ(decode_transfer("=", "quoted-printable"), "");
  EXPECT_EQ(decode_transfer("x=3", "quoted-printable"), "x=3");
}

TEST(MimeTransfer, QuotedPrintableRunsOfEscapes) {
  EXPECT_EQ(decode_transfer("=E3=81=82=E3=81=84\n==41=3D=\n=3d", "quoted-printable"),
            "\xE3\x81\x82\xE3\x81\x84\n=A==");
}

// Transport blanks end a line only as written: a decoded "=20" or a blank before a soft break is
// text.
TEST(MimeTransfer, QuotedPrintableTrailingBlanksAndSoftBreaks) {
  EXPECT_EQ(decode_transfer("kept=20\nkept =\t\ndropped \t\r\nend", "quoted-printable"),
            "kept \nkept dropped\nend");
  EXPECT_EQ(decode_transfer("a= =\nb=4 \nc=\t", "quoted-printable"), "a= b=4\nc");
  EXPECT_EQ(decode_transfer("a long plain line without escapes, longer than a word\n=\n", "quoted-printable"),
            "a long plain line without escapes, longer than a word\n");
  EXPECT_EQ(decode_transfer("tail blanks at the very end   ", "quoted-printable"), "tail blanks at the very end");
  // Blanks after a soft break's line, and a line of blanks alone: padding, not text.
  EXPECT_EQ(decode_transfer("two  =\n   \nx=G \r\n=4\t\n==\n", "quoted-printable"), "two  \nx=G\n=4\n=");
  // An escape's hex digits are not read across a line's end or its padding.
  EXPECT_EQ(decode_transfer("=4\n1 =4 1\n=\r", "quoted-printable"), "=4\n1 =4 1\n");
}

TEST(MimeTransfer, IdentityEncodingsKeepBytes) {
  const std::string_view bytes("a=3D\0\xFF", 6);
  for (std::string_view encoding : {"7bit", "8bit", "binary", "x-uuencode", ""}) {
    EXPECT_EQ(decode_transfer(bytes, encoding), bytes) << encoding;
  }
}

TEST(MimeTransfer, LargeBodiesDecodeQuickly) {
  std::string base64;
  for (int i = 0; i < 300000; ++i) base64 += "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2\n";
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(decode_transfer(base64, "base64").size(), 300000u * 48);
  std::string qp;
  for (int i = 0; i < 300000; ++i) qp += "Sehr geehrte Damen und Herren, die Nachricht konnte nicht zugestell=\nt werden =C3=A4\n";
  EXPECT_EQ(decode_transfer(qp, "quoted-printable").size(), 300000u * 79);
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(), 30.0);  // a hang guard, not a benchmark
}

struct CharsetCase {
  const char* charset;
  std::string_view bytes;
  std::string_view utf8;
};

class MimeCharset : public testing::TestWithParam<CharsetCase> {};

TEST_P(MimeCharset, ConvertsAKnownString) {
  const CharsetCase& c = GetParam();
  bool known = false;
  EXPECT_EQ(to_utf8(c.bytes, c.charset, &known), c.utf8) << c.charset;
  EXPECT_TRUE(known) << c.charset;
}

INSTANTIATE_TEST_SUITE_P(
    Charsets, MimeCharset,
    testing::Values(
        CharsetCase{"UTF-8", "caf\xC3\xA9", "caf\xC3\xA9"},
        CharsetCase{"us-ascii", "plain", "plain"},
        CharsetCase{"ISO-8859-1", "caf\xE9", "caf\xC3\xA9"},
        CharsetCase{"iso-8859-2", "\xB1", "\xC4\x85"},            // ą
        CharsetCase{"iso-8859-3", "\xA1", "\xC4\xA6"},            // Ħ
        CharsetCase{"iso-8859-4", "\xA1", "\xC4\x84"},            // Ą
        CharsetCase{"iso-8859-5", "\xB0", "\xD0\x90"},            // А
        CharsetCase{"iso-8859-6", "\xC7", "\xD8\xA7"},            // ا
        CharsetCase{"iso-8859-7", "\xE1", "\xCE\xB1"},            // α
        CharsetCase{"iso-8859-8", "\xE0", "\xD7\x90"},            // א
        CharsetCase{"iso-8859-9", "\xFD", "\xC4\xB1"},            // ı
        CharsetCase{"iso-8859-10", "\xA1", "\xC4\x84"},           // Ą
        CharsetCase{"iso-8859-11", "\xA1", "\xE0\xB8\x81"},       // ก
        CharsetCase{"iso-8859-13", "\xA1", "\xE2\x80\x9D"},       // ”
        CharsetCase{"iso-8859-14", "\xA1", "\xE1\xB8\x82"},       // Ḃ
        CharsetCase{"iso-8859-15", "\xA4", "\xE2\x82\xAC"},       // €
        CharsetCase{"windows-1250", "\x8A", "\xC5\xA0"},          // Š
        CharsetCase{"windows-1251", "\xC0", "\xD0\x90"},          // А
        CharsetCase{"windows-1252", "\x80", "\xE2\x82\xAC"},      // €
        CharsetCase{"windows-1253", "\xC1", "\xCE\x91"},          // Α
        CharsetCase{"windows-1254", "\xD0", "\xC4\x9E"},          // Ğ
        CharsetCase{"windows-1255", "\xE0", "\xD7\x90"},          // א
        CharsetCase{"windows-1256", "\xC7", "\xD8\xA7"},          // ا
        CharsetCase{"windows-1257", "\xC0", "\xC4\x84"},          // Ą
        CharsetCase{"windows-1258", "\xD0", "\xC4\x90"},          // Đ
        CharsetCase{"KOI8-R", "\xE1", "\xD0\x90"},                // А
        CharsetCase{"koi8-u", "\xA4", "\xD1\x94"},                // є
        CharsetCase{"ISO-2022-JP", "\x1B$B$3$s$K$A$O\x1B(B", "\xE3\x81\x93\xE3\x82\x93\xE3\x81\xAB\xE3\x81\xA1\xE3\x81\xAF"},
        CharsetCase{"Shift_JIS", "\x82\xA0", "\xE3\x81\x82"},     // あ
        CharsetCase{"EUC-JP", "\xA4\xA2", "\xE3\x81\x82"},        // あ
        CharsetCase{"GB2312", "\xB0\xA1", "\xE5\x95\x8A"},        // 啊
        CharsetCase{"GBK", "\x81\x40", "\xE4\xB8\x82"},           // 丂
        CharsetCase{"GB18030", "\x81\x30\x81\x30", "\xC2\x80"},   // a four-byte sequence
        CharsetCase{"Big5", "\xA4\x40", "\xE4\xB8\x80"},          // 一
        CharsetCase{"EUC-KR", "\xB0\xA1", "\xEA\xB0\x80"},        // 가
        CharsetCase{"UTF-16", std::string_view("\xFE\xFF\x00\x41", 4), "A"},
        CharsetCase{"UTF-16LE", std::string_view("\x41\x00", 2), "A"},
        CharsetCase{"UTF-7", "+AOk-", "\xC3\xA9"},
        // Labels seen in mail that ICU alone does not read as meant.
        CharsetCase{"utf8", "\xC3\xA9", "\xC3\xA9"},
        CharsetCase{"uft-8", "\xC3\xA9", "\xC3\xA9"},
        CharsetCase{"3Dutf-8", "\xC3\xA9", "\xC3\xA9"},
        CharsetCase{"\"UTF-8\"", "\xC3\xA9", "\xC3\xA9"},
        CharsetCase{"utf-8\\", "\xC3\xA9", "\xC3\xA9"},
        CharsetCase{"ks_c_5601-1987", "\x81\x41", "\xEA\xB0\x82"},  // 갂, a UHC extension
        CharsetCase{"euc-kr", "\x81\x41", "\xEA\xB0\x82"},
        CharsetCase{"unicode-1-1-utf-7", "+AOk-", "\xC3\xA9"},
        CharsetCase{"cp5022x", "\x1B$B-!\x1B(B", "\xE2\x91\xA0"},   // ①, an NEC row
        CharsetCase{"ISO-2022-JP-MS", "\x1B(I12\x1B(B", "\xEF\xBD\xB1\xEF\xBD\xB2"},  // ｱｲ
        CharsetCase{"x-sjis", "\x87\x40", "\xE2\x91\xA0"},          // ①
        CharsetCase{"shift-jis", "\x82\xA0", "\xE3\x81\x82"},
        CharsetCase{"gb2312", "\x81\x40", "\xE4\xB8\x82"},          // GBK char labelled GB2312
        CharsetCase{"iso-8859-8-i", "\xE0", "\xD7\x90"},
        CharsetCase{"windows-874", "\xA1", "\xE0\xB8\x81"},
        CharsetCase{"tis-620", "\xA1", "\xE0\xB8\x81"},
        CharsetCase{"x-mac-roman", "\x8E", "\xC3\xA9"},
        CharsetCase{"x-mac-cyrillic", "\x80", "\xD0\x90"},
        CharsetCase{"iso-8859-1", "\x93hi\x94", "\xE2\x80\x9Chi\xE2\x80\x9D"},  // cp1252 quotes
        CharsetCase{"x-unknown", "caf\xC3\xA9", "caf\xC3\xA9"},
        CharsetCase{"unknown-8bit", "caf\xE9", "caf\xC3\xA9"},
        CharsetCase{" 'LATIN1'", "\x80", "\xE2\x82\xAC"},       // an alias, however written: €
        CharsetCase{"Windows_1250", "\x8A", "\xC5\xA0"},          // a built-in charset's alias: Š
        CharsetCase{"", "plain", "plain"}));

TEST(MimeCharsetFallback, UnknownCharsetIsRepairedUtf8) {
  bool known = true;
  EXPECT_EQ(to_utf8("caf\xC3\xA9 \xFF", "x-klingon", &known), "caf\xC3\xA9 \xEF\xBF\xBD");
  EXPECT_FALSE(known);
  EXPECT_EQ(to_utf8("a", std::string(200, 'x')), "a");
  EXPECT_EQ(to_utf8("a", "ISO_2022,locale=ja,version=4"), "a");  // not a label: no ICU options
}

TEST(MimeCharsetFallback, InvalidUtf8IsReplacedByMaximalSubparts) {
  // Unicode's example: each maximal invalid subpart is one U+FFFD.
  const std::string_view bytes("\x61\xF1\x80\x80\xE1\x80\xC2\x62\x80\x63\x80\xBF\x64", 13);
  EXPECT_EQ(to_utf8(bytes, "utf-8"),
            "a\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD" "b\xEF\xBF\xBD" "c\xEF\xBF\xBD\xEF\xBF\xBD" "d");
  EXPECT_EQ(to_utf8("\xED\xA0\x80", "utf-8"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // surrogate
  EXPECT_EQ(to_utf8("\xF4\x90\x80\x80", "utf-8").size(), 12u);                       // > U+10FFFF
  EXPECT_EQ(to_utf8("\xC0\xAF", "utf-8"), "\xEF\xBF\xBD\xEF\xBF\xBD");                // overlong
  EXPECT_EQ(to_utf8("\xE2\x82", "utf-8"), "\xEF\xBF\xBD");                            // truncated
  EXPECT_EQ(to_utf8(std::string_view("a\0b", 3), "utf-8"), std::string_view("a\0b", 3));
}

// An Exim notice in German with no charset ("Empf\xE4nger unbekannt") is Latin-1 text: with no
// UTF-8 sequence in it, undeclared or US-ASCII text is read as Windows-1252. Text holding UTF-8
// keeps it and has its stray bytes replaced; text labelled UTF-8 is held to its label.
TEST(MimeCharsetFallback, UndeclaredEightBitTextWithoutUtf8IsWindows1252) {
  EXPECT_EQ(to_utf8("Empf\xE4nger gel\xF6scht", ""), "Empf\xC3\xA4nger gel\xC3\xB6scht");
  EXPECT_EQ(to_utf8("Preis: 5 \x80", "us-ascii"), "Preis: 5 \xE2\x82\xAC");
  EXPECT_EQ(to_utf8("caf\xC3\xA9 \xFF", ""), "caf\xC3\xA9 \xEF\xBF\xBD");
  EXPECT_EQ(to_utf8("caf\xE9", "utf-8"), "caf\xEF\xBF\xBD");
  Part part;
  part.transfer_encoding = "quoted-printable";
  part.raw_body = "Empf=E4nger unbekannt";
  EXPECT_EQ(decode_text(part), "Empf\xC3\xA4nger unbekannt");
  part.transfer_encoding = "8bit";
  part.raw_body = "Gr\xF6\xDF" "en";
  EXPECT_EQ(decode_text(part), "Gr\xC3\xB6\xC3\x9F" "en");
  EXPECT_EQ(decode_header_value("Angebote: Gr\xF6\xDF" "en"), "Angebote: Gr\xC3\xB6\xC3\x9F" "en");
}

TEST(MimeCharsetFallback, InvalidBytesInIcuCharsetsBecomeReplacements) {
  EXPECT_EQ(to_utf8("a\xA1" "b", "iso-8859-8"), "a\xEF\xBF\xBD" "b");
  EXPECT_EQ(to_utf8("\x82", "shift_jis"), "\xEF\xBF\xBD");
}

// Plain ASCII is copied without ICU only for charsets that read it as ASCII.
TEST(MimeCharsetAscii, AsciiCompatibleCharsetsKeepAsciiText) {
  const std::string_view ascii("Delivery failed\tto <a@b.example>\n\x01~+\x7F", 37);
  for (const char* charset : {"iso-8859-1", "windows-1252", "koi8-r", "gb2312", "big5", "euc-jp", "iso-2022-jp"}) {
    EXPECT_EQ(to_utf8(ascii, charset), ascii) << charset;
  }
}

TEST(MimeCharsetAscii, CharsetsWhoseAsciiBytesMeanOtherCharactersAreConverted) {
  EXPECT_EQ(to_utf8("a+AOk-", "utf-7"), "a\xC3\xA9");
  EXPECT_EQ(to_utf8("~{VP~}", "hz-gb-2312"), "\xE4\xB8\xAD");                  // 中
  EXPECT_EQ(to_utf8(std::string_view("\0A\0B", 4), "utf-16be"), "AB");
  EXPECT_EQ(to_utf8("\x40", "ibm-037"), " ");                                   // EBCDIC space
  EXPECT_EQ(to_utf8("\x1B$B$3$s\x1B(B", "iso-2022-jp"), "\xE3\x81\x93\xE3\x82\x93");  // escapes
  EXPECT_NE(to_utf8("a\x0E" "b\x0F", "iso-2022-kr"), "a\x0E" "b\x0F");           // shifts
  EXPECT_EQ(to_utf8("Windows-31J\x7F", "shift_jis"), "Windows-31J\x1A");       // its DEL is SUB
  EXPECT_EQ(to_utf8("ok \x82\xA0", "shift_jis"), "ok \xE3\x81\x82");            // ASCII, then あ
}

// Single-byte charsets go through a table of ICU's own decodings: ASCII runs, mapped and
// unmapped bytes, and a charset whose ASCII bytes are other letters.
TEST(MimeCharsetSingleByte, LongTextsDecodeByteByByteAsIcuDoes) {
  EXPECT_EQ(to_utf8("Gr\xFC\xDF" "e aus K\xF6ln, \x93zitiert\x94 \x80" "5 and a long ASCII tail", "windows-1252"),
            "Gr\xC3\xBC\xC3\x9F" "e aus K\xC3\xB6ln, \xE2\x80\x9Czitiert\xE2\x80\x9D \xE2\x82\xAC" "5 and a long ASCII tail");
  EXPECT_EQ(to_utf8("\xCF\xF0\xE8\xE2\xE5\xF2, world", "windows-1251"),
            "\xD0\x9F\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82, world");  // Привет
  EXPECT_EQ(to_utf8("\x81\x8D\x8F\x90\x9D", "windows-1252"), "\xC2\x81\xC2\x8D\xC2\x8F\xC2\x90\xC2\x9D");
  EXPECT_EQ(to_utf8("\xC8\x85\x93\x93\x96", "ibm-037"), "Hello");
  EXPECT_EQ(to_utf8("x-unknown text in cp1252: caf\xE9 cr\xE8me br\xFBl\xE9" "e", "x-unknown"),
            "x-unknown text in cp1252: caf\xC3\xA9 cr\xC3\xA8me br\xC3\xBBl\xC3\xA9" "e");
}

// ISO-2022-JP mail is ASCII around Japanese runs; the ASCII after each run's ESC ( B is copied and
// each run converted on its own, with the same text as one conversion of the whole.
TEST(MimeCharsetIso2022Jp, JapaneseRunsBetweenAsciiText) {
  EXPECT_EQ(to_utf8("Dear \x1B$B$3$s$K$A$O\x1B(B user, \x1B$B$\"$j$,$H$&\x1B(B!", "iso-2022-jp"),
            "Dear \xE3\x81\x93\xE3\x82\x93\xE3\x81\xAB\xE3\x81\xA1\xE3\x81\xAF user, "
            "\xE3\x81\x82\xE3\x82\x8A\xE3\x81\x8C\xE3\x81\xA8\xE3\x81\x86!");
  EXPECT_EQ(to_utf8("\x1B(J\\~\x1B(B\\~", "iso-2022-jp"), "\xC2\xA5\xE2\x80\xBE\\~");  // JIS Roman: ¥‾
  EXPECT_EQ(to_utf8("\x1B$B$3\n$3\x1B(B ok", "iso-2022-jp"), "\xE3\x81\x93\n$3 ok");     // a line break ends a run
  // An empty segment between two runs (adjacent encoded words) loses nothing: no U+FFFD for it.
  EXPECT_EQ(to_utf8("a\x1B$B$3\x1B(B\x1B$B$s\x1B(B" "b", "iso-2022-jp"), "a\xE3\x81\x93\xE3\x82\x93" "b");
  EXPECT_EQ(to_utf8("\x1B$B\x1B(Bx", "iso-2022-jp"), "x");
}

// Each run's ASCII is found by reading only up to the run's end: a text of many short runs stays
// linear (reading to the end of the text for each run took minutes on this one).
TEST(MimeCharsetIso2022Jp, ManyRunsStayLinear) {
  const size_t runs = 200000;
  std::string text;
  for (size_t i = 0; i < runs; ++i) text += "\x1B$B$3\x1B(Bx";
  const auto start = std::chrono::steady_clock::now();
  const std::string decoded = to_utf8(text, "iso-2022-jp");
  EXPECT_EQ(decoded.size(), runs * 4);  // "こx" per run
  EXPECT_EQ(decoded.substr(0, 8), "\xE3\x81\x93x\xE3\x81\x93x");
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(), 30.0);  // a hang guard, not a benchmark
}

// The names a charset is spelled with are remembered per converter; each still decodes.
TEST(MimeCharsetFallback, SpellingsOfOneCharsetDecodeAlike) {
  for (int round = 0; round < 2; ++round) {
    for (const char* charset : {"ISO-2022-JP", "iso-2022-jp", "csISO2022JP", "ISO_2022_JP"}) {
      EXPECT_EQ(to_utf8("\x1B$B$3$s\x1B(B", charset), "\xE3\x81\x93\xE3\x82\x93") << charset;
    }
  }
}

TEST(MimeCharsetFallback, ConvertersWorkOnManyThreads) {
  std::vector<std::thread> threads;
  std::vector<int> failures(4, 0);
  for (size_t t = 0; t < failures.size(); ++t) {
    threads.emplace_back([&failures, t] {
      for (int i = 0; i < 2000; ++i) {
        if (to_utf8("\x1B$B$3$s\x1B(B", "iso-2022-jp") != "\xE3\x81\x93\xE3\x82\x93") ++failures[t];
        if (to_utf8("\xE1", "koi8-r") != "\xD0\x90") ++failures[t];
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (int failed : failures) EXPECT_EQ(failed, 0);
}

TEST(MimeCharsetAppend, AppendsAfterWhatTheStringHolds) {
  std::string out = "notice: ";
  append_utf8("caf\xE9", "iso-8859-1", out);
  EXPECT_EQ(out, "notice: caf\xC3\xA9");
  append_utf8(" bad \xFF", "utf-8", out);
  EXPECT_EQ(out, "notice: caf\xC3\xA9 bad \xEF\xBF\xBD");
  bool known = true;
  append_utf8(" x", "no-such-charset", out, &known);
  EXPECT_FALSE(known);
  EXPECT_EQ(out, "notice: caf\xC3\xA9 bad \xEF\xBF\xBD x");
}

TEST(MimeDecodeText, TransferAndCharsetTogether) {
  Part part;
  part.content_type = parse_content_type("text/plain; charset=iso-2022-jp");
  part.transfer_encoding = "base64";
  part.raw_body = "GyRCR1s/Ljw6R1QbKEI=";
  EXPECT_EQ(decode_text(part), "\xE9\x85\x8D\xE4\xBF\xA1\xE5\xA4\xB1\xE6\x95\x97");  // 配信失敗
  Part plain;
  plain.raw_body = "no charset \xC3\xA9";
  EXPECT_EQ(decode_text(plain), "no charset \xC3\xA9");
  Part eight_bit;
  eight_bit.content_type = parse_content_type("text/plain; charset=iso-8859-1");
  eight_bit.transfer_encoding = "8bit";
  eight_bit.raw_body = "caf\xE9";
  EXPECT_EQ(decode_text(eight_bit), "caf\xC3\xA9");
}

// Quoted-printable and base64 text read as UTF-8 is decoded straight into the output and its
// invalid sequences replaced there, from where it starts: what the output held before, invalid
// or not, stays as it was.
TEST(MimeDecodeText, DecodedUtf8IsRepairedAfterWhatTheOutputHolds) {
  Part quoted;
  quoted.content_type = parse_content_type("text/plain; charset=UTF-8");
  quoted.transfer_encoding = "quoted-printable";
  quoted.raw_body = "caf=C3=A9 =FF and =E2=82 cut=\nend=F0=9F";
  std::string out = "held \xFF: ";
  append_decoded_text(quoted, out);
  EXPECT_EQ(out, "held \xFF: caf\xC3\xA9 \xEF\xBF\xBD and \xEF\xBF\xBD cutend\xEF\xBF\xBD");
  Part base64;
  base64.transfer_encoding = "base64";
  base64.raw_body = "w6kg/yBvaw==";  // "é \xFF ok", no charset: US-ASCII, read as UTF-8
  EXPECT_EQ(decode_text(base64), "\xC3\xA9 \xEF\xBF\xBD ok");
  Part valid;
  valid.content_type = parse_content_type("text/plain; charset=us-ascii");
  valid.transfer_encoding = "base64";
  valid.raw_body = "w6k=";
  out = "\xE2\x82";
  append_decoded_text(valid, out);
  EXPECT_EQ(out, "\xE2\x82\xC3\xA9");
  Part long_label;  // a label past the longest charset name is unknown: repaired UTF-8 too
  long_label.content_type.params = {{"charset", std::string(60, 'x')}};
  long_label.transfer_encoding = "quoted-printable";
  long_label.raw_body = "a=FFb";
  EXPECT_EQ(decode_text(long_label), "a\xEF\xBF\xBD" "b");
}

}  // namespace
}  // namespace bounceback::mime
