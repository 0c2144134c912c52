// The decode pipeline's reading of a delivery-status part: in place when its bytes are already
// the UTF-8 text the report parser wants, decoded otherwise (transfer encodings, raw ISO-2022-JP,
// bytes that are not UTF-8), and the fields a report's records share.
#include <gtest/gtest.h>

#include <string>

#include "bounceback/decoder.h"

namespace bounceback {
namespace {

// A multipart/report whose delivery-status part has the given headers and body.
std::string report_with_status_part(const std::string& part_headers, const std::string& status_body) {
  return "From: MAILER-DAEMON@mx.example.org\n"
         "To: owner@example.org\n"
         "Subject: Undelivered Mail Returned to Sender\n"
         "MIME-Version: 1.0\n"
         "Content-Type: multipart/report; report-type=delivery-status; boundary=\"b1\"\n"
         "\n"
         "--b1\n"
         "Content-Type: text/plain\n"
         "\n"
         "Your message could not be delivered.\n"
         "--b1\n" +
         part_headers +
         "\n"
         "Reporting-MTA: dns; mx.example.org\n"
         "\n" +
         status_body + "--b1--\n";
}

const std::string kStatusFields =
    "Final-Recipient: rfc822; ann@a.example\n"
    "Action: failed\n"
    "Status: 5.1.1\n"
    "Diagnostic-Code: smtp; 550 5.1.1 <ann@a.example>: User unknown\n";

Record only_record(const std::string& message) {
  const DecodeResult result = Decoder().decode(message, "test");
  EXPECT_TRUE(result.is_report);
  EXPECT_EQ(result.records.size(), 1u);
  return result.records.empty() ? Record() : result.records.front();
}

TEST(DeliveryStatusPart, PlainAsciiInAnyDeclaredUtf8Charset) {
  for (const std::string& type : {std::string("message/delivery-status"),
                                  std::string("message/delivery-status; charset=us-ascii"),
                                  std::string("message/delivery-status; charset=UTF-8")}) {
    const Record r = only_record(report_with_status_part("Content-Type: " + type + "\n", kStatusFields));
    EXPECT_EQ(r.recipient, "ann@a.example") << type;
    EXPECT_EQ(r.status, "5.1.1") << type;
    EXPECT_EQ(r.diagnostic, "550 5.1.1 <ann@a.example>: User unknown") << type;
    EXPECT_EQ(r.reporting_mta, "mx.example.org") << type;
  }
}

TEST(DeliveryStatusPart, TransferEncodedFieldsAreDecoded) {
  // base64 of "Reporting-MTA: dns; mx.example.org\n\n" + kStatusFields, as one line.
  const std::string base64 =
      "UmVwb3J0aW5nLU1UQTogZG5zOyBteC5leGFtcGxlLm9yZwoKRmluYWwtUmVjaXBpZW50OiByZmM4MjI7IGFubkBhLmV4YW1w"
      "bGUKQWN0aW9uOiBmYWlsZWQKU3RhdHVzOiA1LjEuMQpEaWFnbm9zdGljLUNvZGU6IHNtdHA7IDU1MCA1LjEuMSA8YW5uQGEu"
      "ZXhhbXBsZT46IFVzZXIgdW5rbm93bgo=\n";
  std::string message = report_with_status_part(
      "Content-Type: message/delivery-status\nContent-Transfer-Encoding: base64\n", "");
  // The helper writes a Reporting-MTA line of its own: replace the part's body by the encoded one.
  const std::string plain_body = "Reporting-MTA: dns; mx.example.org\n\n";
  message.replace(message.find(plain_body), plain_body.size(), base64);
  const Record r = only_record(message);
  EXPECT_EQ(r.recipient, "ann@a.example");
  EXPECT_EQ(r.status, "5.1.1");
  EXPECT_EQ(r.diagnostic, "550 5.1.1 <ann@a.example>: User unknown");
}

TEST(DeliveryStatusPart, ValidUtf8IsReadAsItIs) {
  const Record r = only_record(report_with_status_part(
      "Content-Type: message/delivery-status\n",
      "Final-Recipient: rfc822; ann@a.example\nAction: failed\nStatus: 5.2.2\n"
      "Diagnostic-Code: smtp; 552 5.2.2 Bo\xc3\xaete pleine\n"));
  EXPECT_EQ(r.diagnostic, "552 5.2.2 Bo\xc3\xaete pleine");
}

TEST(DeliveryStatusPart, EightBitTextWithoutUtf8IsReadAsWindows1252) {
  // "Boîte" in ISO-8859-1 in a part that declares no charset: the byte 0xEE is not UTF-8, and
  // nothing in the part is.
  const Record r = only_record(report_with_status_part(
      "Content-Type: message/delivery-status\n",
      "Final-Recipient: rfc822; ann@a.example\nAction: failed\nStatus: 5.2.2\n"
      "Diagnostic-Code: smtp; 552 5.2.2 Bo\xeete pleine\n"));
  EXPECT_EQ(r.diagnostic, "552 5.2.2 Bo\xc3\xaete pleine");
}

TEST(DeliveryStatusPart, RawIso2022JpIsDecoded) {
  // Lotus Domino writes Japanese raw into Diagnostic-Code: ESC $ B "%f!<%6!<" ESC ( B is "ユーザー".
  const Record r = only_record(report_with_status_part(
      "Content-Type: message/delivery-status\n",
      "Final-Recipient: rfc822; ann@a.example\nAction: failed\nStatus: 5.1.1\n"
      "Diagnostic-Code: X-Notes; \x1b$B%f!<%6!<\x1b(B unknown\n"));
  EXPECT_EQ(r.diagnostic, "\xe3\x83\xa6\xe3\x83\xbc\xe3\x82\xb6\xe3\x83\xbc unknown");
}

// The fields a report's records share are written once and copied to each record; every record
// keeps its own recipient's fields, in the report's order.
TEST(DecodedReport, EachRecipientsRecordCarriesTheSharedFields) {
  const std::string message =
      "Message-ID: <bounce-1@mx.example.org>\n"
      "Date: Tue, 3 Mar 2026 10:00:00 +0000\n" +
      report_with_status_part("Content-Type: message/delivery-status\n",
                              kStatusFields +
                                  "\n"
                                  "Final-Recipient: rfc822; Bob@B.Example\n"
                                  "Action: delayed\n"
                                  "Status: 4.2.2\n"
                                  "\n"
                                  "Final-Recipient: rfc822; cy@c.example\n"
                                  "Action: failed\n"
                                  "Status: 5.2.1\n");
  const DecodeResult result = Decoder().decode(message, "shared.eml");
  ASSERT_EQ(result.records.size(), 3u);
  const std::string recipients[] = {"ann@a.example", "Bob@b.example", "cy@c.example"};
  const std::string statuses[] = {"5.1.1", "4.2.2", "5.2.1"};
  for (size_t i = 0; i < 3; ++i) {
    const Record& record = result.records[i];
    EXPECT_EQ(record.recipient, recipients[i]);
    EXPECT_EQ(record.status, statuses[i]);
    EXPECT_EQ(record.source, "shared.eml");
    EXPECT_EQ(record.message_id, "<bounce-1@mx.example.org>");
    EXPECT_EQ(record.timestamp, "2026-03-03T10:00:00Z");
    EXPECT_EQ(record.reporting_mta, "mx.example.org");
  }
  EXPECT_EQ(result.records[1].kind, Kind::kDelay);
  EXPECT_EQ(result.records[0].diagnostic, "550 5.1.1 <ann@a.example>: User unknown");
  EXPECT_FALSE(result.records[2].diagnostic.has_value());
}

}  // namespace
}  // namespace bounceback
