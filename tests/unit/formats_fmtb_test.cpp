// Provider and appliance bounce formats (Gmail, Google Groups, Yahoo, Exchange, Office 365, Amazon
// SES and WorkMail, GMX/1&1, au/KDDI, Verizon, Zoho, InterScan, Mimecast), decoded end to end
// through the public Decoder from fixtures in each provider's layout and wording.
#include <gtest/gtest.h>

#include <fstream>
#include <optional>
#include <sstream>
#include <string>

#include "bounceback/decoder.h"
#include "support.h"
#include "formats/json_scan.h"

namespace bounceback {
namespace {

using testing::with_crlf;

std::string read_fixture(const std::string& name) { return testing::read_fixture("formats/" + name); }

DecodeResult decode(const std::string& message) { return Decoder().decode(message, "test"); }

DecodeResult decode_fixture(const std::string& name) { return decode(read_fixture(name)); }

// What one record must say; unset fields are not checked.
struct Expected {
  std::string decoder;
  std::string recipient;
  std::optional<std::string> status;
  std::optional<int> reply_code;
  std::optional<std::string> command;
  std::optional<std::string> action;
};

void expect_record(const Record& r, const Expected& e) {
  EXPECT_EQ(r.decoder, e.decoder);
  EXPECT_EQ(r.recipient.value_or(""), e.recipient);
  if (e.status) {
    EXPECT_EQ(r.status.value_or(""), *e.status) << e.recipient;
  }
  if (e.reply_code) {
    EXPECT_EQ(r.reply_code.value_or(0), *e.reply_code) << e.recipient;
  }
  if (e.command) {
    EXPECT_EQ(r.command.value_or(""), *e.command) << e.recipient;
  }
  if (e.action) {
    EXPECT_EQ(r.action.value_or(""), *e.action) << e.recipient;
  }
}

void expect_single(const std::string& fixture, const Expected& e) {
  SCOPED_TRACE(fixture);
  const DecodeResult result = decode_fixture(fixture);
  ASSERT_TRUE(result.is_report);
  ASSERT_EQ(result.records.size(), 1u);
  expect_record(result.records[0], e);
}

TEST(GmailFormat, ClassicLayoutGivesRecipientServerWordsAndStateCommand) {
  expect_single("gmail-classic.eml", {"gmail", "bob.rcpt@lists.example.net", "5.1.1", 550, "RCPT", "failed"});
  const Record r = decode_fixture("gmail-classic.eml").records[0];
  EXPECT_EQ(r.remote_mta.value_or(""), "mx2.lists.example.net");
  EXPECT_EQ(r.remote_ip.value_or(""), "203.0.113.7");
  EXPECT_EQ(r.diagnostic.value_or("").rfind("550 5.1.1 <bob.rcpt@lists.example.net>", 0), 0u);
}

TEST(GmailFormat, CurrentLayoutFillsTheEmptyDiagnosticFromTheResponse) {
  expect_single("gmail-current.eml", {"gmail", "dave@slow.example.com", "4.4.1", std::nullopt, std::nullopt, "delayed"});
  const Record r = decode_fixture("gmail-current.eml").records[0];
  EXPECT_EQ(r.kind, Kind::kDelay);
  EXPECT_NE(r.diagnostic.value_or("").find("did not accept our requests to connect"), std::string::npos);
  EXPECT_EQ(r.reason, Reason::kExpired);
}

TEST(GoogleGroupsFormat, NamesTheGroupFromXFailedRecipients) {
  expect_single("googlegroups.eml", {"googlegroups", "book-club@googlegroups.com", std::nullopt, std::nullopt, std::nullopt, "failed"});
  EXPECT_EQ(decode_fixture("googlegroups.eml").records[0].reason, Reason::kRejected);
}

TEST(YahooFormat, ReadsTheCommandTag) {
  expect_single("yahoo.eml", {"yahoo", "grace@mail.example.de", "5.2.2", 552, "RCPT", "failed"});
  EXPECT_EQ(decode_fixture("yahoo.eml").records[0].diagnostic.value_or(""),
            "552 5.2.2 <grace@mail.example.de>: mailbox over quota");
}

TEST(YahooFormat, CrlfLineEndingsDecodeTheSame) {
  const DecodeResult result = decode(with_crlf(read_fixture("yahoo.eml")));
  ASSERT_EQ(result.records.size(), 1u);
  expect_record(result.records[0], {"yahoo", "grace@mail.example.de", "5.2.2", 552, "RCPT", "failed"});
}

TEST(Exchange2003Format, KeepsTheServerWordsWithoutTheMtsId) {
  expect_single("exchange2003.eml", {"exchange2003", "ivan@corp.example.com", std::nullopt, std::nullopt, std::nullopt, "failed"});
  const Record r = decode_fixture("exchange2003.eml").records[0];
  EXPECT_EQ(r.diagnostic.value_or(""),
            "The recipient name is not recognized MSEXCH:IMS:Corp:HQ:HQEX01 0 (000C05A6) Unknown Recipient");
}

TEST(Exchange2007Format, ReadsTheLocalisedAdministratorsSection) {
  expect_single("exchange2007.eml", {"exchange2007", "karl@intra.example.fr", "5.2.3", 550, std::nullopt, "failed"});
  const Record r = decode_fixture("exchange2007.eml").records[0];
  EXPECT_EQ(r.diagnostic.value_or(""), "550 5.2.3 RESOLVER.RST.RecipSizeLimit; message too large for this recipient");
  EXPECT_EQ(r.reason, Reason::kExceedLimit);
}

// On-premises Exchange quotes a remote server's reply after that server's name:
// "mx.example.net #550 5.1.1 <p.novak@example.net>: Recipient address rejected: ... ##"; the
// notice carries its original as winmail.dat (application/ms-tnef), which is not read.
TEST(Exchange2007Format, ReadsTheRemoteHostThatGaveTheReply) {
  expect_single("exchange2016-remote-reply-tnef.eml", {"exchange2007", "p.novak@example.net", "5.1.1", 550, std::nullopt, "failed"});
  const Record r = decode_fixture("exchange2016-remote-reply-tnef.eml").records[0];
  EXPECT_EQ(r.remote_mta.value_or(""), "mx.example.net");
  EXPECT_EQ(r.diagnostic.value_or(""),
            "550 5.1.1 <p.novak@example.net>: Recipient address rejected: User unknown in virtual mailbox table");
  EXPECT_EQ(r.reason, Reason::kUserUnknown);
}

TEST(Office365Format, IsTheExchangeLayoutFromExchangeOnline) {
  expect_single("office365.eml", {"office365", "mallory@contoso.example", "5.1.10", 550, std::nullopt, "failed"});
}

TEST(Office365Format, ReadsTheErrorDetailsOfANoticeWithoutADsnPart) {
  // The layout since 2023: "Error:" and "Message rejected by:" under "Error Details".
  expect_single("office365-error-details.eml",
                {"office365", "bob@fabrikam.example", "5.1.10", 550, std::nullopt, "failed"});
  const Record r = decode_fixture("office365-error-details.eml").records[0];
  EXPECT_EQ(r.reason, Reason::kUserUnknown);
  EXPECT_EQ(r.remote_mta.value_or(""), "DM6PR01MB1234.prod.exchangelabs.com");
  EXPECT_EQ(r.diagnostic.value_or(""),
            "550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup");
}

// MTAs no family knows are read by the generic text reader: the address, the server's words, the host.
TEST(UnknownFormat, CommuniGateNoticeIsReadByTheTextReader) {
  const Record r = decode_fixture("communigate-unknown-format.eml").records.at(0);
  EXPECT_EQ(r.decoder, "text");
  EXPECT_EQ(r.recipient, "jane@example.net");
  EXPECT_EQ(r.remote_mta.value_or(""), "mx.example.net");
  EXPECT_EQ(r.reason, Reason::kUserUnknown);
  EXPECT_TRUE(r.hard_bounce);
}

TEST(UnknownFormat, MailEnableNoticeIsReadByTheTextReader) {
  const Record r = decode_fixture("mailenable-unknown-format.eml").records.at(0);
  EXPECT_EQ(r.recipient, "jane@example.net");
  EXPECT_EQ(r.reason, Reason::kMailboxFull);
  EXPECT_EQ(r.status.value_or(""), "5.2.2");
  EXPECT_NE(r.diagnostic.value_or("").find("552 5.2.2"), std::string::npos);
}

TEST(AmazonWorkMailFormat, ReadsInlineDsnFieldsAndTheLastReplyBeforeExpiry) {
  expect_single("amazonworkmail.eml", {"amazonworkmail", "oscar@remote.example.net", std::nullopt, 421, std::nullopt, "failed"});
  EXPECT_EQ(decode_fixture("amazonworkmail.eml").records[0].reason, Reason::kExpired);
}

TEST(AmazonSesFormat, ReadsABounceNotificationInsideAnSnsEnvelope) {
  expect_single("amazonses-sns.eml", {"amazonses", "peggy@gone.example.com", "5.1.1", std::nullopt, std::nullopt, "failed"});
  const Record r = decode_fixture("amazonses-sns.eml").records[0];
  EXPECT_NE(r.diagnostic.value_or("").find("Amazon SES has suppressed sending"), std::string::npos);
  EXPECT_EQ(r.reporting_mta.value_or(""), "a8-30.smtp-out.amazonses.com");
}

TEST(AmazonSesFormat, ReadsAComplaintAcrossSnsLineWrapping) {
  const DecodeResult result = decode_fixture("amazonses-complaint.eml");
  ASSERT_EQ(result.records.size(), 1u);
  const Record& r = result.records[0];
  EXPECT_EQ(r.decoder, "amazonses");
  EXPECT_EQ(r.kind, Kind::kFeedback);
  EXPECT_EQ(r.recipient.value_or(""), "quentin@mail.example.org");
  EXPECT_EQ(r.feedback_type.value_or(""), "abuse");
}

TEST(GmxFormat, ReadsQuotedRecipientsEachWithItsHostAndCommand) {
  const DecodeResult result = decode_fixture("gmx.eml");
  ASSERT_EQ(result.records.size(), 2u);
  expect_record(result.records[0], {"gmx", "sybil@example.at", "5.1.1", 550, "RCPT", "failed"});
  expect_record(result.records[1], {"gmx", "trent@example.at", "4.2.2", 452, "RCPT", "failed"});
  EXPECT_EQ(result.records[1].remote_mta.value_or(""), "mx01.example.at");
}

TEST(EzwebFormat, ReadsTheEnglishStatementInAJapaneseNotice) {
  expect_single("ezweb.eml", {"ezweb", "wendy-no-such-phone@ezweb.ne.jp", std::nullopt, std::nullopt, std::nullopt, "failed"});
  const Record r = decode_fixture("ezweb.eml").records[0];
  EXPECT_EQ(r.diagnostic.value_or(""), "The user(s) account is disabled.");
  EXPECT_EQ(r.reason, Reason::kSuspend);
}

TEST(KddiFormat, ReadsTheRecipientAndStatement) {
  expect_single("kddi.eml", {"kddi", "yvonne@a123456.dion.ne.jp", std::nullopt, std::nullopt, std::nullopt, "failed"});
  EXPECT_EQ(decode_fixture("kddi.eml").records[0].reason, Reason::kMailboxFull);
}

TEST(VerizonFormat, ReadsTheSmsGatewayNotice) {
  expect_single("verizon.eml", {"verizon", "2025550143@vtext.com", std::nullopt, 550, std::nullopt, "failed"});
}

TEST(ZohoFormat, DropsZohosLabelsAroundTheReply) {
  expect_single("zoho.eml", {"zoho", "brian@example.net", "5.1.1", 550, std::nullopt, "failed"});
  EXPECT_EQ(decode_fixture("zoho.eml").records[0].diagnostic.value_or(""),
            "550 5.1.1 <brian@example.net>... Recipient unknown");
}

TEST(TrendMicroFormat, ReadsTheFailedExchange) {
  expect_single("trendmicro.eml", {"trendmicro", "dana@branch.example.co.jp", "5.1.1", 550, "RCPT", "failed"});
}

TEST(MimecastFormat, ReadsTheListedItems) {
  expect_single("mimecast.eml", {"mimecast", "fred@branch.example.co.uk", "5.1.1", std::nullopt, std::nullopt, "failed"});
}

TEST(SendGridFormat, TakesTheReplyAndStepFromTheSummaryLine) {
  expect_single("sendgrid.eml", {"sendgrid", "kim@shop.example.com", "5.1.1", 550, "RCPT", "failed"});
  EXPECT_EQ(decode_fixture("sendgrid.eml").records[0].diagnostic.value_or(""),
            "550 5.1.1 <kim@shop.example.com>: unknown user");
}

TEST(ProviderFormats, AMessageQuotingTheirWordingIsNotAReport) {
  const DecodeResult result = decode_fixture("not-a-bounce.eml");
  EXPECT_FALSE(result.is_report);
  EXPECT_TRUE(result.records.empty());
}

TEST(ProviderFormats, TruncatedNoticesDoNotCrash) {
  for (const char* name : {"gmail-classic.eml", "googlegroups.eml", "yahoo.eml", "exchange2003.eml", "exchange2007.eml",
                           "office365.eml", "office365-error-details.eml", "amazonworkmail.eml", "amazonses-sns.eml", "amazonses-complaint.eml", "gmx.eml",
                           "ezweb.eml", "kddi.eml", "verizon.eml", "zoho.eml", "trendmicro.eml", "mimecast.eml",
                           "sendgrid.eml"}) {
    const std::string message = read_fixture(name);
    for (size_t cut = 0; cut < message.size(); cut += 7) decode(message.substr(0, cut));
  }
}

}  // namespace

namespace formats::json {
namespace {

TEST(JsonScan, ReadsNestedKeysAndUnescapesStrings) {
  const std::string_view text = R"({"a":{"name":"x\"y\u00e9\ud83d\ude00","list":[{"k":"v1"},{"k":"v2"}, "s"]}})";
  EXPECT_EQ(string_of(text, "name").value_or(""), "x\"y\xC3\xA9\xF0\x9F\x98\x80");
  const std::vector<std::string_view> items = elements_of(composite_of(text, "list"));
  ASSERT_EQ(items.size(), 3u);
  EXPECT_EQ(string_of(items[1], "k").value_or(""), "v2");
  EXPECT_EQ(as_string(items[2]).value_or(""), "s");
}

TEST(JsonScan, AKeyNameInsideAValueIsNotTheKey) {
  EXPECT_EQ(string_of(R"({"note":"status","status":"5.1.1"})", "status").value_or(""), "5.1.1");
  EXPECT_FALSE(string_of(R"({"note":"\"status\":\"x\""})", "status").has_value());
}

TEST(JsonScan, BrokenJsonYieldsWhatCanBeRead) {
  EXPECT_FALSE(string_of("", "a").has_value());
  EXPECT_FALSE(string_of(R"({"a":)", "a").has_value());
  EXPECT_EQ(string_of(R"({"a":"unterminated)", "a").value_or(""), "unterminated");
  EXPECT_EQ(string_of(R"({"a":"bad \u12 escape\)", "a").value_or("").substr(0, 4), "bad ");
  EXPECT_EQ(composite_of(R"({"a":[1,[2,)", "a"), "[1,[2,");
  EXPECT_EQ(elements_of("[1,[2,").size(), 2u);
  EXPECT_EQ(string_of(R"({"a":"\ud800"})", "a").value_or(""), "\xEF\xBF\xBD");
}

}  // namespace
}  // namespace formats::json
}  // namespace bounceback
