// The report layer through the public Decoder: RFC 3464, ARF, Microsoft JMRP, RFC 3834, and
// messages that only talk about bounces.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>

#include "bounceback/decoder.h"
#include "report/report.h"
#include "support.h"

namespace bounceback {
namespace {

std::string fixture(const std::string& name) { return testing::read_fixture("report/" + name); }

DecodeResult decode_fixture(const std::string& name) { return Decoder().decode(fixture(name), name); }

TEST(Report, DeliveryStatusWithoutBlankLinesBetweenRecipients) {
  const DecodeResult result = decode_fixture("dsn-two-recipients.eml");
  ASSERT_TRUE(result.is_report);
  ASSERT_EQ(result.records.size(), 2u);
  const Record& ann = result.records[0];
  EXPECT_EQ(ann.recipient, "ann@a.example");  // domain lower-cased
  EXPECT_EQ(ann.kind, Kind::kBounce);
  EXPECT_EQ(ann.status, "5.1.1");
  EXPECT_EQ(ann.reply_code, 550);
  EXPECT_EQ(ann.diagnostic, "550 5.1.1 <ann@a.example>... User unknown");  // unfolded
  EXPECT_EQ(ann.remote_mta, "mx.a.example");
  EXPECT_EQ(ann.remote_ip, "192.0.2.10");
  EXPECT_EQ(ann.reason, Reason::kUserUnknown);
  EXPECT_TRUE(ann.hard_bounce);
  EXPECT_EQ(ann.sender, "owner@lists.example.org");
  EXPECT_EQ(ann.original_message_id, "<march-2026@lists.example.org>");
  EXPECT_EQ(ann.reporting_mta, "relay.example.net");
  EXPECT_EQ(ann.timestamp, "2026-03-04T13:30:00Z");
  const Record& bob = result.records[1];
  EXPECT_EQ(bob.kind, Kind::kDelay);
  EXPECT_EQ(bob.action, "delayed");
  EXPECT_EQ(bob.reason, Reason::kMailboxFull);
  EXPECT_FALSE(bob.hard_bounce);
  // The fields of the whole report, which the last record takes over rather than copies.
  EXPECT_EQ(bob.source, ann.source);
  EXPECT_EQ(bob.sender, ann.sender);
  EXPECT_EQ(bob.original_message_id, ann.original_message_id);
  EXPECT_EQ(bob.reporting_mta, ann.reporting_mta);
  EXPECT_EQ(bob.timestamp, ann.timestamp);
}

TEST(Report, ArfFeedbackReport) {
  const DecodeResult result = decode_fixture("arf-abuse.eml");
  ASSERT_EQ(result.records.size(), 1u);
  const Record& r = result.records[0];
  EXPECT_EQ(r.kind, Kind::kFeedback);
  EXPECT_EQ(r.reason, Reason::kFeedback);
  EXPECT_EQ(r.feedback_type, "abuse");
  EXPECT_EQ(r.recipient, "user@isp.example");
  EXPECT_EQ(r.remote_ip, "192.0.2.55");
  EXPECT_EQ(r.decoder, "arf");
  EXPECT_FALSE(r.hard_bounce);
}

// Some reports attach only the complained-about message's header, as text/rfc822-headers.
TEST(Report, ArfWithOnlyTheOriginalsHeaderNamesTheRecipient) {
  const DecodeResult result = decode_fixture("arf-headers-only.eml");
  ASSERT_EQ(result.records.size(), 1u);
  EXPECT_EQ(result.records[0].kind, Kind::kFeedback);
  EXPECT_EQ(result.records[0].recipient, "p.haas@stadtwerke-nord.example");
}

TEST(Report, MicrosoftJmrpComplaintWithoutFeedbackPart) {
  const DecodeResult result = decode_fixture("jmrp-complaint.eml");
  ASSERT_EQ(result.records.size(), 1u);
  const Record& r = result.records[0];
  EXPECT_EQ(r.kind, Kind::kFeedback);
  EXPECT_EQ(r.feedback_type, "abuse");
  EXPECT_EQ(r.recipient, "reader@outlook.example");
  EXPECT_EQ(r.remote_ip, "198.51.100.7");
  EXPECT_EQ(r.sender, "news@sender.example");
}

TEST(Report, GermanOutOfOfficeIsAnAutoReply) {
  const DecodeResult result = decode_fixture("vacation-de.eml");
  ASSERT_EQ(result.records.size(), 1u);
  EXPECT_EQ(result.records[0].kind, Kind::kAutoreply);
  EXPECT_EQ(result.records[0].reason, Reason::kVacation);
  EXPECT_EQ(result.records[0].recipient, "klaus@firma.example");
}

// An auto-reply known by its subject alone, the words in brackets as Japanese and Chinese
// mail clients put them.
TEST(Report, AnAutoReplyIsKnownByItsSubjectInBrackets) {
  for (const std::string subject : {"Automatische Antwort: Angebot", "\xE3\x80\x90\xE8\x87\xAA\xE5\x8B\x95\xE8\xBF\x94"
                                    "\xE4\xBF\xA1\xE3\x80\x91\xE3\x81\x8A\xE5\x95\x8F\xE3\x81\x84\xE5\x90\x88\xE3\x82\x8F"
                                    "\xE3\x81\x9B",  // 【自動返信】お問い合わせ
                                    "[\xE8\x87\xAA\xE5\x8A\xA8\xE5\x9B\x9E\xE5\xA4\x8D] Re: order"}) {  // [自动回复]
    const DecodeResult result =
        Decoder().decode("From: Tanaka <tanaka@example.jp>\nTo: shop@example.org\nSubject: " + subject +
                             "\nContent-Type: text/plain; charset=utf-8\n\nThank you for your message.\n",
                         "reply");
    ASSERT_EQ(result.records.size(), 1u) << subject;
    EXPECT_EQ(result.records[0].kind, Kind::kAutoreply) << subject;
  }
}

TEST(Report, MailThatQuotesAnErrorIsNotAReport) {
  const DecodeResult result = decode_fixture("not-a-bounce-discussion.eml");
  EXPECT_FALSE(result.is_report);
  EXPECT_TRUE(result.records.empty());
}

TEST(Report, RecipientFieldsInAnyOrderWithinAGroup) {
  // Mimecast writes Action, Status and Diagnostic-Code before Final-Recipient.
  report::Report report;
  ASSERT_TRUE(report::parse_delivery_status(
      "Reporting-MTA: dns; relay.mimecast.example\n\n"
      "Action: failed\nStatus: 5.4.1\nDiagnostic-Code: smtp; 550 5.4.1 Recipient address rejected\n"
      "Final-Recipient: rfc822; one@example.com\n\n"
      "Original-Recipient: rfc822; two@example.com\nFinal-Recipient: rfc822; two@example.com\n"
      "Action: delayed\nStatus: 4.4.1\n"
      "Final-Recipient: rfc822; three@example.com\nAction: failed\nStatus: 5.1.1\n",
      report));
  ASSERT_EQ(report.recipients.size(), 3u);
  EXPECT_EQ(report.reporting_mta, "relay.mimecast.example");
  EXPECT_EQ(report.recipients[0].recipient, "one@example.com");
  EXPECT_EQ(report.recipients[0].status, "5.4.1");
  EXPECT_EQ(report.recipients[0].action, "failed");
  EXPECT_EQ(report.recipients[0].diagnostic, "550 5.4.1 Recipient address rejected");
  EXPECT_EQ(report.recipients[1].recipient, "two@example.com");
  EXPECT_EQ(report.recipients[1].status, "4.4.1");
  EXPECT_EQ(report.recipients[2].recipient, "three@example.com");
  EXPECT_EQ(report.recipients[2].status, "5.1.1");
}

TEST(Report, AGroupNamingNoRecipientAddsNone) {
  // An empty Final-Recipient with no Original-Recipient names nobody; the groups around it count.
  report::Report report;
  ASSERT_TRUE(report::parse_delivery_status(
      "Reporting-MTA: dns; mx.example.com\n\n"
      "Final-Recipient: rfc822; one@example.com\nAction: failed\nStatus: 5.1.1\n\n"
      "Final-Recipient: rfc822;\nAction: failed\nStatus: 5.0.0\n\n"
      "Final-Recipient: rfc822; three@example.com\nAction: delayed\nStatus: 4.4.1\n",
      report));
  ASSERT_EQ(report.recipients.size(), 2u);
  EXPECT_EQ(report.recipients[0].recipient, "one@example.com");
  EXPECT_EQ(report.recipients[0].status, "5.1.1");
  EXPECT_EQ(report.recipients[1].recipient, "three@example.com");
  EXPECT_EQ(report.recipients[1].action, "delayed");
  report::Report none;
  EXPECT_FALSE(report::parse_delivery_status("Final-Recipient: rfc822;\nAction: failed\n", none));
  EXPECT_TRUE(none.recipients.empty());
}

TEST(Report, APersonForwardingABounceIsNotAReport) {
  const DecodeResult result = decode_fixture("forwarded-bounce.eml");
  EXPECT_FALSE(result.is_report);
  EXPECT_TRUE(result.records.empty());
}

TEST(Report, ANewsletterOrAQuestionQuotingABounceIsNotAReport) {
  for (const std::string name : {"newsletter-about-bounces.eml", "person-asks-about-a-bounce.eml"}) {
    const DecodeResult result = decode_fixture(name);
    EXPECT_FALSE(result.is_report) << name;
    EXPECT_TRUE(result.records.empty()) << name;
  }
  // The same words from a daemon are a report.
  std::string daemon = fixture("person-asks-about-a-bounce.eml");
  daemon.replace(daemon.find("Bob <bob@example.org>"), 21, "MAILER-DAEMON@example.org");
  EXPECT_EQ(Decoder().decode(daemon, "daemon").records.size(), 1u);
}

// A person writing from a mail client (it names itself in User-Agent) about bounces, with
// "undeliverable" in the subject and a reply quoted: a valid address must not be suppressed.
TEST(Report, APersonWritingFromAMailClientAboutBouncesIsNotAReport) {
  const DecodeResult result = decode_fixture("person-in-a-mail-client-about-bounces.eml");
  EXPECT_FALSE(result.is_report);
  EXPECT_TRUE(result.records.empty());
  // Without the client's name, the subject and the quoted reply read as a bounce.
  std::string unnamed = fixture("person-in-a-mail-client-about-bounces.eml");
  unnamed.erase(unnamed.find("User-Agent: Mozilla Thunderbird\n"), 32);
  EXPECT_FALSE(Decoder().decode(unnamed, "unnamed").records.empty());
}

// Barracuda's filter sends its notice from an ordinary address: its subject says what it is.
TEST(Report, AFiltersNoticeFromAnOrdinarySenderIsKnownByItsSubject) {
  const std::string notice =
      "From: \"Barracuda Email Security Service\" <noreply@barracuda.com>\nTo: events@example.org\n"
      "Subject: **Message you sent blocked by our bulk email filter**\n\n"
      "Your message to: karen@example.net\nwas blocked by our Spam Firewall.\n";
  const DecodeResult result = Decoder().decode(notice, "barracuda");
  ASSERT_EQ(result.records.size(), 1u);
  EXPECT_EQ(result.records[0].recipient, "karen@example.net");
}

TEST(Report, ABounceWrappedInABounceIsOpened) {
  const DecodeResult result = decode_fixture("wrapped-bounce.eml");
  ASSERT_EQ(result.records.size(), 1u);
  EXPECT_EQ(result.records[0].recipient, "taro@customer.example.org");
  EXPECT_EQ(result.records[0].status, "5.1.1");
  EXPECT_EQ(result.records[0].reporting_mta, "inner.example.jp");
}

TEST(Report, DeliveryStatusFieldsInTheTextOfABoundarylessReport) {
  const DecodeResult result = decode_fixture("multipart-without-boundary.eml");
  ASSERT_EQ(result.records.size(), 1u);
  EXPECT_EQ(result.records[0].recipient, "bob@old.example.edu");
  EXPECT_EQ(result.records[0].status, "5.2.2");
  EXPECT_EQ(result.records[0].reason, Reason::kMailboxFull);
}

TEST(Report, APersonsSubjectSayingRejectedIsNotABounce) {
  const DecodeResult result = decode_fixture("person-rejected-subject.eml");
  EXPECT_FALSE(result.is_report);
}

// Field names are compared only with the known names of their length: every known name must
// still be found in any case, with blanks before the colon, and longer or unknown names skipped.
TEST(Report, DeliveryStatusFieldNamesInAnyCaseAndLength) {
  report::Report report;
  ASSERT_TRUE(report::parse_delivery_status(
      "REPORTING-MTA: dns; mx.example.net\narrival-date: Thu, 5 Mar 2026 10:00:00 +0000\n"
      "Received-From-MTA: dns; in.example.org\n\n"
      "original-recipient: rfc822; alias@example.com\nfinal-RECIPIENT: rfc822; jane@example.com\n"
      "X-Actual-Recipient: rfc822; actual@example.com\nACTION : Failed (permanent)\nstatus: 5.2.2\n"
      "Remote-MTA: dns; mx.example.com [192.0.2.9]\nlast-attempt-date: Thu, 5 Mar 2026 10:01:00 +0000\n"
      "x-powermta-bouncecategory: quota-issues\n"
      "X-PowerMTA-BounceCategoryX: bad-mailbox\nDiagnostic-Code-Extra: smtp; 550 not this one\n"
      "diagnostic-code: smtp; 552 5.2.2 mailbox\n full\n",
      report));
  EXPECT_EQ(report.reporting_mta, "mx.example.net");
  EXPECT_EQ(report.arrival_date, "Thu, 5 Mar 2026 10:00:00 +0000");
  ASSERT_EQ(report.recipients.size(), 1u);
  const report::RecipientEvidence& r = report.recipients[0];
  EXPECT_EQ(r.recipient, "jane@example.com");
  EXPECT_EQ(r.original_recipient, "alias@example.com");  // Original-Recipient comes before X-Actual-Recipient
  EXPECT_EQ(r.action, "failed");
  EXPECT_EQ(r.status, "5.2.2");
  EXPECT_EQ(r.remote_mta, "mx.example.com");
  EXPECT_EQ(r.remote_ip, "192.0.2.9");
  EXPECT_EQ(r.last_attempt, "Thu, 5 Mar 2026 10:01:00 +0000");
  EXPECT_EQ(r.format_reason, Reason::kMailboxFull);  // not the longer name's bad-mailbox
  EXPECT_EQ(r.diagnostic, "552 5.2.2 mailbox full");
}

// Each MTA writes the remote host's IP its own way; a comment that is no IP stays in the value.
TEST(Report, RemoteMtaHostAndIpApart) {
  struct Case {
    std::string_view value, host, ip;
  };
  const Case cases[] = {
      {"dns; mx.example.com [192.0.2.9]", "mx.example.com", "192.0.2.9"},       // Postfix
      {"dns;mx.example.com (192.0.2.135)", "mx.example.com", "192.0.2.135"},    // PowerMTA
      {"dns; gmail-smtp-in.l.google.com. (2607:f8b0:4864:20::b2e, the server for the domain gmail.com.)",
       "gmail-smtp-in.l.google.com", "2607:f8b0:4864:20::b2e"},                // Gmail
      {"dns; mx.example.com (Postfix)", "mx.example.com (Postfix)", ""},
      {"dns; mx.example.com (192.0.2)", "mx.example.com (192.0.2)", ""},
      {"dns; mx.example.com", "mx.example.com", ""},
  };
  for (const Case& c : cases) {
    report::Report report;
    ASSERT_TRUE(report::parse_delivery_status(
        "Reporting-MTA: dns; mx.example.net\n\nFinal-Recipient: rfc822; jane@example.com\nAction: failed\n"
        "Status: 5.0.0\nRemote-MTA: " + std::string(c.value) + "\n",
        report));
    ASSERT_EQ(report.recipients.size(), 1u);
    EXPECT_EQ(report.recipients[0].remote_mta, c.host) << c.value;
    EXPECT_EQ(report.recipients[0].remote_ip, c.ip) << c.value;
  }
}

// Names are compared a word at a time, words overlapping at the end: a name one byte off, at any
// place, is another field.
TEST(Report, DeliveryStatusNameOneByteOffIsAnotherField) {
  for (const std::string name : {"Status", "Diagnostic-Code"}) {
    for (size_t at = 0; at < name.size(); ++at) {
      std::string other = name;
      other[at] = other[at] == 'x' ? 'y' : 'x';
      report::Report report;
      ASSERT_TRUE(report::parse_delivery_status(
          "Final-Recipient: rfc822; jane@example.com\n" + other + ": 5.1.1\n", report));
      EXPECT_EQ(report.recipients.at(0).status, "") << other;
      EXPECT_EQ(report.recipients.at(0).diagnostic, "") << other;
    }
  }
}

// Inline fields start at the first line that begins with Reporting-MTA or Final-Recipient, in any
// case; the words elsewhere in a line do not start them.
TEST(Report, InlineDeliveryStatusStartsAtTheFirstFieldLine) {
  report::Report report;
  ASSERT_TRUE(report::parse_inline_delivery_status(
      "Your message could not be delivered.\nSee the Final-Recipient: rfc822; not-me@example.com below.\n"
      "reporting-mta: dns; mx.example.net\n\nfinal-recipient: rfc822; jane@example.com\nStatus: 5.1.1\n",
      report));
  EXPECT_EQ(report.reporting_mta, "mx.example.net");
  ASSERT_EQ(report.recipients.size(), 1u);
  EXPECT_EQ(report.recipients[0].recipient, "jane@example.com");

  report::Report from_recipient;
  ASSERT_TRUE(report::parse_inline_delivery_status(
      "Delivery failed.\nFINAL-RECIPIENT: rfc822; bob@example.org\nAction: failed\n", from_recipient));
  ASSERT_EQ(from_recipient.recipients.size(), 1u);
  EXPECT_EQ(from_recipient.recipients[0].recipient, "bob@example.org");

  report::Report none;
  EXPECT_FALSE(report::parse_inline_delivery_status("Reporting MTA said: no\n Final-Recipient: x@example.com\n", none));
}

TEST(Report, LeadingStatusAcceptsOnlyWholeCodes) {
  EXPECT_EQ(report::leading_status("5.1.1"), "5.1.1");
  EXPECT_EQ(report::leading_status(" 4.2.2 (mailbox full)"), "4.2.2");
  EXPECT_EQ(report::leading_status("5.7.26"), "5.7.26");
  EXPECT_EQ(report::leading_status("5.1.1.1"), "");
  EXPECT_EQ(report::leading_status("6.1.1"), "");
  EXPECT_EQ(report::leading_status("5.1"), "");
  EXPECT_EQ(report::leading_status(""), "");
}

TEST(Report, FieldTextDropsTheTypeOnly) {
  EXPECT_EQ(report::field_text("rfc822; jane@example.com"), "jane@example.com");
  EXPECT_EQ(report::field_text("smtp; 550 5.1.1 no; really"), "550 5.1.1 no; really");
  EXPECT_EQ(report::field_text("550 user unknown; see docs"), "550 user unknown; see docs");
}

TEST(Report, CrlfCrAndLfGiveTheSameRecords) {
  const std::string lf_text = fixture("dsn-two-recipients.eml");
  std::string cr_text = lf_text;
  std::ranges::replace(cr_text, '\n', '\r');  // classic Mac OS line ends
  const DecodeResult lf = decode_fixture("dsn-two-recipients.eml");
  ASSERT_EQ(lf.records.size(), 2u);
  for (const std::string& text : {testing::with_crlf(lf_text), cr_text}) {
    const DecodeResult other = Decoder().decode(text, "dsn-two-recipients.eml");
    ASSERT_EQ(other.records.size(), lf.records.size());
    for (size_t i = 0; i < lf.records.size(); ++i) {
      EXPECT_EQ(other.records[i].recipient, lf.records[i].recipient);
      EXPECT_EQ(other.records[i].diagnostic, lf.records[i].diagnostic);
      EXPECT_EQ(other.records[i].reason, lf.records[i].reason);
    }
  }
}

TEST(Report, OverTheSizeLimitIsAnErrorNamingTheLimit) {
  DecodeOptions options;
  options.limits.max_message_bytes = 10;
  const DecodeResult result = Decoder(options).decode(fixture("arf-abuse.eml"), "big.eml");
  ASSERT_TRUE(result.error.has_value());
  EXPECT_EQ(result.error->code, ErrorCode::kTooLarge);
  EXPECT_NE(result.error->message.find("--max-message-size"), std::string::npos);
}

}  // namespace
}  // namespace bounceback

