// Header blocks, line endings, RFC 2047 encoded words and Content-Type values.
#include <gtest/gtest.h>

#include <iterator>
#include <optional>
#include <string>

#include "mime/message.h"

namespace bounceback::mime {
namespace {

constexpr size_t kNoLimit = size_t{1} << 20;

TEST(MimeLineEndings, NoCarriageReturnIsZeroCopy) {
  const std::string_view in = "a\nb\n";
  std::string storage;
  const std::string_view out = normalize_line_endings(in, storage);
  EXPECT_EQ(out.data(), in.data());
  EXPECT_TRUE(storage.empty());
}

TEST(MimeLineEndings, CrlfAndBareCrBecomeLf) {
  std::string storage;
  EXPECT_EQ(normalize_line_endings("a\r\nb\rc\r\r\nd\r", storage), "a\nb\nc\n\nd\n");
  EXPECT_EQ(normalize_line_endings("\r\n\r\n", storage), "\n\n");
}

TEST(MimeHeaderBlock, FoldingDuplicatesAndBody) {
  const std::string_view text =
      "Received: from a\n\tby b\nReceived: from c\nX-Empty:\nSubject:\n  folded later\n\nbody\n";
  std::vector<std::string> warnings;
  const HeaderBlock block = parse_header_block(text, kNoLimit, &warnings);
  EXPECT_TRUE(warnings.empty());
  ASSERT_EQ(block.headers.fields().size(), 4u);
  EXPECT_EQ(block.headers.raw("received"), "from a\n\tby b");
  const FieldValues values = block.headers.raw_all("RECEIVED");
  const std::vector<std::string_view> received(values.begin(), values.end());
  EXPECT_EQ(received, (std::vector<std::string_view>{"from a\n\tby b", "from c"}));
  EXPECT_TRUE(block.headers.raw_all("Absent").empty());
  EXPECT_EQ(block.headers.raw("X-Empty"), "");
  EXPECT_EQ(block.headers.raw("Subject"), "folded later");
  EXPECT_EQ(block.headers.get("Received"), "from a by b");
  EXPECT_EQ(block.headers.get("Absent"), "");
  EXPECT_FALSE(block.headers.has("Absent"));
  EXPECT_EQ(block.body, "body\n");
}

TEST(MimeHeaderBlock, EmptyValueStartsAtTheFirstContinuationWithText) {
  const HeaderBlock block = parse_header_block("X-A:\n \t\n\tlater\n  on\nX-B:  \nX-C: c\n\n", kNoLimit, nullptr);
  ASSERT_EQ(block.headers.fields().size(), 3u);
  EXPECT_EQ(block.headers.raw("X-A"), "later\n  on");
  EXPECT_EQ(block.headers.raw("X-B"), "");
  EXPECT_EQ(block.headers.raw("X-C"), "c");
}

TEST(MimeHeaderBlock, NamesOfEqualLengthAreToldApart) {
  const HeaderBlock block =
      parse_header_block("Content-Base: x\nCONTENT-TYPE: text/html\ncontent-typf: y\n\n", kNoLimit, nullptr);
  EXPECT_EQ(block.headers.raw("Content-Type"), "text/html");
  EXPECT_EQ(block.headers.raw("content-base"), "x");
  EXPECT_FALSE(block.headers.has("Content-Typ"));
  EXPECT_FALSE(block.headers.has("Content-Types"));
  EXPECT_FALSE(block.headers.has(""));
}

// Names of eight bytes or more are compared a word at a time, case folded only for letters: a
// difference in any word, the overlapping last one included, tells them apart, and bytes that
// differ only in the case bit but are not letters ('[' and '{', '@' and '`') differ.
TEST(MimeHeaderBlock, LongNamesAreComparedAWordAtATime) {
  const std::string name = "X-Original-Recipient-Address";
  const std::string text = name + ": a\nX-Mailer[: b\nX-Mailer@Host: c\n\n";
  const HeaderBlock block = parse_header_block(text, kNoLimit, nullptr);
  EXPECT_EQ(block.headers.raw("x-original-recipient-address"), "a");
  EXPECT_EQ(block.headers.raw("X-ORIGINAL-RECIPIENT-ADDRESS"), "a");
  for (size_t at = 0; at < name.size(); ++at) {
    std::string other = name;
    other[at] = 'q';  // a letter the name does not hold, in either case
    EXPECT_FALSE(block.headers.has(other)) << other;
  }
  EXPECT_EQ(block.headers.raw("x-mailer["), "b");
  EXPECT_FALSE(block.headers.has("X-Mailer{"));
  EXPECT_EQ(block.headers.raw("x-mailer@host"), "c");
  EXPECT_FALSE(block.headers.has("X-Mailer`Host"));
}

// A lookup of a name no field has is answered from the names' lengths and first bytes without a
// walk over the fields; a field that has the name, in any case, is still found. Every length and
// first byte (letters in both cases, the non-letters that differ from others in the case bit only)
// is looked up and checked against a walk.
TEST(MimeHeaderBlock, LookupsAgreeWithAWalkForEveryLengthAndFirstByte) {
  const HeaderBlock block = parse_header_block(
      "Received: a\nreceived: b\nX-SES-Outgoing: c\nTo: d\n@Odd: e\n[x: f\nContent-Type: g\n\n", kNoLimit, nullptr);
  const auto walk = [&](std::string_view name) {
    for (const HeaderField& field : block.headers.fields()) {
      if (util::iequals(field.name, name)) return std::optional<std::string_view>(field.value);
    }
    return std::optional<std::string_view>();
  };
  for (const char first : std::string_view("rRxXtTcC@`[{-0")) {
    for (size_t length = 1; length <= 40; ++length) {
      for (const std::string& name : {std::string(1, first) + std::string(length - 1, 'o'),
                                      std::string(1, first) + std::string("eceived").substr(0, length - 1)}) {
        EXPECT_EQ(block.headers.raw(name), walk(name)) << name;
        EXPECT_EQ(block.headers.raw_all(name).empty(), !walk(name)) << name;
      }
    }
  }
  EXPECT_EQ(block.headers.raw("x-ses-outgoing"), "c");
  EXPECT_EQ(block.headers.raw("RECEIVED"), "a");
  EXPECT_EQ(block.headers.raw("@odd"), "e");
  EXPECT_FALSE(block.headers.has("`odd"));
  EXPECT_FALSE(block.headers.has("{x"));
  const FieldValues received = block.headers.raw_all("Received");
  EXPECT_EQ(std::distance(received.begin(), received.end()), 2);
  EXPECT_FALSE(Headers().has("Received"));
  EXPECT_FALSE(Headers().has(""));
}

// The scanner notes the first Content-Type and Content-Transfer-Encoding, in any case, whose
// values include the lines that continue them.
TEST(MimeHeaderBlock, FirstMimeFieldsAreNoted) {
  const HeaderBlock block = parse_header_block(
      "Subject: x\ncontent-transfer-encoding: base64\nCONTENT-TYPE: multipart/mixed;\nboundary=b\n"
      "Content-Type: text/plain\nContent-Transfer-Encoding: 7bit\n\n",
      kNoLimit, nullptr);
  ASSERT_TRUE(block.content_type && block.transfer_encoding);
  EXPECT_EQ(block.headers.fields()[*block.content_type].value, "multipart/mixed;\nboundary=b");
  EXPECT_EQ(block.headers.fields()[*block.transfer_encoding].value, "base64");
  const HeaderBlock none = parse_header_block("Subject: x\nContent-Typ: y\n\n", kNoLimit, nullptr);
  EXPECT_FALSE(none.content_type);
  EXPECT_FALSE(none.transfer_encoding);
}

TEST(MimeHeaderBlock, LineWithoutColonEndsTheBlock) {
  std::vector<std::string> warnings;
  const HeaderBlock block = parse_header_block("To: a@b.c\nThis is the mail system\nmore\n", kNoLimit, &warnings);
  EXPECT_EQ(block.headers.fields().size(), 1u);
  EXPECT_EQ(block.body, "This is the mail system\nmore\n");
  ASSERT_EQ(warnings.size(), 1u);
}

TEST(MimeHeaderBlock, NoHeadersMeansTheWholeTextIsBody) {
  const HeaderBlock block = parse_header_block("  indented first line\n", kNoLimit, nullptr);
  EXPECT_TRUE(block.headers.empty());
  EXPECT_EQ(block.body, "  indented first line\n");
  EXPECT_TRUE(parse_header_block("", kNoLimit, nullptr).headers.empty());
  EXPECT_EQ(parse_header_block("\nbody", kNoLimit, nullptr).body, "body");
}

TEST(MimeHeaderBlock, MboxSeparatorAndObsoleteSyntax) {
  const HeaderBlock block =
      parse_header_block("From MAILER-DAEMON Tue Mar  4 09:15:02 2025\nSubject : hi\n\nbody", kNoLimit, nullptr);
  ASSERT_EQ(block.headers.fields().size(), 1u);
  EXPECT_EQ(block.headers.fields()[0].name, "Subject");
  EXPECT_EQ(block.headers.raw("Subject"), "hi");
  // "From :" with a blank before the colon is a field, not an mbox separator.
  EXPECT_EQ(parse_header_block("From : a@b.c\n\n", kNoLimit, nullptr).headers.raw("From"), "a@b.c");
}

TEST(MimeHeaderBlock, EightBitBytesAreKept) {
  const HeaderBlock block = parse_header_block("Subject: caf\xE9\n\n", kNoLimit, nullptr);
  EXPECT_EQ(block.headers.raw("Subject"), "caf\xE9");
  EXPECT_EQ(block.headers.get("Subject"), "caf\xC3\xA9");  // not UTF-8: read as Windows-1252
  // Each word is read on its own: one with UTF-8 in it has its stray byte replaced.
  const HeaderBlock mixed = parse_header_block("Subject: caf\xC3\xA9\xFF gr\xFC\xDF\n\n", kNoLimit, nullptr);
  EXPECT_EQ(mixed.headers.get("Subject"), "caf\xC3\xA9\xEF\xBF\xBD gr\xC3\xBC\xC3\x9F");
}

TEST(MimeHeaderBlock, LimitCutsTheBlock) {
  std::vector<std::string> warnings;
  const HeaderBlock block = parse_header_block("A: 1\nB: 123456789\nC: 3\n\nbody", 12, &warnings);
  EXPECT_EQ(block.headers.raw("A"), "1");
  EXPECT_EQ(block.headers.raw("B"), "1234");
  EXPECT_FALSE(block.headers.has("C"));
  EXPECT_EQ(block.body, "body");
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("truncated"), std::string::npos);
}

TEST(MimeHeaderBlock, UnindentedParameterOnlyAfterContentType) {
  std::vector<std::string> warnings;
  const HeaderBlock joined =
      parse_header_block("Content-Type: multipart/mixed;\nboundary=\"a:b\"\n\n", kNoLimit, &warnings);
  EXPECT_EQ(joined.headers.raw("Content-Type"), "multipart/mixed;\nboundary=\"a:b\"");
  EXPECT_EQ(parse_content_type(*joined.headers.raw("Content-Type")).param("boundary"), "a:b");
  EXPECT_EQ(warnings.size(), 1u);
  // Only a line whose name bytes hold an '=' may be a parameter: the fields after a Content-Type
  // stay fields, even with an '=' in their value, and a long parameter name is still joined.
  const HeaderBlock fields = parse_header_block(
      "Content-Type: text/plain\nX-Note: a=b\nContent-Type: multipart/report;\nreport-type=delivery-status\n"
      "Content-Transfer-Encoding: 7bit\n\n",
      kNoLimit, nullptr);
  ASSERT_EQ(fields.headers.fields().size(), 4u);
  EXPECT_EQ(fields.headers.raw("X-Note"), "a=b");
  EXPECT_EQ(fields.headers.fields()[2].value, "multipart/report;\nreport-type=delivery-status");
  EXPECT_EQ(fields.headers.raw("Content-Transfer-Encoding"), "7bit");
  const HeaderBlock not_joined = parse_header_block("Subject: x\nboundary=\"y\"\n\n", kNoLimit, nullptr);
  EXPECT_EQ(not_joined.headers.raw("Subject"), "x");
  EXPECT_EQ(not_joined.body, "boundary=\"y\"\n\n");
}

TEST(MimeEncodedWords, Utf8Base64) {
  EXPECT_EQ(decode_header_value("=?UTF-8?B?w6l0w6k=?="), "\xC3\xA9t\xC3\xA9");
}

TEST(MimeEncodedWords, Iso2022JpBase64) {
  EXPECT_EQ(decode_header_value("=?ISO-2022-JP?B?GyRCJDMkcyRLJEEkTxsoQg==?="),
            "\xE3\x81\x93\xE3\x82\x93\xE3\x81\xAB\xE3\x81\xA1\xE3\x81\xAF");  // こんにちは
}

TEST(MimeEncodedWords, Latin1QuotedWithUnderscores) {
  EXPECT_EQ(decode_header_value("=?iso-8859-1?q?Caf=E9_cr=e8me=5F?="), "Caf\xC3\xA9 cr\xC3\xA8me_");
}

TEST(MimeEncodedWords, AdjacentWordsJoinWithoutTheSpaceBetween) {
  EXPECT_EQ(decode_header_value("=?utf-8?q?a?= =?utf-8?q?b?=\n\t=?utf-8?q?c?="), "abc");
  // A character split across two words: bytes are joined before conversion.
  EXPECT_EQ(decode_header_value("=?UTF-8?B?4oA=?= =?UTF-8?B?kw==?="), "\xE2\x80\x93");
  EXPECT_EQ(decode_header_value("=?utf-8?q?a?= =?iso-8859-1?q?=E9?="), "a\xC3\xA9");
}

TEST(MimeEncodedWords, TextAroundWordsKeepsItsSpaces) {
  EXPECT_EQ(decode_header_value("  Re: =?utf-8?q?caf=C3=A9?= ok  "), "Re: caf\xC3\xA9 ok");
  EXPECT_EQ(decode_header_value("Undelivered\n Mail\n\tReturned"), "Undelivered Mail Returned");
  EXPECT_EQ(decode_header_value("\"=?utf-8?q?J=C3=BCrgen?=\" <j@x.y>"), "\"J\xC3\xBCrgen\" <j@x.y>");
}

TEST(MimeEncodedWords, PlainValuesAreTrimmedAndRepaired) {
  EXPECT_EQ(decode_header_value(" \t Delivery  Status\tNotification \r"), "Delivery  Status\tNotification");
  EXPECT_EQ(decode_header_value("caf\xE9 ok"), "caf\xC3\xA9 ok");
  EXPECT_EQ(decode_header_value("\xC3\xA9t\xE9"), "\xC3\xA9t\xEF\xBF\xBD");
  EXPECT_EQ(decode_header_value("a = b ?= c"), "a = b ?= c");
  EXPECT_EQ(decode_header_value("   "), "");
}

// Plain printable ASCII is told eight bytes at a time: any '=', control or 8-bit byte, in either
// part of the value, sends it the long way.
TEST(MimeEncodedWords, PlainValuesOfEveryLengthAroundAWord) {
  const std::string plain = "Undelivered Mail Returned to Sender";
  for (size_t length = 1; length <= plain.size(); ++length) {
    std::string storage;
    const std::string_view value = std::string_view(plain).substr(0, length);
    EXPECT_EQ(decode_header_value(value, storage).data(), value.data()) << value;
    for (const std::string_view word : {"=?utf-8?q?=C3=A9?=", "\xC3\xA9", "\xE9"}) {
      const std::string mixed = std::string(value) + std::string(word) + std::string(value);
      const std::string decoded = decode_header_value(mixed);
      EXPECT_NE(decoded.find("\xC3\xA9"), std::string::npos) << mixed;
    }
  }
}

// The bytes after the last whole word are checked with an overlapping word: an 8-bit byte or a
// control at the very end of a value of any length still sends it the long way.
TEST(MimeEncodedWords, TheLastByteOfAValueOfAnyLengthCounts) {
  const std::string plain = "Undelivered-Mail-Returned-to-Sender";
  for (size_t length = 1; length <= plain.size(); ++length) {
    const std::string value = plain.substr(0, length);
    EXPECT_EQ(decode_header_value(value + "\xE9"), value + "\xC3\xA9") << length;
    EXPECT_EQ(decode_header_value(value + "\n x"), value + " x") << length;
    EXPECT_EQ(decode_header_value(value + "="), value + "=") << length;
  }
}

// The plain-ASCII test takes two byte ranges a word: each 8-bit byte and the line break, in any
// position of a value of two or three words, still sends it the long way (repaired, unfolded).
TEST(MimeEncodedWords, EveryBytePastThePrintableRangesAtAnyPosition) {
  for (const size_t length : {16U, 19U}) {
    for (size_t pos = 1; pos + 1 < length; ++pos) {
      for (int byte = 0x80; byte <= 0xFF; ++byte) {
        std::string value(length, 'x');
        value[pos] = static_cast<char>(byte);
        // Raw 8-bit header text with no UTF-8 in it is read as Windows-1252.
        std::string as_windows1252;
        append_utf8(std::string(1, static_cast<char>(byte)), "windows-1252", as_windows1252);
        const std::string expected = std::string(pos, 'x') + as_windows1252 + std::string(length - pos - 1, 'x');
        EXPECT_EQ(decode_header_value(value), expected) << pos << " " << byte;
      }
      std::string folded(length, '~');
      folded[pos] = '\n';
      EXPECT_EQ(decode_header_value(folded), std::string(pos, '~') + " " + std::string(length - pos - 1, '~')) << pos;
    }
  }
}

TEST(MimeEncodedWords, MalformedWordsStayAsWritten) {
  EXPECT_EQ(decode_header_value("=?utf-8?x?abc?="), "=?utf-8?x?abc?=");
  EXPECT_EQ(decode_header_value("=?utf-8?q?unterminated"), "=?utf-8?q?unterminated");
  EXPECT_EQ(decode_header_value("=??q?a?="), "=??q?a?=");
  EXPECT_EQ(decode_header_value("a =?= b"), "a =?= b");
  EXPECT_EQ(decode_header_value("=?"), "=?");
}

TEST(MimeEncodedWords, LanguageSuffixAndUnknownCharset) {
  EXPECT_EQ(decode_header_value("=?utf-8*en?q?hi?="), "hi");
  EXPECT_EQ(decode_header_value("=?x-no-such-charset?q?hi=FF?="), "hi\xEF\xBF\xBD");
}

TEST(MimeEncodedWords, LongRunsAreLinear) {
  std::string value;
  for (int i = 0; i < 200000; ++i) value += "=?utf-8?B?w6k=?= ";
  const std::string decoded = decode_header_value(value);
  EXPECT_EQ(decoded.size(), 400000u);
}

TEST(MimeContentType, TypeSubtypeAndParameters) {
  const ContentType ct = parse_content_type(
      " Multipart/Report ; Report-Type=delivery-status;\n\tboundary=\"Ab\\\"C=;d\" (comment) ; x=1");
  EXPECT_TRUE(ct.is("multipart", "report"));
  EXPECT_EQ(ct.param("report-type"), "delivery-status");
  EXPECT_EQ(ct.param("BOUNDARY"), "Ab\"C=;d");
  EXPECT_EQ(ct.param("x"), "1");
  EXPECT_EQ(ct.param("absent"), "");
}

// Plain quoted values are read in place and escaped or folded ones rebuilt: each parameter keeps
// its own value whatever the ones before and after it were.
TEST(MimeContentType, EscapedAndPlainQuotedValuesInAnyOrder) {
  const ContentType ct = parse_content_type(
      "text/plain; a=\"x\\\"y\"; b=\"plain\"; c=\"p\\\\q\"; d=\"fol\n ded\"; e=bare; f=\"last\\\"\"");
  EXPECT_EQ(ct.param("a"), "x\"y");
  EXPECT_EQ(ct.param("b"), "plain");
  EXPECT_EQ(ct.param("c"), "p\\q");
  EXPECT_EQ(ct.param("d"), "fol ded");
  EXPECT_EQ(ct.param("e"), "bare");
  EXPECT_EQ(ct.param("f"), "last\"");
  const ContentType rfc2231 = parse_content_type("text/plain; n*0=\"a\\\"b\"; n*1=\"c\"; m=\"d\\\\e\"");
  EXPECT_EQ(rfc2231.param("n"), "a\"bc");
  EXPECT_EQ(rfc2231.param("m"), "d\\e");
}

TEST(MimeContentType, GarbageMeansTextPlain) {
  EXPECT_TRUE(parse_content_type("").is("text", "plain"));
  EXPECT_TRUE(parse_content_type("text").is("text", "plain"));
  EXPECT_TRUE(parse_content_type(";;;==\"").is("text", "plain"));
  EXPECT_EQ(parse_content_type("text; charset=utf-8").param("charset"), "utf-8");
}

TEST(MimeContentType, ForgivingParameterSyntax) {
  EXPECT_EQ(parse_content_type("text/plain charset=utf-8").param("charset"), "utf-8");
  EXPECT_EQ(parse_content_type("text/plain; charset = \"utf-8\"").param("charset"), "utf-8");
  EXPECT_EQ(parse_content_type("text/plain; charset=us-ascii (Plain text)").param("charset"), "us-ascii");
  EXPECT_EQ(parse_content_type("multipart/mixed; boundary=\"unclosed").param("boundary"), "unclosed");
  EXPECT_EQ(parse_content_type("text/plain; =x; junk; name=ok").param("name"), "ok");
}

TEST(MimeContentType, Rfc2231ContinuationsAndCharsets) {
  const ContentType ct = parse_content_type(
      "application/pdf; title*1*=%20fun; title*0*=us-ascii'en'This%20is; "
      "name*0=\"long \"; name*1=file.pdf; name=\"fallback.pdf\"; "
      "filename*=UTF-8''r%C3%A9sum%C3%A9.pdf; label*=iso-8859-1''caf%E9");
  EXPECT_EQ(ct.param("title"), "This is fun");
  EXPECT_EQ(ct.param("name"), "long file.pdf");
  EXPECT_EQ(ct.param("filename"), "r\xC3\xA9sum\xC3\xA9.pdf");
  EXPECT_EQ(ct.param("label"), "caf\xC3\xA9");
}

TEST(MimeHeaderBlock, FieldNamesOfEveryLengthAroundAWord) {
  // Names are read eight bytes at a time: each length from 1 to 17 ends at its colon.
  for (size_t length = 1; length <= 17; ++length) {
    const std::string name(length, 'N');
    const std::string text = name + ": v\n\nbody";
    const HeaderBlock block = parse_header_block(text, kNoLimit, nullptr);
    ASSERT_EQ(block.headers.fields().size(), 1u) << length;
    EXPECT_EQ(block.headers.fields()[0].name, name);
    EXPECT_EQ(block.headers.fields()[0].value, "v");
    EXPECT_EQ(block.body, "body");
  }
}

TEST(MimeHeaderBlock, BytesOutsideNamesEndTheBlockAtAnyPosition) {
  // A space, a control byte, DEL or an 8-bit byte inside a name makes the line not a field.
  for (const char bad : {' ', '\x01', '\x7F', '\xE9'}) {
    for (size_t at = 0; at < 12; ++at) {
      std::string line = "X-Long-Field-Name";
      line[at] = bad;
      const std::string text = "A: 1\n" + line + ": v\n\n";
      const HeaderBlock block = parse_header_block(text, kNoLimit, nullptr);
      EXPECT_EQ(block.headers.fields().size(), 1u) << int(bad) << " at " << at;
    }
  }
}

// Name bytes run from '!' to '~' but ':': the edges of that range and the colon's neighbours (and
// the colon with the high bit set) at every position of a name, within a word and in the bytes
// after the last whole one.
TEST(MimeHeaderBlock, EdgesOfTheNameByteRangeAtAnyPosition) {
  for (size_t at = 0; at < 17; ++at) {
    for (const char kept : {'!', '~', '9', ';'}) {
      std::string name = "X-Long-Field-Name";
      name[at] = kept;
      const std::string text = name + ": v\n\n";
      const HeaderBlock block = parse_header_block(text, kNoLimit, nullptr);
      ASSERT_EQ(block.headers.fields().size(), 1u) << name;
      EXPECT_EQ(block.headers.fields()[0].name, name);
    }
    for (const char bad : {'\0', '\x1F', '\x80', '\xBA', '\xFF'}) {
      std::string name = "X-Long-Field-Name";
      name[at] = bad;
      const std::string text = "A: 1\n" + name + ": v\n\n";
      const HeaderBlock block = parse_header_block(text, kNoLimit, nullptr);
      EXPECT_EQ(block.headers.fields().size(), 1u) << int(bad) << " at " << at;
    }
  }
}

TEST(MimeContentType, PlainParametersKeepTheFirstValueOfAName) {
  const ContentType ct = parse_content_type("text/plain; CHARSET=utf-8; charset=latin1; *x=1; format=flowed");
  ASSERT_EQ(ct.params.size(), 3u);
  EXPECT_EQ(ct.params[0].first, "charset");
  EXPECT_EQ(ct.param("charset"), "utf-8");
  EXPECT_EQ(ct.param("*x"), "1");
  EXPECT_EQ(ct.param("format"), "flowed");
}

TEST(MimeContentType, Rfc2231AfterPlainParametersKeepsTheirOrder) {
  const ContentType ct = parse_content_type("application/pdf; a=1; name=\"plain.pdf\"; name*=utf-8''r%C3%A9.pdf; b=\"x\\\"y\"");
  ASSERT_EQ(ct.params.size(), 3u);
  EXPECT_EQ(ct.params[0].first, "a");
  EXPECT_EQ(ct.params[1].first, "name");
  EXPECT_EQ(ct.param("name"), "r\xC3\xA9.pdf");
  EXPECT_EQ(ct.param("b"), "x\"y");
}

TEST(MimeContentType, NamesOfEveryLengthAreLowerCased) {
  // Lower-cased a byte at a time below eight bytes, in words (the last overlapping) from eight on.
  for (size_t length = 1; length <= 17; ++length) {
    std::string name;
    for (size_t i = 0; i < length; ++i) name.push_back(i % 2 == 0 ? static_cast<char>('A' + i) : '-');
    std::string lower = name;
    for (char& c : lower) c = util::ascii_lower(c);
    const ContentType ct = parse_content_type(name + "/" + name + "; " + name + "=v");
    EXPECT_EQ(ct.type, lower) << length;
    EXPECT_EQ(ct.subtype, lower) << length;
    ASSERT_EQ(ct.params.size(), 1u) << length;
    EXPECT_EQ(ct.params[0].first, lower) << length;
  }
}

TEST(MimeContentType, ReadIntoAPartsOwnIsLikeParsed) {
  for (const std::string_view value : {"Text/HTML; Charset=UTF-8", "", "multipart/mixed; a*0=x; a*1=y; b=1"}) {
    ContentType read;
    read_content_type(value, read);
    const ContentType parsed = parse_content_type(value);
    EXPECT_EQ(read.type, parsed.type) << value;
    EXPECT_EQ(read.subtype, parsed.subtype) << value;
    EXPECT_EQ(read.params, parsed.params) << value;
  }
}

TEST(MimeContentType, HostileParameterCountsAreBounded) {
  std::string value = "text/plain";
  for (int i = 0; i < 100000; ++i) value += "; p" + std::to_string(i) + "*" + std::to_string(i % 1000) + "=x";
  const ContentType ct = parse_content_type(value);
  EXPECT_LE(ct.params.size(), 100u);
}

}  // namespace
}  // namespace bounceback::mime
