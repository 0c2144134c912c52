// The classic MTA formats (Exim and its offshoots, qmail, Sendmail 8 and 5, OpenSMTPD, DragonFly,
// Courier, Domino, Notes, IMail, m-FILTER, Messaging Server, MailMarshal, Apache James, MDaemon, fml,
// hMailServer, GroupWise, Microsoft's SMTP service and the unnamed X1, X3, X6) decoded end to end
// through the public Decoder, one fixture each.
#include <gtest/gtest.h>

#include <fstream>
#include <optional>
#include <sstream>
#include <string>

#include "bounceback/decoder.h"
#include "support.h"

namespace bounceback {
namespace {

using testing::with_crlf;

std::string read_fixture(const std::string& name) { return testing::read_fixture("formats/" + name); }

DecodeResult decode(const std::string& message) { return Decoder().decode(message, "test"); }

// What one fixture must decode to; empty or absent fields are not checked.
struct Expected {
  std::string fixture;
  std::string decoder;
  std::string recipient;
  std::optional<int> reply_code;
  std::string status;
  std::string command;
  std::string action;
};

std::ostream& operator<<(std::ostream& out, const Expected& e) { return out << e.fixture; }

class FormatFixture : public ::testing::TestWithParam<Expected> {};

TEST_P(FormatFixture, DecodesRecipientCodesAndCommand) {
  const Expected& e = GetParam();
  const DecodeResult result = decode(read_fixture(e.fixture));
  ASSERT_TRUE(result.is_report);
  ASSERT_FALSE(result.records.empty());
  const Record& r = result.records.front();
  EXPECT_EQ(r.decoder, e.decoder);
  EXPECT_EQ(r.recipient.value_or(""), e.recipient);
  if (e.reply_code) {
    EXPECT_EQ(r.reply_code, e.reply_code);
  }
  if (!e.status.empty()) {
    EXPECT_EQ(r.status.value_or(""), e.status);
  }
  EXPECT_EQ(r.command.value_or(""), e.command);
  EXPECT_EQ(r.action.value_or(""), e.action);
}

INSTANTIATE_TEST_SUITE_P(
    ClassicMtas, FormatFixture,
    ::testing::Values(
        // "after pipelined RCPT TO:" names the command; the reply follows on its own line.
        Expected{"exim-two-recipients.eml", "exim", "bob@mail.example.net", 550, "5.1.1", "RCPT", "failed"},
        // Russian and English lists of the same address give one record.
        Expected{"exim-mailru.eml", "mailru", "petr@mailbox.example.com", 552, "5.2.2", "RCPT", "failed"},
        Expected{"exim-mxlogic.eml", "mxlogic", "pat@corp.example.net", 550, "5.1.1", "", "failed"},
        Expected{"qmail-two-recipients.eml", "qmail", "erik@mail.example.com", 550, "5.1.1", "RCPT", "failed"},
        Expected{"dragonfly-data.eml", "dragonfly", "ops@tracker.example.com", 554, "5.7.1", "DATA", "failed"},
        Expected{"opensmtpd-mixed.eml", "opensmtpd", "hank@mail.example.com", 550, "5.1.1", "", "failed"},
        // ">>> DATA" then the pipelined RCPT reply, then DATA's own "503 Need RCPT".
        Expected{"sendmail-pipelined.eml", "sendmail", "kim@shop.example.com", 550, "5.7.1", "RCPT", "failed"},
        Expected{"v5sendmail-transcript.eml", "v5sendmail", "max@example.com", 550, "", "RCPT", "failed"},
        Expected{"imail-response.eml", "imailserver", "paul@isp.example.com", 552, "5.2.2", "RCPT", "failed"},
        Expected{"mfilter-data.eml", "mfilter", "hanako@partner.example.com", 550, "5.7.1", "DATA", "failed"},
        Expected{"notes-failure-reasons.eml", "notes", "rita@notes.example.com", std::nullopt, "", "", "failed"},
        Expected{"domino-directory.eml", "domino", "tina@domino.example.com", std::nullopt, "", "", "failed"},
        Expected{"messagingserver-rejected.eml", "messagingserver", "victor@dest.example.com", 550, "5.1.1", "RCPT",
                 "failed"},
        Expected{"x1-delivery-errors.eml", "x1", "xavier@dest.example.com", std::nullopt, "", "", "failed"},
        Expected{"x3-technical-details.eml", "x3", "zeno@dest.example.net", 550, "5.1.1", "RCPT", "failed"},
        Expected{"mailmarshal-affected.eml", "mailmarshal", "beth@partner.example.net", 550, "5.7.1", "", "failed"},
        Expected{"apachejames-error.eml", "apachejames", "dirk@james.example.com", 550, "", "", "failed"},
        Expected{"x6-rcpt.eml", "x6", "fay@dest.example.net", 550, "5.1.1", "RCPT", "failed"},
        Expected{"courier-rcpt.eml", "courier", "hedy@dest.example.com", 550, "5.1.1", "RCPT", "failed"},
        Expected{"mdaemon-transcript.eml", "mdaemon", "kate@dest.example.net", 550, "5.1.1", "RCPT", "failed"},
        Expected{"hmailserver-rcpt.eml", "hmailserver", "mia@dest.example.com", 550, "5.1.1", "RCPT", "failed"},
        Expected{"groupwise-undeliverable.eml", "groupwise", "olive@nohost.example.net", std::nullopt, "", "",
                 "failed"},
        Expected{"smtpsvc-failed.eml", "smtpsvc", "quinn@dest.example.org", 550, "5.1.1", "", "failed"},
        // The list that refused the post is the recipient.
        Expected{"fml-loop.eml", "fml", "tea@lists.example.jp", std::nullopt, "", "", "failed"}));

// MDaemon logs the host it looked up and the address it connected to; a refusal in the greeting
// answers the connection.
TEST(MDaemonFormat, ReadsTheServerAndARefusalAtConnection) {
  const DecodeResult rcpt = decode(read_fixture("mdaemon-transcript.eml"));
  ASSERT_EQ(rcpt.records.size(), 1u);
  EXPECT_EQ(rcpt.records[0].remote_ip.value_or(""), "198.51.100.61");
  EXPECT_EQ(rcpt.records[0].command.value_or(""), "RCPT");

  const DecodeResult greeting = decode(testing::read_fixture("unseen/mdaemon-barracuda-brbl.eml"));
  ASSERT_EQ(greeting.records.size(), 1u);
  const Record& r = greeting.records[0];
  EXPECT_EQ(r.remote_mta.value_or(""), "mx.zahnlabor-weber.example");
  EXPECT_EQ(r.remote_ip.value_or(""), "198.51.100.140");
  EXPECT_EQ(r.command.value_or(""), "CONN");
  EXPECT_EQ(r.reason, Reason::kBlocked);
  // No original is attached: the transcript's "*  From:" and "*  Subject:" name it.
  EXPECT_EQ(r.sender.value_or(""), "praxis@dentalcare-koch.example");
  EXPECT_EQ(r.subject.value_or(""), "Rechnung 2026-1125");
}

// hMailServer attaches no original either: Outlook's header quotes its subject, and the sender is
// what hMailServer sent with MAIL FROM.
TEST(HMailServerFormat, QuotesTheBouncedMessagesSubjectAndSender) {
  const DecodeResult refused_at_mail = decode(testing::read_fixture("unseen/hmailserver-spamcop.eml"));
  ASSERT_EQ(refused_at_mail.records.size(), 1u);
  EXPECT_EQ(refused_at_mail.records[0].sender.value_or(""), "vorstand@fotoclub-lindau.example");
  EXPECT_EQ(refused_at_mail.records[0].subject.value_or(""), "Einladung Jahreshauptversammlung");

  const DecodeResult refused_at_rcpt = decode(read_fixture("hmailserver-rcpt.eml"));
  ASSERT_EQ(refused_at_rcpt.records.size(), 1u);
  EXPECT_EQ(refused_at_rcpt.records[0].subject.value_or(""), "Minutes");
}

// Postfix's Remote-MTA field names the host alone; its notice's "host mx3.qq.com[203.205.219.57]
// said:" gives the address, for that host only.
TEST(PostfixFormat, TheNoticeGivesTheAddressOfTheRemoteHost) {
  const std::string notice = testing::read_fixture("unseen/postfix-qq-mailbox-not-found.eml");
  const DecodeResult same_host = decode(notice);
  ASSERT_EQ(same_host.records.size(), 1u);
  EXPECT_EQ(same_host.records[0].remote_mta.value_or(""), "mx3.qq.com");
  EXPECT_EQ(same_host.records[0].remote_ip.value_or(""), "203.205.219.57");

  std::string other = notice;
  other.replace(other.find("Remote-MTA: dns; mx3.qq.com"), 27, "Remote-MTA: dns; mx9.qq.com");
  const DecodeResult other_host = decode(other);
  ASSERT_EQ(other_host.records.size(), 1u);
  EXPECT_EQ(other_host.records[0].remote_mta.value_or(""), "mx9.qq.com");
  EXPECT_FALSE(other_host.records[0].remote_ip.has_value());
}

TEST(EximFormat, ReadsEveryListedAddressAndTheExpiry) {
  const DecodeResult result = decode(read_fixture("exim-two-recipients.eml"));
  ASSERT_EQ(result.records.size(), 2u);
  const Record& expired = result.records[1];
  EXPECT_EQ(expired.recipient.value_or(""), "carol@slow.example.com");
  EXPECT_EQ(expired.reason, Reason::kExpired);
  EXPECT_EQ(result.records[0].remote_mta.value_or(""), "mx1.mail.example.net");
  EXPECT_EQ(result.records[0].remote_ip.value_or(""), "198.51.100.25");
}

TEST(EximFormat, CrlfLineEndingsDecodeTheSame) {
  const DecodeResult lf = decode(read_fixture("exim-two-recipients.eml"));
  const DecodeResult crlf = decode(with_crlf(read_fixture("exim-two-recipients.eml")));
  ASSERT_EQ(crlf.records.size(), lf.records.size());
  for (size_t i = 0; i < lf.records.size(); ++i) {
    EXPECT_EQ(crlf.records[i].recipient, lf.records[i].recipient);
    EXPECT_EQ(crlf.records[i].diagnostic, lf.records[i].diagnostic);
    EXPECT_EQ(crlf.records[i].command, lf.records[i].command);
  }
}

TEST(QmailFormat, StatesHostUnknownForItsOwnLookupFailure) {
  const DecodeResult result = decode(read_fixture("qmail-two-recipients.eml"));
  ASSERT_EQ(result.records.size(), 2u);
  EXPECT_EQ(result.records[1].recipient.value_or(""), "frida@nowhere.example.net");
  EXPECT_EQ(result.records[1].reason, Reason::kHostUnknown);
  EXPECT_EQ(result.records[0].remote_ip.value_or(""), "198.51.100.30");
}

TEST(OpenSmtpdFormat, StatesHostUnknownForAMissingDomain) {
  const DecodeResult result = decode(read_fixture("opensmtpd-mixed.eml"));
  ASSERT_EQ(result.records.size(), 2u);
  EXPECT_EQ(result.records[1].recipient.value_or(""), "ida@gone.example.net");
  EXPECT_EQ(result.records[1].reason, Reason::kHostUnknown);
}

TEST(V5SendmailFormat, ReadsSendmailsVerdictWhenNoSessionNamesTheAddress) {
  const DecodeResult result = decode(read_fixture("v5sendmail-transcript.eml"));
  ASSERT_EQ(result.records.size(), 2u);
  EXPECT_EQ(result.records[1].recipient.value_or(""), "nina@lost.example.net");
  EXPECT_EQ(result.records[1].reason, Reason::kHostUnknown);
  EXPECT_EQ(result.records[1].command, std::nullopt);
}

TEST(GroupWiseFormat, StatesHostUnknownFromItsParentheses) {
  const DecodeResult result = decode(read_fixture("groupwise-undeliverable.eml"));
  ASSERT_EQ(result.records.size(), 1u);
  EXPECT_EQ(result.records[0].reason, Reason::kHostUnknown);
}

TEST(ClassicMtaFormats, ProseQuotingTheirWordsIsNotAReport) {
  const DecodeResult result = decode(read_fixture("qmail-lookalike-not-a-bounce.eml"));
  EXPECT_FALSE(result.is_report);
  EXPECT_TRUE(result.records.empty());
}

TEST(ClassicMtaFormats, TruncatedNoticesDoNotCrash) {
  // Every prefix of a notice is hostile input of its own: cut lists, cut transcripts.
  for (const char* name : {"exim-two-recipients.eml", "qmail-two-recipients.eml", "sendmail-pipelined.eml",
                           "v5sendmail-transcript.eml", "opensmtpd-mixed.eml", "x6-rcpt.eml", "imail-response.eml"}) {
    const std::string text = read_fixture(name);
    for (size_t size = 0; size < text.size(); size += 7) decode(text.substr(0, size));
  }
}

}  // namespace
}  // namespace bounceback
