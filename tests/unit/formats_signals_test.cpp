// The shared recognisers of formats/signals.h: the failed SMTP command named in a text, the
// addresses that open notice lines less the report's own, and the notice sections a claim
// phrase's bit answers for.
#include <gtest/gtest.h>

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bounceback/decoder.h"
#include "formats/sections.h"
#include "formats/signals.h"
#include "mime/message.h"
#include "report/report.h"
#include "support.h"
#include "util/text.h"

namespace bounceback::formats {
namespace {

struct CommandCase {
  std::string_view text;
  std::string_view command;
};

TEST(FailedCommand, NamesTheCommandOfTheFirstPhraseWhateverItsCaseAndSpacing) {
  const std::vector<CommandCase> cases = {
      {"550 5.1.1 <jane@example.com>: User unknown (in reply to RCPT TO command)", "RCPT"},
      {"host mx.example.com said: 552 too big (in reply to end of DATA command)", "DATA"},
      {"(in reply to RCPT\n    TO command)", "RCPT"},              // Postfix folds anywhere
      {"(in  \t\n reply to MAIL FROM command)", "MAIL"},           // a run of white space before "reply"
      {"in reply to EHLO command", "EHLO"},                        // "in" at the very start
      {"SMTP error from remote mail server AFTER MAIL FROM:<a@b>", "MAIL"},
      {"after initial connection: 421 too busy", "CONN"},
      {"host mx.example.net[192.0.2.1] refused to talk to me: 554 5.7.1 blocked", "CONN"},  // Postfix: the greeting
      {"refused to talk", ""},      // cut short
      {">>> DATA\n<<< 554 rejected", "DATA"},
      {">>>> RCPT TO:<jane@example.com>", "RCPT"},                  // the anchor found one byte on
      {"within reply to helo", "HELO"},                            // a phrase inside a word counts
      {"after DATA; earlier: in reply to RCPT TO command", "DATA"},  // the first to start wins
      {"in reply to RCPT TO command, then after DATA", "RCPT"},
      {"Please do not reply. We will try again after 4 hours.", ""},
      {"reply to rcpt to", ""},     // no "in" before "reply"
      {"inreply to rcpt to", ""},   // "in" not followed by white space
      {"in reply to rcpt", ""},     // cut short
      {"after", ""},
      {"", ""},
  };
  for (const CommandCase& c : cases) {
    EXPECT_EQ(failed_command(c.text), c.command) << c.text;
    // A format's own search of the text: byte pairs read (many phrases) or not (one) answer alike.
    EXPECT_EQ(failed_command(PhraseSearch(c.text, 40)), c.command) << c.text;
    EXPECT_EQ(failed_command(PhraseSearch(c.text, 1)), c.command) << c.text;
  }
}

TEST(FailedCommand, EveryPrefixOfATextIsReadWithoutCrashing) {
  const std::string text = "x in \n reply to rcpt to >>> data after end of data in reply to";
  for (size_t n = 0; n <= text.size(); ++n) {
    const std::string prefix = text.substr(0, n);  // its own buffer, so reads past it are caught
    const std::string command = failed_command(prefix);
    EXPECT_TRUE(command.empty() || command == "RCPT") << prefix;
  }
}

// A parsed message and its context, claim phrases found as the decoder finds them.
struct Parsed {
  explicit Parsed(const std::string& bytes)
      : text(bytes), message(mime::parse_message(text, Limits{})), context(report::make_context(message)) {
    context.claim_phrases = find_claim_phrases(context.notice);
  }
  std::string text;
  mime::Message message;
  report::Context context;
};

TEST(FailedCommand, InTheNoticeIsFoundFromTheClaimPhrasesAsInAnyText) {
  const Parsed parsed(
      "From: MAILER-DAEMON@mx.example.net\nSubject: Undelivered Mail Returned to Sender\n\n"
      "<jane@example.com>: host mx.example.com[192.0.2.1] said: 550 5.1.1 unknown\n"
      "    (in reply to RCPT TO command)\n\n"
      "<tom@example.org>: host mx.example.org said: 552 too big (in reply to end of DATA command)\n");
  const report::Context searched = report::make_context(parsed.message);  // no bits: searches the text
  const std::string_view notice = parsed.context.notice;
  const std::string_view second = notice.substr(notice.find("<tom@"));
  for (const report::Context* context : {&parsed.context, &searched}) {
    EXPECT_EQ(failed_command(*context, notice), "RCPT");
    EXPECT_EQ(failed_command(*context, second), "DATA");
    EXPECT_EQ(failed_command(*context, notice.substr(0, notice.find("reply"))), "");
    // Text of its own is searched in full, though the notice holds no "after" and no ">>>".
    EXPECT_EQ(failed_command(*context, std::string("x after MAIL FROM:<a@b>")), "MAIL");
    EXPECT_EQ(failed_command(*context, std::string(">>> DATA")), "DATA");
  }
}

TEST(RecipientBlocks, SkipTheReportsOwnAndDaemonAddressesAndRepeats) {
  const Parsed parsed(
      "From: Mail Delivery System <MAILER-DAEMON@mx.example.net>\n"
      "To: Ann <ann@sender.example>, xjane@example.com\n"
      "Subject: Undelivered Mail Returned to Sender\n\n"
      "This is the mail system at host mx.example.net.\n\n"
      "<ANN@SENDER.EXAMPLE>: a copy to the sender\n"
      "<mailer-daemon@mx.example.net>: the daemon itself\n"
      "<jane@example.com>: host mx.example.com[192.0.2.1] said: 550 5.1.1 unknown\n"
      "    (in reply to RCPT TO command)\n"
      "We mention bob@example.com in prose only.\n"
      "  JANE@example.com: named again\n"
      "tom@example.org\n");
  const std::vector<RecipientBlock> blocks = recipient_blocks(parsed.context.notice, OwnAddresses(parsed.context));
  ASSERT_EQ(blocks.size(), 2u);
  // The To header holds "xjane@example.com": text that holds the address is not yet the address.
  EXPECT_EQ(blocks[0].address, "jane@example.com");
  EXPECT_TRUE(blocks[0].text.starts_with("<jane@example.com>: host"));
  EXPECT_TRUE(blocks[0].text.ends_with("named again\n"));
  EXPECT_EQ(blocks[1].address, "tom@example.org");
  EXPECT_EQ(util::trim(blocks[1].text), "tom@example.org");
}

// A block starts at the start of its address's line, however far into the line the '@' stands
// and whatever came before: the notice's first line, short lines, long ones.
TEST(RecipientBlocks, StartAtTheLineOfTheirAddress) {
  const Parsed parsed("From: MAILER-DAEMON@mx.example.net\nTo: ann@sender.example\n\nnotice\n");
  std::string notice = "a0@x.example\n";
  std::vector<size_t> starts = {0};
  for (size_t indent = 0; indent != 20; ++indent) {
    notice += std::string(indent * 3 % 11, 'w') + "\n";
    starts.push_back(notice.size());
    notice += std::string(indent, ' ') + "<a" + std::to_string(indent + 1) + "@x.example>: 550 unknown\n";
  }
  const std::vector<RecipientBlock> blocks = recipient_blocks(notice, OwnAddresses(parsed.context));
  ASSERT_EQ(blocks.size(), starts.size());
  for (size_t i = 0; i != blocks.size(); ++i) {
    EXPECT_EQ(blocks[i].address, "a" + std::to_string(i) + "@x.example");
    EXPECT_EQ(static_cast<size_t>(blocks[i].text.data() - notice.data()), starts[i]) << i;
  }
}

TEST(OwnAddresses, AreTheAddressesOfFromToReturnPathAndDeliveredTo) {
  const Parsed parsed(
      "From: postmaster@mx.example.net\nTo: ann@sender.example\nReturn-Path: <bounces@sender.example>\n"
      "Delivered-To: box@sender.example\nReply-To: help@sender.example\nSubject: failure\n\nbody\n");
  const OwnAddresses own(parsed.context);
  for (std::string_view address :
       {"postmaster@mx.example.net", "Ann@Sender.Example", "bounces@sender.example", "box@sender.example"}) {
    EXPECT_TRUE(own.holds(address)) << address;
  }
  EXPECT_FALSE(own.holds("help@sender.example"));  // Reply-To is not the report's own
  EXPECT_FALSE(own.holds("nn@sender.example"));    // inside "ann@sender.example" only
  EXPECT_EQ(first_prose_recipient("Mail to ann@sender.example and jane@example.com failed.", own),
            "jane@example.com");
}

// An own address is looked for at each '@' of a field: several addresses in one field, the
// address at either end of the value, a value too short for it, one that holds it only in part.
TEST(OwnAddresses, AreFoundAtAnyAtOfAField) {
  const Parsed parsed(
      "From: x@y.example, \"Jo\" <jo@a.example>,JANE@MX.EXAMPLE.NET\nTo: b@c.example\n"
      "Delivered-To: ann@sender.exampl\nSubject: failure\n\nbody\n");
  const OwnAddresses own(parsed.context);
  for (std::string_view address : {"x@y.example", "jo@a.example", "jane@mx.example.net", "b@c.example"}) {
    EXPECT_TRUE(own.holds(address)) << address;
  }
  for (std::string_view address : {"ann@sender.example", "o@a.example", "x@y.exampl", "b@c.exampl", "b@cd", "jane", "@"}) {
    EXPECT_FALSE(own.holds(address)) << address;
  }
}

// Several tables searched in one text give what each searched alone gives, whether or not the
// text's byte pairs are read first.
TEST(PhraseSearch, AnswersAsASearchOfEachTableAlone) {
  static constexpr std::array<StatedReason, 2> kReasons = {{
      {"mailbox is full", Reason::kMailboxFull},
      {"no such user", Reason::kUserUnknown},
  }};
  static constexpr std::array<CommandTag, 2> kTags = {{{"RCPT TO:", "RCPT"}, {"end of data", "DATA"}}};
  const std::string long_text = std::string(500, 'x') + " RCPT TO:<a@b> 550 No Such User";
  for (const std::string& text : {std::string("RCPT TO:<a@b> 550 No Such User"), long_text,
                                  std::string("550 mailbox full"), std::string()}) {
    const PhraseSearch search(text, kReasons.size() + kTags.size());
    EXPECT_EQ(stated_reason(search, kReasons), stated_reason(text, kReasons)) << text;
    EXPECT_EQ(tagged_command(search, kTags), tagged_command(text, kTags)) << text;
  }
  const PhraseSearch search("RCPT TO:<a@b> 550 No Such User", 4);
  EXPECT_EQ(stated_reason(search, kReasons), Reason::kUserUnknown);
  EXPECT_EQ(tagged_command(search, kTags), "RCPT");
  EXPECT_FALSE(search.holds("mailbox is full"));
  EXPECT_EQ(search.find("no such"), 18u);
  EXPECT_EQ(search.find("such user x"), std::string_view::npos);
  const PhraseSearch without_pairs(long_text, 4);
  EXPECT_EQ(without_pairs.find("rcpt to:"), 501u);
  EXPECT_EQ(without_pairs.text(), long_text);
}

TEST(AfterLineWith, AClaimPhrasesBitAnswersForTheNotice) {
  const Parsed parsed(
      "From: MAILER-DAEMON@mx.example.net\nSubject: Returned mail\n\n"
      "   ----- The following addresses had permanent fatal errors -----\n<jane@example.com>\n");
  constexpr ClaimPhrase kFatal("----- The following addresses had permanent fatal errors -----");
  constexpr ClaimPhrase kTransient("----- The following addresses had transient non-fatal errors -----");
  const report::Context searched = report::make_context(parsed.message);  // no bits: searches the notice
  for (const report::Context* context : {&parsed.context, &searched}) {
    const std::optional<std::string_view> listed = after_line_with(*context, kFatal);
    ASSERT_TRUE(listed.has_value());
    EXPECT_EQ(util::trim(*listed), "<jane@example.com>");
    EXPECT_EQ(after_line_with(*context, kTransient), std::nullopt);
  }
}

// senders.def: a From holding a listed fragment, in any case, claims the message for its format.
std::string decoder_of(const std::string& message) {
  const DecodeResult result = Decoder().decode(message, "test");
  return result.records.empty() ? std::string() : result.records.front().decoder;
}

std::string with_from(std::string message, std::string_view from) {
  const size_t end = message.find('\n');
  return "From: " + std::string(from) + message.substr(end);
}

TEST(Senders, AListedFromFragmentClaimsTheMessageInAnyCase) {
  const std::string sms = testing::read_fixture("formats/verizon.eml");
  ASSERT_TRUE(sms.starts_with("From: post_master@vtext.com\n"));
  EXPECT_EQ(decoder_of(sms), "verizon");
  EXPECT_EQ(decoder_of(with_from(sms, "Verizon <POST_MASTER@VTEXT.COM>")), "verizon");
  EXPECT_NE(decoder_of(with_from(sms, "post_master@vtext.example.com")), "verizon");  // not "@vtext.com"
  // Verizon's notices have no wording of their own: without the sender, no claim.
  EXPECT_NE(decoder_of(with_from(sms, "post_master@example.net")), "verizon");
}

}  // namespace
}  // namespace bounceback::formats