namespace bounceback::report {
namespace {

Context context_of(const std::string& message, mime::Message& storage) {
  storage = mime::parse_message(message, Limits{});
  return make_context(storage);
}
// The parsed message and its context view the message's bytes: a temporary would be gone.
Context context_of(std::string&& message, mime::Message& storage) = delete;

TEST(Notice, HtmlIsTheNoticeOnlyWithoutPlainText) {
  const std::string alternative =
      "From: MAILER-DAEMON@mx.example.com\nContent-Type: multipart/alternative; boundary=b\n\n"
      "--b\nContent-Type: text/html\n\n<p>html says no</p>\n"
      "--b\nContent-Type: text/plain\n\nplain says no\n--b--\n";
  mime::Message storage;
  EXPECT_EQ(context_of(alternative, storage).notice, "plain says no");

  const std::string html_only =
      "From: MAILER-DAEMON@mx.example.com\nContent-Type: multipart/mixed; boundary=b\n\n"
      "--b\nContent-Type: text/html\n\n"
      "--b\nContent-Type: text/html\n\n<p>second says no</p>\n"
      "--b\nContent-Type: text/html\n\n<p>third</p>\n--b--\n";
  const Context context = context_of(html_only, storage);
  EXPECT_NE(context.notice.find("second says no"), std::string::npos) << context.notice;
  EXPECT_EQ(context.notice.find("third"), std::string::npos) << context.notice;
}

// The original's header is read in one pass: the first field of each name counts, and the sender
// is the first of From, Return-Path and Sender that holds an address.
TEST(OriginalMessage, FirstFieldOfEachNameAndTheFirstSenderWithAnAddress) {
  const std::string message =
      "From: MAILER-DAEMON@mx.example.com\nContent-Type: multipart/report; boundary=b\n\n"
      "--b\nContent-Type: text/plain\n\nfailed\n"
      "--b\nContent-Type: text/rfc822-headers\n\n"
      "Received: from a\nFROM: Undisclosed\nreturn-path: <bounces@shop.example>\nSender: other@shop.example\n"
      "to: Jane <jane@example.com>\nTo: second@example.com\nMessage-Id:  <id-1@shop.example> \n"
      "Message-ID: <id-2@shop.example>\nSUBJECT: =?UTF-8?Q?caf=C3=A9?= menu\nSubject: second\n--b--\n";
  mime::Message storage;
  const Context context = context_of(message, storage);
  const OriginalMessage original = find_original_message(context);
  EXPECT_EQ(original.from, "bounces@shop.example");
  EXPECT_EQ(original.to, "jane@example.com");
  EXPECT_EQ(original.message_id, "<id-1@shop.example>");
  EXPECT_EQ(original.subject, "caf\xC3\xA9 menu");
  EXPECT_TRUE(find_original_message(context, OriginalTo::kSkip).to.empty());
}

// A text/rfc822-headers part is read as written when its encoding needs no decoding, and decoded
// first when it does.
TEST(OriginalMessage, HeadersPartInAnyTransferEncoding) {
  const std::string head =
      "From: MAILER-DAEMON@mx.example.com\nContent-Type: multipart/report; boundary=b\n\n"
      "--b\nContent-Type: text/plain\n\nfailed\n--b\nContent-Type: text/rfc822-headers\n";
  // "From: ann@shop.example\nSubject: menu\n" in base64 and quoted-printable.
  for (const std::string& part : {std::string("\nFrom: ann@shop.example\nSubject: menu\n"),
                                 std::string("Content-Transfer-Encoding: 8bit\n\nFrom: ann@shop.example\nSubject: menu\n"),
                                 std::string("Content-Transfer-Encoding: base64\n\nRnJvbTogYW5uQHNob3AuZXhhbXBsZQpTdWJqZWN0OiBtZW51Cg==\n"),
                                 std::string("Content-Transfer-Encoding: Quoted-Printable\n\nFrom: ann@shop.exa=\nmple\nSubject: m=65nu\n")}) {
    const std::string message = head + part + "--b--\n";  // the parsed message views it
    mime::Message storage;
    const Context context = context_of(message, storage);
    const OriginalMessage original = find_original_message(context);
    EXPECT_EQ(original.from, "ann@shop.example") << part;
    EXPECT_EQ(original.subject, "menu") << part;
  }
}

TEST(InlineOriginal, MarkerLinesAmongDashedLines) {
  const std::string message =
      "From: MAILER-DAEMON@mx.example.com\nSubject: failure\n\n"
      "------------------------------\n-- no marker here, just dashes\n"
      "jane@example.com: mailbox full\n\n------ This is a copy of the message, including all the headers. ------\n"
      "Subject: hello\n";
  mime::Message storage;
  const Context context = context_of(message, storage);
  EXPECT_NE(context.notice.find("mailbox full"), std::string::npos) << context.notice;
  EXPECT_EQ(context.notice.find("This is a copy"), std::string::npos) << context.notice;
  EXPECT_EQ(context.inline_original, "Subject: hello\n");
}

TEST(InlineOriginal, EveryMarkerOfAFirstByteIsTried) {
  // Markers are looked up by their first byte; several start with 'o', 'm' or '-', in any case.
  for (const std::string marker : {"ORIGINAL MESSAGE HEADERS:", "Original message follows.",
                                   "message headers follow.", "|------------------------- Message text follows:",
                                   "-- The header and top 20 lines of the message follows --"}) {
    const std::string message = "From: MAILER-DAEMON@mx.example.com\nSubject: failure\n\n"
                                "Our mailbox is full\nhere\n\n  " + marker + "\nSubject: hello\n";
    mime::Message storage;
    const Context context = context_of(message, storage);
    EXPECT_EQ(context.notice, "Our mailbox is full\nhere\n\n") << marker;
    EXPECT_EQ(context.inline_original, "Subject: hello\n") << marker;
  }
}

TEST(InlineOriginal, AHeaderBlockEndsTheNoticeInAnyLanguage) {
  const std::string message =
      "From: MAILER-DAEMON@mail.example.de\nSubject: Unzustellbar\n\n"
      "Die Nachricht konnte nicht zugestellt werden:\n\n  jane@example.de\n    Postfach voll\n\n"
      "Kopf der ursprünglichen Nachricht:\n\nFrom: ann@example.org\nTo: jane@example.de\n"
      "Subject: Angebot\n  (folded)\nDate: Tue, 3 Nov 2026 09:12:44 +0100\n\nHallo Jane\n";
  mime::Message storage;
  const Context context = context_of(message, storage);
  EXPECT_EQ(context.notice.find("Kopf der"), std::string::npos) << context.notice;
  EXPECT_NE(context.notice.find("Postfach voll"), std::string::npos);
  EXPECT_TRUE(context.inline_original.starts_with("From: ann@example.org\n")) << context.inline_original;
}

TEST(InlineOriginal, AHeaderBlockWithoutFromOrInsideAParagraphIsNotACopy) {
  // IMail lists the message's fields in its notice; a wrapped bounce's headers follow its mbox line.
  const std::string message =
      "From: postmaster@mail.example.com\nSubject: Undeliverable Mail\n\n"
      "Save to the following Address Book:\n\nTo: ann@example.org\nCC: \nDate: Thursday\n"
      "Subject: Undeliverable Mail\n\nundeliverable to jane@example.jp\n\n"
      "From MAILER-DAEMON  Thu Apr 29 23:34:45 2015\nReturn-Path: <>\nDate: Thu\nFrom: MAILER-DAEMON@relay.example.jp\n"
      "Subject: Undelivered Mail Returned to Sender\nTo: ann@example.org\n";
  mime::Message storage;
  const Context context = context_of(message, storage);
  EXPECT_NE(context.notice.find("undeliverable to jane@example.jp"), std::string::npos) << context.notice;
  EXPECT_NE(context.notice.find("MAILER-DAEMON@relay.example.jp"), std::string::npos) << context.notice;
  EXPECT_TRUE(context.inline_original.empty());
}

TEST(InlineOriginal, OnlyWholeKnownFieldNamesInAnyCaseCountTowardsACopy) {
  // "X-From", "From-Address" and "Reply-To-Name" hold known names but are none: with them, From
  // and To are two known fields, one short of a copy; a Message-ID makes three.
  const std::string notice = "jane@example.com: mailbox full\n\nX-From: a\nFrom-Address: b\nReply-To-Name: c\n"
                             "FROM: ann@example.org\nto: jane@example.com\n";
  const std::string head = "From: MAILER-DAEMON@mx.example.com\nSubject: failure\n\n";
  mime::Message storage;
  const std::string two_known = head + notice + "\nbody\n";
  EXPECT_TRUE(context_of(two_known, storage).inline_original.empty());
  const std::string three_known = head + notice + "message-ID: <1@example.org>\n\nbody\n";
  const Context context = context_of(three_known, storage);
  EXPECT_EQ(context.notice, "jane@example.com: mailbox full\n\n");
  EXPECT_TRUE(context.inline_original.starts_with("X-From: a\n")) << context.inline_original;
}

TEST(InlineOriginal, ManyHeaderLikeLinesAreLookedAtOnce) {
  // Every line announces the next and looks like a field: each is looked at once, not once per
  // line before it (200,000 lines would take hours otherwise; ctest's timeout is the guard).
  std::string message = "From: MAILER-DAEMON@mx.example.com\nSubject: Undelivered Mail\n\n";
  for (int i = 0; i < 200000; ++i) message += "X-Field: value:\n";
  message += "\njane@example.com: 550 5.1.1 unknown\n";
  mime::Message storage;
  const Context context = context_of(message, storage);
  EXPECT_TRUE(context.inline_original.empty());
  EXPECT_NE(context.notice.find("jane@example.com"), std::string::npos);
}

}  // namespace
}  // namespace bounceback::report
