// `explain_text` on what people paste: a reply after other words, a forwarded bounce (inline,
// attached or its body alone), and reports that are not bounces. The fixtures in
// tests/fixtures/explain/ are the forwards, read receipts and reports an operator's bounce mailbox
// receives.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "bounceback/explain.h"
#include "explain/named_address.h"
#include "support.h"

namespace bounceback {

// Failure messages name reasons instead of printing their bytes.
void PrintTo(Reason reason, std::ostream* out) { *out << to_string(reason); }

namespace {

using testing::read_fixture;
using testing::with_crlf;

bool contains(std::string_view text, std::string_view part) { return text.find(part) != std::string_view::npos; }

// The summary and the advice, which are what a person reads.
std::string words_of(const TextExplanation& explanation) {
  std::string all = explanation.summary + "\n";
  for (const std::string& line : explanation.advice) all += line + "\n";
  for (const Record& record : explanation.records) {
    all += record.summary + "\n";
    for (const std::string& line : record.advice) all += line + "\n";
  }
  return all;
}

std::vector<std::string> codes_of(const TextExplanation& explanation) {
  std::vector<std::string> codes;
  for (const CodeExplanation& code : explanation.codes) codes.push_back(code.code);
  return codes;
}

bool has_code(const TextExplanation& explanation, std::string_view code) {
  const std::vector<std::string> codes = codes_of(explanation);
  return std::find(codes.begin(), codes.end(), code) != codes.end();
}

TextExplanation explained(std::string_view text) {
  Result<TextExplanation> result = explain_text(text);
  EXPECT_TRUE(result.ok());
  return result.ok() ? std::move(result).value() : TextExplanation{};
}

// ---- a reply that starts a later line keeps its codes ----

TEST(ExplainPastedReply, AReplyOnASecondLineKeepsItsCodes) {
  for (const std::string& text : {std::string("Hello\n550 5.1.1 User unknown"), with_crlf("Hello\n550 5.1.1 User unknown\n")}) {
    const TextExplanation e = explained(text);
    EXPECT_EQ(e.reason, Reason::kUserUnknown) << text;
    EXPECT_TRUE(e.hard_bounce) << text;
    EXPECT_TRUE(has_code(e, "550")) << text;
    EXPECT_TRUE(has_code(e, "5.1.1")) << text;
  }
}

TEST(ExplainPastedReply, GmailsNoticeQuotesAMultilineReplyAfterItsOwnWords) {
  const std::string notice =
      "The response from the remote server was:\n"
      "550-5.1.1 The email account that you tried to reach does not exist. Please try\n"
      "550-5.1.1 double-checking the recipient's email address for typos or\n"
      "550 5.1.1 unnecessary spaces.\n";
  for (const std::string& text : {notice, with_crlf(notice)}) {
    const TextExplanation e = explained(text);
    EXPECT_EQ(e.reason, Reason::kUserUnknown);
    EXPECT_EQ(codes_of(e), (std::vector<std::string>{"550", "5.1.1"}));
  }
}

TEST(ExplainPastedReply, OnlyTheSameReplysContinuationLinesLoseTheirCodes) {
  // Two replies, one after the other: the second is not a continuation of the first.
  const TextExplanation two = explained("452 4.2.2 Mailbox full\n550 5.1.1 User unknown");
  EXPECT_TRUE(has_code(two, "550"));
  EXPECT_TRUE(has_code(two, "5.1.1"));
  // A line with another code after "550-" ends that reply rather than going on with it.
  const TextExplanation other = explained("550-5.7.1 Refused by policy\n451 4.3.0 Try again later");
  EXPECT_TRUE(has_code(other, "451"));
  EXPECT_TRUE(has_code(other, "4.3.0"));
}

// ---- the address an explanation names ----

TEST(FailedAddress, TheNoticesOwnWordsForTheFailedAddressWin) {
  EXPECT_EQ(explain::failed_address(read_fixture("explain/pasted-gmail-forward-body.txt")), "info@shop-old.example");
  EXPECT_EQ(explain::failed_address(read_fixture("explain/pasted-office365-ndr-body.txt")),
            "accounts@fabrikam.example");
  EXPECT_EQ(explain::failed_address("Delivery to the following recipient failed permanently:\n\n     jane@example.com\n"),
            "jane@example.com");
  EXPECT_EQ(explain::failed_address("The following address(es) failed:\r\n\r\n  bob@example.net\r\n"), "bob@example.net");
}

TEST(FailedAddress, ANoticeLineOrAReplyLineNamesIt) {
  EXPECT_EQ(explain::failed_address("<orders@shop.example>: host mx.shop.example[203.0.113.20] said: 550 5.1.1\n"
                                    "    <orders@shop.example>: Recipient address rejected\n"
                                    "X-Postfix-Sender: rfc822; peter@example.org\n"),
            "orders@shop.example");
  EXPECT_EQ(explain::failed_address("Hello\n550 5.1.1 <lena@example.org>: User unknown"), "lena@example.org");
  EXPECT_EQ(explain::failed_address(">>> MAIL From:<peter@example.org> SIZE=1234\n<<< 250 ok\n"
                                    ">>> RCPT To:<jane@example.net>\n<<< 550 5.1.1 unknown"),
            "jane@example.net");
}

TEST(FailedAddress, ForwardHeadersMessageIdsAndBounceMailboxesAreNeverNamed) {
  // A Gmail forward's header lines name the bounce's sender and the person whose mail bounced.
  EXPECT_EQ(explain::failed_address("---------- Forwarded message ---------\n"
                                    "From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>\n"
                                    "To: <anna.berg@gmail.example>\n\n"
                                    "550 5.1.1 User unknown\n"),
            std::nullopt);
  EXPECT_EQ(explain::failed_address("Message-Id: <20261129080102.4NqAbC1dEfz9@mail.example.org>\n"
                                    "550 5.1.1 user unknown\n"),
            std::nullopt);
  EXPECT_EQ(explain::failed_address("Please reply to Postmaster@mx.old-isp.example\nif you feel this message to be in error."),
            std::nullopt);
  // The bounce was addressed to the person who sent the message: their address, folded or not.
  EXPECT_EQ(explain::failed_address("From: Microsoft Outlook <MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e@contoso.example>\n"
                                    "Sent: Sunday, November 29, 2026 9:38 AM\n"
                                    "To: Jens Kruger\n <jens.kruger@contoso.example>\n\n"
                                    "Contact jens.kruger@contoso.example if this keeps happening.\n"),
            std::nullopt);
}

TEST(FailedAddress, WhenSeveralAddressesRemainNoneIsTrusted) {
  EXPECT_EQ(explain::failed_address("Delivery failed for jane@example.com"), "jane@example.com");
  EXPECT_EQ(explain::failed_address("Mail to carol@example.net and dave@example.net failed"), std::nullopt);
  EXPECT_EQ(explain::failed_address("Mail to carol@example.net failed.\nThe server says CAROL@example.net is unknown"),
            "carol@example.net");
  EXPECT_EQ(explain::failed_address("550 5.1.1 User unknown"), std::nullopt);
}

TEST(FailedAddress, ATextThatNamesSeveralAsFailedNamesNone) {
  EXPECT_EQ(explain::failed_address("<alice@example.net>: host mx.example.net said: 550 5.1.1 User unknown\n"
                                    "<bob@example.net>: host mx.example.net said: 550 5.1.1 User unknown\n"),
            std::nullopt);
  // Cards for several recipients pasted together, one with an SMTP transcript.
  EXPECT_EQ(explain::failed_address("alice@example.net HARD BOUNCE\n  Server said: 550 5.1.1 <alice@example.net>\n\n"
                                    "lucas@example.net soft bounce\n  Server said: after RCPT TO:<lucas@example.net>: 554\n"),
            std::nullopt);
  EXPECT_EQ(explain::failed_address("The following address(es) failed:\n\n  alice@example.net\n"
                                    "    SMTP error from remote mail server after RCPT TO:<Alice@example.net>:\n"
                                    "    550 5.1.1 <alice@example.net>: Recipient address rejected\n"),
            "alice@example.net");
}

template <typename F>
double seconds_taken(F&& run) {
  const auto start = std::chrono::steady_clock::now();
  run();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

TEST(FailedAddress, AMegabyteOfCuesAndQuotedSendersIsQuick) {
  std::string line;
  while (line.size() < (size_t{1} << 20)) line += "RCPT TO:<postmaster@example.com> MAIL FROM:<a@example.com> ";
  std::string quoted;
  for (int i = 0; quoted.size() < (size_t{1} << 20); ++i) {
    quoted += "From: sender" + std::to_string(i) + "@example.com\nsender" + std::to_string(i) + "@example.com\n";
  }
  const double taken = seconds_taken([&] {
    EXPECT_EQ(explain::failed_address(line), std::nullopt);
    EXPECT_EQ(explain::failed_address(quoted), std::nullopt);
    EXPECT_TRUE(explain_text(line).ok());
  });
  EXPECT_LT(taken, 30.0);  // a hang guard, not a benchmark: a quadratic path takes minutes
}

TEST(ExplainForwardedBounce, GmailInlineForwardNamesTheFailedAddress) {
  const TextExplanation e = explained(read_fixture("explain/fwd-gmail-inline.eml"));
  ASSERT_EQ(e.records.size(), 1u);
  EXPECT_EQ(e.records[0].recipient, "info@shop-old.example");
  EXPECT_EQ(e.reason, Reason::kUserUnknown);
  EXPECT_FALSE(contains(words_of(e), "mailer-daemon")) << words_of(e);
  EXPECT_FALSE(contains(words_of(e), "anna.berg")) << words_of(e);
}

TEST(ExplainForwardedBounce, OutlookForwardNeverNamesTheUserHimself) {
  for (const std::string& text : testing::with_lf_and_crlf("explain/fwd-outlook-inline-crlf.eml")) {
    const TextExplanation e = explained(text);
    ASSERT_EQ(e.records.size(), 1u);
    EXPECT_EQ(e.records[0].recipient, "accounts@fabrikam.example");
    EXPECT_FALSE(contains(words_of(e), "jens.kruger")) << words_of(e);
    EXPECT_FALSE(contains(words_of(e), "MicrosoftExchange")) << words_of(e);
  }
}

TEST(ExplainForwardedBounce, AnAttachedBounceIsDecodedAsDecodeReadsIt) {
  const TextExplanation e = explained(read_fixture("explain/fwd-attached-eml.eml"));
  ASSERT_EQ(e.records.size(), 1u);
  EXPECT_EQ(e.records[0].recipient, "orders@shop.example");
  EXPECT_EQ(e.records[0].status, "5.1.1");
  EXPECT_FALSE(contains(words_of(e), "4NqAbC1dEfz9")) << words_of(e);  // the bounce's Message-Id
}

TEST(ExplainForwardedBounce, APastedForwardBodyIsReadFromItsQuotedHeaders) {
  const TextExplanation e = explained(read_fixture("explain/pasted-gmail-forward-body.txt"));
  ASSERT_EQ(e.records.size(), 1u);
  EXPECT_EQ(e.records[0].recipient, "info@shop-old.example");
  EXPECT_TRUE(e.records[0].hard_bounce);
  EXPECT_FALSE(contains(words_of(e), "mailer-daemon")) << words_of(e);
}

TEST(ExplainForwardedBounce, APastedNoticeWithoutHeadersNamesTheAddressItReports) {
  const TextExplanation e = explained(read_fixture("explain/pasted-office365-ndr-body.txt"));
  EXPECT_EQ(e.reason, Reason::kUserUnknown);
  EXPECT_TRUE(contains(e.summary, "accounts@fabrikam.example")) << e.summary;
  EXPECT_TRUE(contains(words_of(e), "Remove accounts@fabrikam.example")) << words_of(e);
}

TEST(ExplainForwardedBounce, ANoticeThatNamesNoAddressNamesTheOneItsVerpPathEncodes) {
  // The notice's only addresses are the postmaster's and the returned message's own headers (the
  // sender's); it was sent to "bounces+jane.doe=example.net@...", as decode reads it.
  const TextExplanation e = explained(read_fixture("explain/verp-only-recipient.eml"));
  EXPECT_EQ(e.reason, Reason::kUserUnknown);
  EXPECT_TRUE(e.hard_bounce);
  EXPECT_TRUE(contains(e.summary, "jane.doe@example.net")) << e.summary;
  EXPECT_FALSE(contains(words_of(e), "news@shop.example")) << words_of(e);
}

// ---- reports that are not bounces ----

struct NotABounce {
  std::string_view fixture;
  std::string_view kind;
};

TEST(ExplainOtherReport, ReportsAndReceiptsSayWhatTheyAreAndThatNothingBounced) {
  for (const NotABounce& report : {NotABounce{"explain/dmarc-plain-xml.eml", "dmarc-aggregate-report"},
                                   NotABounce{"explain/dmarc-google-zip.eml", "dmarc-aggregate-report"},
                                   NotABounce{"explain/tlsrpt-json.eml", "tls-report"},
                                   NotABounce{"explain/mdn-thunderbird-displayed.eml", "read-receipt"},
                                   NotABounce{"explain/mdn-exchange-notread-crlf.eml", "read-receipt"}}) {
    const TextExplanation e = explained(read_fixture(std::string(report.fixture)));
    EXPECT_EQ(e.not_a_bounce, report.kind) << report.fixture;
    EXPECT_EQ(e.reason, Reason::kUndefined) << report.fixture;
    EXPECT_FALSE(e.hard_bounce) << report.fixture;
    EXPECT_TRUE(e.records.empty()) << report.fixture;
    EXPECT_TRUE(contains(e.summary, "not a bounce")) << e.summary;
    EXPECT_TRUE(contains(e.summary, "Nothing bounced")) << e.summary;
    // Not authfailure's "SPF, DKIM or DMARC (...) failed. This is on your side, not the recipient's."
    EXPECT_FALSE(contains(words_of(e), "on your side")) << words_of(e);
  }
}

TEST(ExplainOtherReport, APastedReportIsKnownWithoutItsHeaders) {
  EXPECT_EQ(explained("<?xml version=\"1.0\"?>\n<feedback>\n  <report_metadata>\n    <org_name>google.com</org_name>\n"
                      "  <policy_evaluated><dkim>fail</dkim><spf>fail</spf></policy_evaluated>")
                .not_a_bounce,
            "dmarc-aggregate-report");
  EXPECT_EQ(explained("{\"organization-name\": \"Google Inc.\", \"policies\": [{\"summary\": "
                      "{\"total-successful-session-count\": 4210, \"total-failure-session-count\": 12}}]}")
                .not_a_bounce,
            "tls-report");
  EXPECT_EQ(explained("Final-Recipient: rfc822;maria.rossi@example.net\n"
                      "Disposition: manual-action/MDN-sent-manually; displayed\n")
                .not_a_bounce,
            "read-receipt");
}

TEST(ExplainOtherReport, ABounceIsStillABounceWhateverItsWordsMention) {
  const TextExplanation reply = explained("550 5.1.1 <tlsrpt@example.com>: Recipient address rejected: User unknown");
  EXPECT_TRUE(reply.not_a_bounce.empty());
  EXPECT_EQ(reply.reason, Reason::kUserUnknown);

  // A DMARC report that bounced: the bounce returns the report's headers.
  const std::string bounced_report =
      "From: MAILER-DAEMON@mail.example.net (Mail Delivery System)\n"
      "To: dmarc-noreply@mail.example.net\n"
      "Subject: Undelivered Mail Returned to Sender\n"
      "Content-Type: multipart/report; report-type=delivery-status; boundary=\"b1\"\n\n"
      "--b1\nContent-Type: text/plain\n\n"
      "<rua@example.com>: host mx.example.com[192.0.2.10] said: 550 5.1.1 User unknown\n\n"
      "--b1\nContent-Type: message/delivery-status\n\n"
      "Reporting-MTA: dns; mail.example.net\n\n"
      "Final-Recipient: rfc822; rua@example.com\nAction: failed\nStatus: 5.1.1\n\n"
      "--b1\nContent-Type: text/rfc822-headers\n\n"
      "From: dmarc-noreply@mail.example.net\nTo: rua@example.com\n"
      "Subject: Report Domain: example.com Submitter: mail.example.net Report-ID: 1764374400\n\n"
      "--b1--\n";
  const TextExplanation bounce = explained(bounced_report);
  EXPECT_TRUE(bounce.not_a_bounce.empty());
  ASSERT_EQ(bounce.records.size(), 1u);
  EXPECT_EQ(bounce.records[0].recipient, "rua@example.com");
}

}  // namespace
}  // namespace bounceback
