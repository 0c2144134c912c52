// A bounce that returns a large original: a DSN whose attached message carries a 15 MB base64
// attachment decodes to the same record as a small one, reads only the original's headers, and
// costs time in proportion to its size (bench/throughput.py measures it; here only a hang guard).
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "bounceback/decoder.h"
#include "mime/message.h"

namespace bounceback {
namespace {

// What a Postfix bounce of a mail with a large PDF attached looks like.
std::string dsn_returning_attachment(size_t attachment_bytes) {
  const std::string line = "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5ejAxMjM0NTY3\n";
  std::string message =
      "From: MAILER-DAEMON@mx.example.net (Mail Delivery System)\n"
      "To: sender@example.org\n"
      "Subject: Undelivered Mail Returned to Sender\n"
      "Message-ID: <dsn.1@mx.example.net>\n"
      "MIME-Version: 1.0\n"
      "Content-Type: multipart/report; report-type=delivery-status; boundary=\"b1\"\n\n"
      "--b1\nContent-Type: text/plain\n\nThis is the mail system at host mx.example.net.\n\n"
      "<jane@example.com>: host mx.example.com[192.0.2.1] said: 552 5.2.2 Mailbox full\n"
      "    (in reply to RCPT TO command)\n\n"
      "--b1\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.net\n\n"
      "Final-Recipient: rfc822; jane@example.com\nAction: failed\nStatus: 5.2.2\n"
      "Diagnostic-Code: smtp; 552 5.2.2 Mailbox full\n\n"
      "--b1\nContent-Type: message/rfc822\n\n"
      "From: sender@example.org\nTo: jane@example.com\nSubject: The big report\n"
      "Message-ID: <big.1@example.org>\nMIME-Version: 1.0\n"
      "Content-Type: multipart/mixed; boundary=\"b2\"\n\n"
      "--b2\nContent-Type: text/plain\n\nThe report is attached.\n\n"
      "--b2\nContent-Type: application/pdf; name=report.pdf\nContent-Transfer-Encoding: base64\n\n";
  message.reserve(message.size() + attachment_bytes + 64);
  while (message.size() < attachment_bytes) message += line;
  message += "\n--b2--\n\n--b1--\n";
  return message;
}

constexpr size_t kFifteenMegabytes = 15'000'000;

TEST(LargeMessage, FifteenMegabyteBounceDecodesLikeASmallOne) {
  const std::string message = dsn_returning_attachment(kFifteenMegabytes);
  ASSERT_GT(message.size(), kFifteenMegabytes);
  const Decoder decoder;
  DecodeResult result;
  const auto start = std::chrono::steady_clock::now();
  result = decoder.decode(message, "big.eml");
  const std::chrono::duration<double> taken = std::chrono::steady_clock::now() - start;
  EXPECT_LT(taken.count(), 60.0);  // a hang guard, not a benchmark
  ASSERT_FALSE(result.error);
  ASSERT_EQ(result.records.size(), 1u);
  const Record& record = result.records.front();
  EXPECT_EQ(record.recipient, "jane@example.com");
  EXPECT_EQ(record.status, "5.2.2");
  EXPECT_EQ(record.reason, Reason::kMailboxFull);
  EXPECT_EQ(record.decoder, "postfix");
  EXPECT_EQ(record.original_message_id, "<big.1@example.org>");
  EXPECT_EQ(record.subject, "The big report");
  EXPECT_EQ(record.sender, "sender@example.org");

  const Record small = decoder.decode(dsn_returning_attachment(1000), "big.eml").records.at(0);
  EXPECT_EQ(record.diagnostic, small.diagnostic);
  EXPECT_EQ(record.summary, small.summary);
}

TEST(LargeMessage, AttachedOriginalIsReadToItsHeadersOnlyWhenAsked) {
  const std::string message = dsn_returning_attachment(100'000);
  const mime::Message whole = mime::parse_message(message, Limits{});
  const mime::Message headers_only = mime::parse_message(message, Limits{}, mime::EmbeddedBodies::kHeadersOnly);
  // Root, notice, delivery-status, message/rfc822, its root, and the root's text and PDF parts.
  ASSERT_EQ(whole.parts.size(), 7u);
  ASSERT_EQ(headers_only.parts.size(), 5u);
  const mime::Part& original_root = headers_only.parts[4];
  EXPECT_TRUE(original_root.content_type.is("multipart", "mixed"));
  EXPECT_EQ(original_root.headers.get("Message-ID"), "<big.1@example.org>");
  EXPECT_TRUE(original_root.children.empty());
  EXPECT_EQ(original_root.raw_body, whole.parts[4].raw_body);
}

// A delimiter line is found however the body's lines fall, with CRLF too, and a boundary that
// prefixes another's ("b" and "b2") never matches the longer one's lines.
TEST(LargeMessage, BoundariesAreFoundAcrossLongBase64Bodies) {
  std::string message = "Content-Type: multipart/mixed; boundary=\"b\"\n\n--b\nContent-Type: multipart/mixed; boundary=\"b2\"\n\n";
  for (int part = 0; part < 3; ++part) {
    message += "--b2\nContent-Transfer-Encoding: base64\n\n";
    for (int line = 0; line < 20'000; ++line) message += "QUJD--b\n";
  }
  message += "--b2--\n--b\nContent-Type: text/plain\n\nlast\n--b--\n";
  for (const std::string& text : {message, [&] {
         std::string crlf;
         for (char c : message) crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
         return crlf;
       }()}) {
    const mime::Message parsed = mime::parse_message(text, Limits{});
    ASSERT_EQ(parsed.parts.size(), 6u);  // root, the inner multipart and its three parts, the text
    EXPECT_EQ(parsed.parts[1].children.size(), 3u);
    EXPECT_EQ(parsed.parts[5].raw_body, "last");
    EXPECT_TRUE(parsed.warnings.empty());
  }
}

}  // namespace
}  // namespace bounceback
