// The MIME tree: real report shapes, broken MIME recovered from, hostile sizes cut at the limits.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <optional>
#include <random>
#include <sstream>

#include "mime/message.h"

namespace bounceback::mime {
namespace {

std::string read_fixture(const std::string& name) {
  std::ifstream in(std::string(BOUNCEBACK_FIXTURES) + "/mime/" + name, std::ios::binary);
  EXPECT_TRUE(in) << name;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// "multipart/report(text/plain,message/rfc822(text/plain))": the tree in one comparable line.
std::string describe(const Message& message, int index = 0) {
  const Part& part = message.parts[static_cast<size_t>(index)];
  std::string out = part.content_type.type + "/" + part.content_type.subtype;
  if (part.children.empty()) return out;
  out += "(";
  for (size_t i = 0; i < part.children.size(); ++i) {
    if (i > 0) out += ",";
    out += describe(message, part.children[i]);
  }
  return out + ")";
}

bool has_warning(const Message& message, std::string_view needle) {
  for (const std::string& warning : message.warnings) {
    if (warning.find(needle) != std::string::npos) return true;
  }
  return false;
}

std::string replace_all(std::string text, std::string_view from, std::string_view to) {
  for (size_t pos = text.find(from); pos != std::string::npos; pos = text.find(from, pos + to.size())) {
    text.replace(pos, from.size(), to);
  }
  return text;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

TEST(MimeMessage, PostfixReportTreeAndParts) {
  const std::string text = read_fixture("postfix_dsn.eml");
  const Message message = parse_message(text, Limits{});
  EXPECT_EQ(describe(message),
            "multipart/report(text/plain,message/delivery-status,"
            "message/rfc822(multipart/alternative(text/plain,text/html)))");
  EXPECT_TRUE(message.warnings.empty()) << message.warnings.front();
  ASSERT_EQ(message.parts.size(), 7u);

  const Part& root = message.root();
  EXPECT_EQ(root.headers.get("Subject"), "Undelivered Mail Returned to Sender");
  EXPECT_EQ(root.content_type.param("report-type"), "delivery-status");
  EXPECT_EQ(root.content_type.param("boundary"), "4Z7Q2k0QzBz9sT3.1741079702/mx1.example.net");
  EXPECT_EQ(root.transfer_encoding, "8bit");

  const Part& notification = message.parts[1];
  EXPECT_EQ(notification.depth, 1);
  EXPECT_EQ(notification.parent, 0);
  EXPECT_TRUE(notification.raw_body.starts_with("This is the mail system"));
  EXPECT_TRUE(notification.raw_body.ends_with("(in reply to RCPT TO command)\n"));

  const Part& status = message.parts[2];
  EXPECT_TRUE(status.raw_body.starts_with("Reporting-MTA: dns; mx1.example.net\n"));
  EXPECT_TRUE(status.raw_body.ends_with("virtual mailbox table\n"));

  const Part& embedded = message.parts[4];
  EXPECT_EQ(embedded.depth, 2);
  EXPECT_EQ(embedded.parent, 3);
  EXPECT_EQ(embedded.headers.get("Subject"), "Spring sale \xE2\x80\x93 20 % off");
  EXPECT_EQ(embedded.headers.get("Message-ID"), "<c0ffee.1741079700@shop.example>");

  const Part& plain = message.parts[5];
  EXPECT_EQ(plain.depth, 3);
  EXPECT_EQ(plain.transfer_encoding, "quoted-printable");
  EXPECT_EQ(decode_text(plain), "Spring sale \xE2\x80\x93 everything must go.\n");
}

TEST(MimeMessage, NestedMixedAlternativeIgnoresPreambleAndEpilogue) {
  const std::string text = read_fixture("nested_mixed.eml");
  const Message message = parse_message(text, Limits{});
  // The inner boundary starts with the outer one: the outer must not split on inner lines.
  EXPECT_EQ(describe(message), "multipart/mixed(multipart/alternative(text/plain,text/html),application/pdf)");
  EXPECT_TRUE(message.warnings.empty());
  EXPECT_EQ(decode_text(message.parts[2]), "Caf\xC3\xA9 r\xC3\xA9sum\xC3\xA9");
  EXPECT_EQ(message.parts[3].raw_body, "<p>Caf&eacute;</p>");
  EXPECT_EQ(decode_transfer(message.parts[4].raw_body, message.parts[4].transfer_encoding).substr(0, 8),
            "%PDF-1.4");
  EXPECT_EQ(message.parts[4].content_type.param("name"), "report.pdf");
}

TEST(MimeMessage, Base64EmbeddedMessageIsDecodedAndParsed) {
  const std::string text = read_fixture("rfc822_base64.eml");
  const Message message = parse_message(text, Limits{});
  EXPECT_EQ(describe(message),
            "multipart/report(text/plain,message/delivery-status,message/rfc822(multipart/mixed(text/plain,text/csv)))");
  EXPECT_TRUE(has_warning(message, "base64"));
  const Part& embedded = message.parts[4];
  EXPECT_EQ(embedded.headers.get("Message-ID"), "<order-1234@shop.example>");
  // The decoded message had CRLF line ends; they are normalised like the input's.
  EXPECT_EQ(message.parts[6].raw_body, "sku,qty\nA-1,2");
}

TEST(MimeMessage, ViewsSurviveMovesAndCopies) {
  const std::string text = read_fixture("rfc822_base64.eml");
  Message moved = parse_message(text, Limits{});
  Message copy = moved;
  const Message target = std::move(moved);
  EXPECT_EQ(target.parts[4].headers.get("Subject"), "Order 1234");
  EXPECT_EQ(copy.parts[5].raw_body, "Your order has shipped.");
}

TEST(MimeMessage, CrlfAndBareCrGiveTheSameTree) {
  const std::string lf = read_fixture("postfix_dsn.eml");
  const Message expected = parse_message(lf, Limits{});
  for (std::string_view ending : {"\r\n", "\r"}) {
    const std::string text = replace_all(lf, "\n", ending);
    const Message message = parse_message(text, Limits{});
    EXPECT_EQ(describe(message), describe(expected));
    ASSERT_EQ(message.parts.size(), expected.parts.size());
    for (size_t i = 0; i < message.parts.size(); ++i) {
      EXPECT_EQ(message.parts[i].raw_body, expected.parts[i].raw_body) << "part " << i;
    }
    EXPECT_EQ(message.parts[4].headers.get("Subject"), expected.parts[4].headers.get("Subject"));
  }
}

TEST(MimeMessage, MissingClosingBoundaryRunsLastPartToTheEnd) {
  const std::string text = read_fixture("missing_closing_boundary.eml");
  const Message message = parse_message(text, Limits{});
  EXPECT_EQ(describe(message), "multipart/report(text/plain,message/delivery-status,text/rfc822-headers)");
  EXPECT_TRUE(has_warning(message, "closing boundary missing"));
  EXPECT_EQ(message.parts[3].raw_body, "From: news@shop.example\nSubject: Hello\n");
}

TEST(MimeMessage, UnindentedBoundaryLineIsJoinedToContentType) {
  const std::string text = read_fixture("office365_unindented_boundary.eml");
  const Message message = parse_message(text, Limits{});
  EXPECT_EQ(describe(message),
            "multipart/report(multipart/alternative(text/plain,text/html),message/delivery-status,"
            "text/rfc822-headers)");
  EXPECT_TRUE(has_warning(message, "unindented"));
  EXPECT_EQ(message.root().headers.get("MIME-Version"), "1.0");
}

TEST(MimeMessage, UnquotedBoundaryAndWrongCaseNames) {
  const std::string text = read_fixture("unquoted_boundary_wrong_case.eml");
  const Message message = parse_message(text, Limits{});
  EXPECT_EQ(describe(message), "multipart/report(text/plain,message/delivery-status)");
  EXPECT_EQ(message.root().content_type.param("boundary"), "----=_NextPart_000_0012_01DA6F2B.5C3B1E20");
  EXPECT_EQ(message.root().headers.get("subject"), "failure notice");
  EXPECT_EQ(message.parts[1].content_type.param("charset"), "US-ASCII");
}

TEST(MimeMessage, DelimiterLinesMayCarryTrailingBlanks) {
  const std::string text =
      "Content-Type: multipart/mixed; boundary=b\n\n--b \t\nContent-Type: text/plain\n\none\n--b--  \n";
  const Message message = parse_message(text, Limits{});
  EXPECT_EQ(describe(message), "multipart/mixed(text/plain)");
  EXPECT_EQ(message.parts[1].raw_body, "one");
  EXPECT_TRUE(message.warnings.empty());
}

TEST(MimeMessage, DelimiterMustBeAWholeLine) {
  const std::string text =
      "Content-Type: multipart/mixed; boundary=b\n\n--b\n\nsee --b inline\n--bx is not it\n--b--\n";
  const Message message = parse_message(text, Limits{});
  ASSERT_EQ(message.parts.size(), 2u);
  EXPECT_EQ(message.parts[1].raw_body, "see --b inline\n--bx is not it");
}

// Delimiters are found from their dashes: dashes inside lines, runs of them and boundaries that
// themselves start with dashes ("----=_Part") must neither hide a delimiter nor fake one.
TEST(MimeMessage, DashesInTheBodyAroundDelimiters) {
  const std::string text =
      "Content-Type: multipart/mixed; boundary=\"----=_Part_1\"\n\n"
      "------=_Part_1\n\n-----Original Message-----\nre-sent x------=_Part_1\n-------=_Part_1\n"
      "--------\n------=_Part_1\n\nQUJD-\n------=_Part_1--\n";
  const Message message = parse_message(text, Limits{});
  ASSERT_EQ(describe(message), "multipart/mixed(text/plain,text/plain)");
  EXPECT_EQ(message.parts[1].raw_body,
            "-----Original Message-----\nre-sent x------=_Part_1\n-------=_Part_1\n--------");
  EXPECT_EQ(message.parts[2].raw_body, "QUJD-");
  EXPECT_TRUE(message.warnings.empty());
}

TEST(MimeMessage, DelimitersAtTheEdgesOfTheBody) {
  // Lines of dashes, a cut-off delimiter and a closing one without a line break at the very end.
  const std::string text =
      "Content-Type: multipart/mixed; boundary=part\n\n--part\n\n-\n--\n--par\n--part\n\ntwo\n--part--";
  const Message message = parse_message(text, Limits{});
  ASSERT_EQ(message.parts.size(), 3u);
  EXPECT_EQ(message.parts[1].raw_body, "-\n--\n--par");
  EXPECT_EQ(message.parts[2].raw_body, "two");
  EXPECT_TRUE(message.warnings.empty());

  const Message cut =
      parse_message("Content-Type: multipart/mixed; boundary=part\n\n--part\n\none\n--par", Limits{});
  ASSERT_EQ(cut.parts.size(), 2u);
  EXPECT_EQ(cut.parts[1].raw_body, "one\n--par");
}

// Delimiters of a long boundary are searched for by skipping ahead (Boyer-Moore-Horspool),
// those of a short one by its dashes: boundaries whose last byte recurs in them, near misses that
// share their last byte, and a boundary longer than the skip table (255 bytes) must all be found
// exactly where they are, by either search.
TEST(MimeMessage, DelimitersFoundByTheSkippingSearch) {
  for (const std::string b : {"a=_a_a", "a=_a_a=_a_a=_a"}) {
    const std::string text = "Content-Type: multipart/mixed; boundary=\"" + b + "\"\n\n--" + b + "\n\n" +
                             "a_a --" + b + " a\n--" + b.substr(0, b.size() - 1) + "\n-" + b + "\n--" + b + "a\n--" +
                             b + "\n\nb\n--" + b + "--\n";
    const Message message = parse_message(text, Limits{});
    ASSERT_EQ(message.parts.size(), 3u) << b;
    EXPECT_EQ(message.parts[1].raw_body,
              "a_a --" + b + " a\n--" + b.substr(0, b.size() - 1) + "\n-" + b + "\n--" + b + "a") << b;
    EXPECT_EQ(message.parts[2].raw_body, "b") << b;
    EXPECT_TRUE(message.warnings.empty()) << b;
  }

  std::string boundary;
  for (size_t i = 0; i < 300; ++i) boundary.push_back(static_cast<char>('a' + i % 26));
  const std::string almost = boundary.substr(0, 299) + "A";
  const std::string long_text = "Content-Type: multipart/mixed; boundary=\"" + boundary + "\"\n\n--" +
                                boundary + "\n\none\n--" + almost + "\n--" + boundary + "\n\ntwo\n--" +
                                boundary + "--\n";
  const Message long_message = parse_message(long_text, Limits{});
  ASSERT_EQ(long_message.parts.size(), 3u);
  EXPECT_EQ(long_message.parts[1].raw_body, "one\n--" + almost);
  EXPECT_EQ(long_message.parts[2].raw_body, "two");
}

// The skipping search takes three steps between tests while they stay inside the body, and holds
// still on the boundary's last byte: parts of every size around the needle's length, text full of
// that byte and near misses (mid-line, one byte short) must not move a delimiter.
TEST(MimeMessage, DelimitersFoundAfterLongRunsOfSkips) {
  const std::string boundary = "----=_Part_000_0000_00000000.00000000";
  const std::string filler = "0 base64+/AB0== --" + boundary + " 00\n--" + boundary.substr(0, boundary.size() - 1) +
                             "\nx--" + boundary + "\n" + std::string(90, '0') + "\n";
  std::string text = "Content-Type: multipart/mixed; boundary=\"" + boundary + "\"\n\n";
  std::vector<std::string> bodies;
  for (size_t size = 0; size < 400; size += 7) {
    std::string body;
    while (body.size() < size) body += filler;
    body.resize(size);
    if (!body.empty() && body.back() == '\n') body.back() = 'y';
    bodies.push_back(body);
    text += "--" + boundary + "\n\n" + body + "\n";
  }
  // Without the closing delimiter the last search runs to the very end of the text.
  const Message unclosed = parse_message(text, Limits{});
  ASSERT_EQ(unclosed.parts.size(), bodies.size() + 1);
  EXPECT_EQ(unclosed.parts.back().raw_body, bodies.back() + "\n");
  EXPECT_TRUE(has_warning(unclosed, "closing boundary missing"));

  text += "--" + boundary + "--\n";
  const Message message = parse_message(text, Limits{});
  ASSERT_EQ(message.parts.size(), bodies.size() + 1);
  for (size_t i = 0; i < bodies.size(); ++i) EXPECT_EQ(message.parts[i + 1].raw_body, bodies[i]) << i;
  EXPECT_TRUE(message.warnings.empty());
}

TEST(MimeMessage, MultipartWithoutItsBoundaryIsALeaf) {
  const Message absent = parse_message("Content-Type: multipart/mixed; boundary=zz\n\nno parts here\n", Limits{});
  EXPECT_EQ(describe(absent), "multipart/mixed");
  EXPECT_TRUE(has_warning(absent, "never appears"));
  const Message unnamed = parse_message("Content-Type: multipart/mixed\n\n--zz\n\nx\n", Limits{});
  EXPECT_EQ(describe(unnamed), "multipart/mixed");
  EXPECT_TRUE(has_warning(unnamed, "without a boundary"));
}

TEST(MimeMessage, ReportBodiesAreLeaves) {
  const std::string text =
      "Content-Type: multipart/report; boundary=r\n\n"
      "--r\nContent-Type: message/global-delivery-status\n\nFinal-Recipient: utf-8; j@x.y\n"
      "--r\nContent-Type: message/feedback-report\n\nFeedback-Type: abuse\n"
      "--r\nContent-Type: message/global-headers\n\nSubject: hi\n"
      "--r\nContent-Type: message/global\n\nSubject: embedded\n\nbody\n--r--\n";
  const Message message = parse_message(text, Limits{});
  EXPECT_EQ(describe(message),
            "multipart/report(message/global-delivery-status,message/feedback-report,"
            "message/global-headers,message/global(text/plain))");
  EXPECT_EQ(message.parts[5].headers.get("Subject"), "embedded");
  EXPECT_EQ(message.parts[5].raw_body, "body");
}

TEST(MimeMessage, DigestPartsDefaultToMessages) {
  const std::string text =
      "Content-Type: multipart/digest; boundary=d\n\n--d\n\nSubject: one\n\nfirst\n--d--\n";
  const Message message = parse_message(text, Limits{});
  EXPECT_EQ(describe(message), "multipart/digest(message/rfc822(text/plain))");
  EXPECT_EQ(message.parts[2].headers.get("Subject"), "one");
}

TEST(MimeMessage, EmptyInputIsOneEmptyTextPart) {
  const Message message = parse_message("", Limits{});
  ASSERT_EQ(message.parts.size(), 1u);
  EXPECT_EQ(describe(message), "text/plain");
  EXPECT_TRUE(message.root().headers.empty());
  EXPECT_TRUE(message.root().raw_body.empty());
  EXPECT_EQ(message.root().transfer_encoding, "7bit");
}

TEST(MimeMessage, TransferEncodingNamesAreFoldedOnlyWhenKnown) {
  const auto encoding_of = [](std::string_view field) {
    const std::string text = std::string(field) + "\n\nbody";
    const Message message = parse_message(text, Limits{});
    return std::string(message.root().transfer_encoding);
  };
  EXPECT_EQ(encoding_of("Content-Transfer-Encoding: BASE64"), "base64");
  EXPECT_EQ(encoding_of("Content-Transfer-Encoding: \"Quoted-Printable\" (sic)"), "quoted-printable");
  EXPECT_EQ(encoding_of("Content-Transfer-Encoding: 8Bit"), "8bit");
  EXPECT_EQ(encoding_of("Content-Transfer-Encoding: X-UUEncode"), "X-UUEncode");
  EXPECT_EQ(encoding_of("Content-Transfer-Encoding:"), "7bit");
}

TEST(MimeMessage, ManyChildrenAndPartsKeepTheirViews) {
  std::string text = "Content-Type: multipart/mixed; boundary=b\n\n";
  for (int i = 0; i < 20; ++i) text += "--b\nContent-Type: text/plain; charset=\"utf-" + std::to_string(i) + "\"\n\n" + std::to_string(i) + "\n";
  text += "--b--\n";
  const Message message = parse_message(text, Limits{});
  ASSERT_EQ(message.root().children.size(), 20u);
  for (int i = 0; i < 20; ++i) {
    const Part& part = message.parts[static_cast<size_t>(message.root().children[static_cast<size_t>(i)])];
    EXPECT_EQ(part.content_type.param("charset"), "utf-" + std::to_string(i));
    EXPECT_EQ(part.raw_body, std::to_string(i));
  }
}

// Every part's fields, parameters and children, in one comparable text.
std::string dump(const Message& message) {
  std::string out;
  for (const Part& part : message.parts) {
    out += describe(message, static_cast<int>(&part - message.parts.data())) + " [" + std::to_string(part.parent) + "]";
    for (const HeaderField& field : part.headers.fields()) out.append("\n  ").append(field.name).append(": ").append(field.value);
    for (const auto& [name, value] : part.content_type.params) out.append("\n  ;").append(name).append("=").append(value);
    out.append("\n  body ").append(part.raw_body).append("\n");
  }
  return out;
}

// The arena only changes where the tree's lists live: the tree is the same.
TEST(MimeMessage, ArenaKeptTreeIsTheSame) {
  for (const char* name : {"postfix_dsn.eml", "rfc822_base64.eml", "missing_closing_boundary.eml"}) {
    const std::string text = read_fixture(name);
    MessageArena arena;
    const Message kept = parse_message(text, Limits{}, EmbeddedBodies::kParsed, arena);
    EXPECT_EQ(dump(kept), dump(parse_message(text, Limits{}))) << name;
    EXPECT_EQ(kept.warnings, parse_message(text, Limits{}).warnings) << name;
  }
}

// A tree larger than the arena's block (a thousand parts of dozens of fields) takes the rest from
// the heap; a copy of it owns its own lists and outlives the arena.
TEST(MimeMessage, ArenaOverflowsToTheHeapAndCopiesOutliveIt) {
  std::string text = "Content-Type: multipart/mixed; boundary=b\n\n";
  for (int i = 0; i < 1000; ++i) {
    text += "--b\nContent-Type: text/plain; charset=\"utf-" + std::to_string(i) + "\"\n";
    for (int f = 0; f < 40; ++f) text += "X-F" + std::to_string(f) + ": " + std::to_string(i) + "\n";
    text += "\n" + std::to_string(i) + "\n";
  }
  text += "--b--\n";
  Limits limits;
  limits.max_parts = 2000;
  std::optional<Message> copy;
  {
    MessageArena arena;
    const Message kept = parse_message(text, limits, EmbeddedBodies::kParsed, arena);
    ASSERT_EQ(kept.root().children.size(), 1000u);
    EXPECT_EQ(dump(kept), dump(parse_message(text, limits)));
    copy = kept;
  }
  const Part& last = copy->parts.back();
  EXPECT_EQ(last.content_type.param("charset"), "utf-999");
  EXPECT_EQ(last.headers.fields().size(), 41u);
  EXPECT_EQ(last.headers.raw("X-F39"), "999");
  EXPECT_EQ(copy->root().children.back(), 1000);
}

TEST(MimeMessage, NulBytesAreData) {
  const char raw[] = "Subject: a\0b\nContent-Type: multipart/mixed; boundary=n\n\n--n\n\nx\0y\n--n--\n";
  const std::string text(raw, sizeof raw - 1);
  const Message message = parse_message(text, Limits{});
  ASSERT_EQ(message.parts.size(), 2u);
  EXPECT_EQ(message.root().headers.raw("Subject"), std::string_view("a\0b", 3));
  EXPECT_EQ(message.parts[1].raw_body, std::string_view("x\0y", 3));
}

TEST(MimeMessage, DeepNestingStopsAtTheDepthLimitQuickly) {
  constexpr int kLevels = 10000;
  std::string text;
  for (int i = 0; i < kLevels; ++i) {
    text += "Content-Type: multipart/mixed; boundary=\"level" + std::to_string(i) + "\"\n\n--level" +
            std::to_string(i) + "\n";
  }
  text += "Content-Type: text/plain\n\ninnermost\n";
  for (int i = kLevels - 1; i >= 0; --i) text += "--level" + std::to_string(i) + "--\n";

  Limits limits;
  limits.max_mime_depth = 32;
  const auto start = std::chrono::steady_clock::now();
  const Message message = parse_message(text, limits);
  EXPECT_LT(seconds_since(start), 30.0);  // a hang guard, not a benchmark
  ASSERT_EQ(message.parts.size(), 33u);
  EXPECT_EQ(message.parts.back().depth, 32);
  EXPECT_TRUE(message.parts.back().is_multipart());
  EXPECT_TRUE(message.parts.back().children.empty());
  EXPECT_TRUE(has_warning(message, "nesting deeper than 32"));
}

TEST(MimeMessage, DeepEmbeddedMessagesStopAtTheDepthLimit) {
  std::string text;
  for (int i = 0; i < 10000; ++i) text += "Content-Type: message/rfc822\n\n";
  text += "Subject: bottom\n\nbody\n";
  Limits limits;
  limits.max_mime_depth = 8;
  const Message message = parse_message(text, limits);
  ASSERT_EQ(message.parts.size(), 9u);
  EXPECT_TRUE(message.parts.back().is_embedded_message());
  EXPECT_TRUE(has_warning(message, "nesting deeper than 8"));
}

TEST(MimeMessage, PartCountStopsAtTheLimitQuickly) {
  std::string text = "Content-Type: multipart/mixed; boundary=p\n\n";
  for (int i = 0; i < 100000; ++i) text += "--p\nContent-Type: text/plain\n\npart\n";
  text += "--p--\n";
  Limits limits;
  limits.max_parts = 10000;
  const auto start = std::chrono::steady_clock::now();
  const Message message = parse_message(text, limits);
  EXPECT_LT(seconds_since(start), 30.0);  // a hang guard, not a benchmark
  EXPECT_EQ(message.parts.size(), 10000u);
  EXPECT_EQ(message.root().children.size(), 9999u);
  EXPECT_TRUE(has_warning(message, "more than 10000 MIME parts"));
}

TEST(MimeMessage, WarningsAreCapped) {
  std::string text = "Content-Type: multipart/mixed; boundary=w\n\n";
  for (int i = 0; i < 1000; ++i) text += "--w\nno header here\n";
  const Message message = parse_message(text, Limits{});
  EXPECT_EQ(message.parts.size(), 1001u);
  EXPECT_EQ(message.warnings.size(), 101u);
  EXPECT_EQ(message.warnings.back(), "more warnings suppressed");
}

TEST(MimeMessage, HugeHeaderLineIsCutAndTheBodyStillFound) {
  std::string text = "Subject: " + std::string(10 << 20, 'x') + "\nContent-Type: multipart/mixed; boundary=h\n\n";
  text += "--h\n\nafter the huge header\n--h--\n";
  const auto start = std::chrono::steady_clock::now();
  const Message message = parse_message(text, Limits{});
  EXPECT_LT(seconds_since(start), 30.0);  // a hang guard, not a benchmark
  EXPECT_TRUE(has_warning(message, "truncated"));
  EXPECT_EQ(message.root().headers.raw("Subject")->size(), Limits{}.max_header_bytes - 9);
  // The cut dropped Content-Type, so the rest reads as the body of a text part.
  EXPECT_EQ(describe(message), "text/plain");
  EXPECT_TRUE(message.root().raw_body.starts_with("--h\n"));
}

TEST(MimeMessage, EncodedEmbeddedMessagesCannotMultiplyMemory) {
  // Each level quoted-printable encodes the next; decoding all of them would copy the input
  // once per level.
  std::string inner = "Subject: bottom\n\nbody\n";
  for (int i = 0; i < 20; ++i) {
    inner = "Content-Type: message/rfc822\nContent-Transfer-Encoding: quoted-printable\n\n" + inner;
  }
  const Message message = parse_message(inner, Limits{});
  EXPECT_TRUE(has_warning(message, "exceed the input size"));
  EXPECT_LT(message.parts.size(), 21u);
}

// Every view of a part lies inside the input or inside one of the message's own buffers.
bool points_into(std::string_view view, std::string_view input, const Message& message) {
  const auto inside = [&](std::string_view buffer) {
    return view.data() >= buffer.data() && view.data() + view.size() <= buffer.data() + buffer.size();
  };
  if (view.empty() || inside(input)) return true;
  for (const auto& buffer : message.buffers) {
    if (inside(*buffer)) return true;
  }
  return false;
}

void expect_well_formed(const Message& message, std::string_view input, const Limits& limits) {
  ASSERT_FALSE(message.parts.empty());
  EXPECT_LE(message.parts.size(), limits.max_parts);
  for (size_t i = 0; i < message.parts.size(); ++i) {
    const Part& part = message.parts[i];
    EXPECT_LE(part.depth, limits.max_mime_depth);
    EXPECT_TRUE(points_into(part.raw_body, input, message));
    for (const HeaderField& field : part.headers.fields()) {
      EXPECT_TRUE(points_into(field.name, input, message));
      EXPECT_TRUE(points_into(field.value, input, message));
    }
    for (int child : part.children) {
      ASSERT_GT(child, static_cast<int>(i));  // depth-first: children come after their parent
      EXPECT_EQ(message.parts[static_cast<size_t>(child)].parent, static_cast<int>(i));
      EXPECT_EQ(message.parts[static_cast<size_t>(child)].depth, part.depth + 1);
    }
    decode_text(part);
    part.headers.get("Subject");
  }
}

// Damaged copies of the fixtures (bytes flipped, lines cut, boundaries duplicated, truncated):
// parsing never fails, stays inside its buffers and keeps the tree consistent.
TEST(MimeMessage, DamagedInputKeepsTheTreeConsistent) {
  std::mt19937 random(20250304);
  Limits limits;
  limits.max_parts = 50;
  limits.max_mime_depth = 6;
  for (const char* name : {"postfix_dsn.eml", "nested_mixed.eml", "rfc822_base64.eml",
                           "office365_unindented_boundary.eml", "missing_closing_boundary.eml"}) {
    const std::string original = read_fixture(name);
    for (int round = 0; round < 300; ++round) {
      std::string text = original;
      const int edits = 1 + static_cast<int>(random() % 8);
      for (int e = 0; e < edits && !text.empty(); ++e) {
        const size_t at = random() % text.size();
        switch (random() % 5) {
          case 0: text[at] = static_cast<char>(random() % 256); break;
          case 1: text.erase(at, random() % 40); break;
          case 2: text.insert(at, text.substr(random() % text.size(), random() % 80)); break;
          case 3: text.insert(at, random() % 2 ? "\r" : "\n--"); break;
          default: text.resize(at); break;
        }
      }
      const Message message = parse_message(text, limits);
      expect_well_formed(message, text, limits);
      if (testing::Test::HasFailure()) {
        ADD_FAILURE() << name << " round " << round;
        return;
      }
    }
  }
}

}  // namespace
}  // namespace bounceback::mime
