// Mailing lists through the public Decoder: list managers' notices to owners and refusals of posts
// (Mailman, Sympa), VERP return paths, RFC 6533 UTF-8 addresses and X-Original-To.
#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "bounceback/decoder.h"
#include "formats/verp.h"
#include "mime/decoding.h"
#include "support.h"
#include "util/text.h"

namespace bounceback {
namespace {

std::string fixture(const std::string& name) { return testing::read_fixture("lists/" + name); }

DecodeResult decode_fixture(const std::string& name) { return Decoder().decode(fixture(name), name); }

// No record of a list manager's notice may name the list's own or the site's addresses.
void expect_no_list_address(const DecodeResult& result, std::string_view list_domain) {
  for (const Record& r : result.records) {
    ASSERT_TRUE(r.recipient.has_value());
    EXPECT_FALSE(util::iends_with(*r.recipient, list_domain)) << *r.recipient;
  }
}

bool advice_says_delivered(const Record& r) {
  for (const std::string& line : r.advice) {
    if (util::icontains(line, "was delivered")) return true;
  }
  return util::icontains(r.summary, "nothing failed");
}

// ---- notices to a list's owners -----------------------------------------------------------------

TEST(ListOwnerNotice, MailmanBounceActionNoticeGivesTheAttachedBounceOfTheMember) {
  const DecodeResult result = decode_fixture("mailman2-bounce-action-notice.eml");
  ASSERT_EQ(result.records.size(), 1u);
  const Record& r = result.records[0];
  EXPECT_EQ(r.kind, Kind::kBounce);
  EXPECT_EQ(r.recipient, "mary-ann@example.net");  // not mailman@lists.example.org, the site admin
  EXPECT_EQ(r.decoder, "exim");
  EXPECT_EQ(r.reason, Reason::kMailboxFull);
  EXPECT_EQ(r.message_id, "<E1vQx2a-0004Zb-0x@mx.example.net>");  // the attached bounce's
  expect_no_list_address(result, "lists.example.org");
}

TEST(ListOwnerNotice, Mailman3DisableNoticeGivesTheAttachedDsn) {
  const DecodeResult result = decode_fixture("mailman3-disable-notice.eml");
  ASSERT_EQ(result.records.size(), 1u);
  const Record& r = result.records[0];
  EXPECT_EQ(r.recipient, "jane@example.net");
  EXPECT_EQ(r.reason, Reason::kUserUnknown);
  EXPECT_TRUE(r.hard_bounce);
  EXPECT_EQ(r.status, "5.1.1");
  expect_no_list_address(result, "example.org");
}

TEST(ListOwnerNotice, NoticeWithoutABounceIsNoReport) {
  for (const char* name : {"mailman3-removal-notice.eml", "sympa-bounce-management.eml"}) {
    const DecodeResult result = decode_fixture(name);
    EXPECT_FALSE(result.is_report) << name;
    EXPECT_TRUE(result.records.empty()) << name;
  }
}

TEST(ListOwnerNotice, UncaughtBounceWhoseAttachmentIsNoReportIsNoReport) {
  const DecodeResult result = decode_fixture("mailman2-uncaught-bounce.eml");
  EXPECT_FALSE(result.is_report);
  EXPECT_TRUE(result.records.empty());
}

TEST(ListOwnerNotice, ReportAnOldMailmanListDistributedIsStillTheReport) {
  // Mailman 2.0 passed a bounce sent to the list on to its members, without List-Post.
  const DecodeResult result = decode_fixture("mailman-distributed-dsn.eml");
  ASSERT_EQ(result.records.size(), 1u);
  EXPECT_EQ(result.records[0].recipient, "ken@example.net");
  EXPECT_EQ(result.records[0].reason, Reason::kUserUnknown);
}

// ---- refused posts ------------------------------------------------------------------------------

void expect_refused_post(const DecodeResult& result, std::string_view list, std::string_view decoder) {
  ASSERT_TRUE(result.is_report);
  ASSERT_EQ(result.records.size(), 1u);
  const Record& r = result.records[0];
  EXPECT_EQ(r.kind, Kind::kBounce);
  EXPECT_EQ(r.recipient, list);
  EXPECT_EQ(r.reason, Reason::kRejected);
  EXPECT_FALSE(r.hard_bounce);
  EXPECT_EQ(r.side, Side::kSender);
  EXPECT_EQ(r.decoder, decoder);
  EXPECT_TRUE(util::icontains(r.summary, "mailing list")) << r.summary;
  EXPECT_TRUE(util::icontains(r.summary, "refused your message")) << r.summary;
  EXPECT_FALSE(advice_says_delivered(r)) << r.summary;
  ASSERT_TRUE(r.diagnostic.has_value());
}

TEST(ListRefusedPost, SympaAuthorizationDeniedMarkedAutoRepliedIsARefusalNotAVacation) {
  const DecodeResult result = decode_fixture("sympa61-authorization-denied.eml");
  expect_refused_post(result, "partners@lists.example.org", "sympa");
  EXPECT_TRUE(util::icontains(*result.records[0].diagnostic, "restricted to list subscribers"));
  EXPECT_EQ(result.records[0].sender, "news@shop.example");
  EXPECT_EQ(result.records[0].original_message_id, "<news-20261130.6001@shop.example>");
}

TEST(ListRefusedPost, Sympa62DeliveryStatusNotificationKeepsItsStatusAndTellsTheListsWords) {
  const DecodeResult result = decode_fixture("sympa62-authorization-denied-dsn.eml");
  expect_refused_post(result, "partners@lists.example.org", "sympa");
  EXPECT_EQ(result.records[0].status, "5.7.1");
  EXPECT_FALSE(result.records[0].status_inferred);
  EXPECT_TRUE(util::icontains(*result.records[0].diagnostic, "not allowed to send this message"));
}

TEST(ListRefusedPost, MailmanNonMemberRejectionNamesTheListFromItsOwnerAddress) {
  // The post went to the list and a person (To: gardening@..., ann@...); the list is the one that
  // refused it, named by the owner address the refusal comes from.
  const DecodeResult result = decode_fixture("mailman2-nonmember-rejected.eml");
  expect_refused_post(result, "gardening@lists.example.org", "mailman");
}

TEST(ListRefusedPost, Mailman3RejectionIsARefusalAndNeverUnknownUser) {
  // "The message is not from a list member": the list's member roster, not a mailbox.
  const DecodeResult result = decode_fixture("mailman3-rejected.eml");
  expect_refused_post(result, "members@example.org", "mailman");
  EXPECT_NE(result.records[0].reason, Reason::kUserUnknown);
}

TEST(ListRefusedPost, ModeratorRejectionTellsTheModeratorsReason) {
  const DecodeResult result = decode_fixture("mailman3-moderator-refused.eml");
  expect_refused_post(result, "members@example.org", "mailman");  // not members-owner@, named in the text
  const std::string& diagnostic = *result.records[0].diagnostic;
  EXPECT_TRUE(util::icontains(diagnostic, "Advertising is off topic here.")) << diagnostic;
}

// ---- VERP ---------------------------------------------------------------------------------------

TEST(Verp, DecodesTheFormsTheReadmeNames) {
  EXPECT_EQ(formats::decode_verp("bounces+jane.doe=example.net@lists.example.org"), "jane.doe@example.net");
  EXPECT_EQ(formats::decode_verp("example-list-bounces+jane=example.net@lists.example.org"), "jane@example.net");
  EXPECT_EQ(formats::decode_verp("list-return-1234-mary-ann=example.net@lists.example.org"), "mary-ann@example.net");
  EXPECT_EQ(formats::decode_verp("prefix-jane.doe=example.net@bounce.example.org"), "jane.doe@example.net");
  EXPECT_EQ(formats::decode_verp("bounces+jane+news=example.net@x.example"), "jane+news@example.net");
}

TEST(Verp, RefusesAddressesThatAreNone) {
  for (const char* address : {"news@shop.example", "jane=example.net@x.example", "+jane=example.net@x.example",
                              "-jane=example.net@x.example", "bounces+jane=localhost@x.example",
                              "bounces+=example.net@x.example", "bounces+jane=@x.example", "bounces+jane=example.net",
                              "bounces+.jane=example.net@x.example", "bounces+jane=exa_mple.net@x.example",
                              "bounces+jane=example.net.@x.example", "bounces+ja ne=example.net@x.example", ""}) {
    EXPECT_EQ(formats::decode_verp(address), "") << address;
  }
}

TEST(Verp, BounceThatNamesNoRecipientIsReadFromTheVerpReturnPath) {
  const DecodeResult result = decode_fixture("verp-plus-no-recipient.eml");
  ASSERT_EQ(result.records.size(), 1u);
  const Record& r = result.records[0];
  EXPECT_EQ(r.kind, Kind::kBounce);
  EXPECT_EQ(r.recipient, "jane.doe@example.net");
  EXPECT_EQ(r.status, "5.1.1");
  EXPECT_EQ(r.reply_code, 550);
  EXPECT_EQ(r.reason, Reason::kUserUnknown);
  EXPECT_TRUE(r.hard_bounce);
  EXPECT_EQ(r.original_message_id, "<news-20261129.4410@shop.example>");
}

TEST(Verp, PrefixWithADashInToOnly) {
  const DecodeResult result = decode_fixture("verp-dash-no-recipient.eml");
  ASSERT_EQ(result.records.size(), 1u);
  EXPECT_EQ(result.records[0].recipient, "mary.o'brien@example.org");
  EXPECT_EQ(result.records[0].reason, Reason::kMailboxFull);
}

TEST(Verp, RecipientTheReportNamesWinsOverTheReturnPath) {
  const DecodeResult result = decode_fixture("verp-named-recipient.eml");
  ASSERT_EQ(result.records.size(), 1u);
  EXPECT_EQ(result.records[0].recipient, "j.doe@mailhost.example.net");
}

TEST(Verp, ReturnPathThatIsNoVerpAddressGivesNoRecord) {
  std::string text = fixture("verp-plus-no-recipient.eml");
  for (size_t at = text.find("bounces+jane.doe="); at != std::string::npos; at = text.find("bounces+jane.doe=")) {
    text.replace(at, std::string_view("bounces+jane.doe=example.net").size(), "bounces");
  }
  const DecodeResult result = Decoder().decode(text, "plain-return-path");
  EXPECT_TRUE(result.records.empty());
}

// ---- RFC 6533 utf-8 addresses -------------------------------------------------------------------

TEST(Utf8AddrXtext, EscapesAreDecodedBeforeTheDomainIsLowerCased) {
  const DecodeResult result = decode_fixture("dsn-utf8-addr-xtext.eml");
  ASSERT_EQ(result.records.size(), 1u);
  const Record& r = result.records[0];
  EXPECT_EQ(r.recipient, "bj\xC3\xB6rn@gr\xC3\xBCn.example");                  // björn@grün.example
  EXPECT_EQ(r.original_recipient, "info+shop@gr\xC3\xBCn.example");          // "\x{2B}" is '+'
  EXPECT_EQ(r.reason, Reason::kUserUnknown);
}

TEST(Utf8AddrXtext, MalformedEscapesAreKeptAsWritten) {
  const std::string good = "bj\\x{00f6}rn@GR\\x{00FC}N.example";
  const std::string text = fixture("dsn-utf8-addr-xtext.eml");
  struct Case {
    std::string written;
    std::string expected;
  };
  const Case cases[] = {
      {"bj\\x{D800}rn@example.de", "bj\\x{D800}rn@example.de"},        // a surrogate
      {"bj\\x{0A}rn@example.de", "bj\\x{0A}rn@example.de"},            // a line break
      {"bj\\x{110000}rn@example.de", "bj\\x{110000}rn@example.de"},    // past Unicode
      {"bj\\x{F6}rn@example.de", "bj\xC3\xB6rn@example.de"},           // two digits are enough
      {"bj\\x{6}rn@example.de", "bj\\x{6}rn@example.de"},              // one is not
      {"bj\\x{0000F6}rn@example.de", "bj\xC3\xB6rn@example.de"},       // six are allowed
      {"bj\\x{00000F6}rn@example.de", "bj\\x{00000F6}rn@example.de"},  // seven are not
      {"bj\\x{00G6}rn@example.de", "bj\\x{00G6}rn@example.de"},        // not hex
      {"bj\\x{}rn@example.de", "bj\\x{}rn@example.de"},
      {"bj\\x00F6rn@example.de", "bj\\x00F6rn@example.de"},            // no braces
      {"bjorn@example.de\\x{00F6", "bjorn@example.de\\x{00f6"},        // cut at the end of the field
      {"bjorn@example.de\\x{", "bjorn@example.de\\x{"},
      {"bjorn@example.de\\", "bjorn@example.de\\"},
  };
  for (const Case& c : cases) {
    std::string message = text;
    message.replace(message.find(good), good.size(), c.written);
    const DecodeResult result = Decoder().decode(message, "malformed");
    ASSERT_EQ(result.records.size(), 1u) << c.written;
    EXPECT_EQ(result.records[0].recipient, c.expected) << c.written;
  }
}

TEST(Utf8AddrXtext, Rfc822AddressesAreNotUnescaped) {
  std::string text = fixture("dsn-utf8-addr-xtext.eml");
  const std::string field = "Final-Recipient: utf-8; bj\\x{00f6}rn@GR\\x{00FC}N.example";
  text.replace(text.find(field), field.size(), "Final-Recipient: rfc822; bj\\x{00f6}rn@example.de");
  const DecodeResult result = Decoder().decode(text, "rfc822");
  ASSERT_EQ(result.records.size(), 1u);
  EXPECT_EQ(result.records[0].recipient, "bj\\x{00f6}rn@example.de");
}

// ---- X-Original-To ------------------------------------------------------------------------------

TEST(XOriginalTo, ReturnedHeadersNameTheOriginalRecipientWhenTheReportDoesNot) {
  const DecodeResult result = decode_fixture("postfix-x-original-to.eml");
  ASSERT_EQ(result.records.size(), 1u);
  EXPECT_EQ(result.records[0].recipient, "sales.team@store.example.org");
  EXPECT_EQ(result.records[0].original_recipient, "sales@example.org");
}

TEST(XOriginalTo, TheReportsOriginalRecipientWins) {
  const DecodeResult result = decode_fixture("dsn-utf8-addr-xtext.eml");
  ASSERT_EQ(result.records.size(), 1u);
  EXPECT_EQ(result.records[0].original_recipient, "info+shop@gr\xC3\xBCn.example");
}

TEST(XOriginalTo, NotReadForAReportOfSeveralRecipients) {
  std::string text = fixture("postfix-x-original-to.eml");
  const std::string group = "Final-Recipient: rfc822; sales.team@store.example.org\n";
  text.insert(text.find(group), "Final-Recipient: rfc822; other@store.example.org\nAction: failed\nStatus: 5.2.2\n\n");
  const DecodeResult result = Decoder().decode(text, "two");
  ASSERT_EQ(result.records.size(), 2u);
  for (const Record& r : result.records) EXPECT_FALSE(r.original_recipient.has_value()) << *r.recipient;
}

// ---- hostile input ------------------------------------------------------------------------------

TEST(ListsHostile, EveryTruncationOfTheseFixturesDecodesSoundly) {
  // The new readers meet each cut: an escape, a VERP address, a refusal's paragraph or an attached
  // bounce ending anywhere (under the asan preset, any read past the input fails here).
  const Decoder decoder;
  for (const char* name : {"dsn-utf8-addr-xtext.eml", "mailman2-bounce-action-notice.eml",
                           "mailman3-moderator-refused.eml", "sympa62-authorization-denied-dsn.eml",
                           "verp-dash-no-recipient.eml", "postfix-x-original-to.eml"}) {
    const std::string message = fixture(name);
    for (size_t length = 0; length <= message.size(); ++length) {
      const DecodeResult result = decoder.decode(std::string_view(message).substr(0, length), "cut");
      EXPECT_FALSE(result.error) << name << " cut at " << length;
      for (const Record& r : result.records) {
        // A field cut inside an escape keeps its bytes as written: the address stays valid UTF-8.
        for (const std::optional<std::string>& address : {r.recipient, r.original_recipient}) {
          EXPECT_TRUE(!address || mime::is_valid_utf8(*address)) << name << " cut at " << length;
        }
      }
    }
  }
}

}  // namespace
}  // namespace bounceback
