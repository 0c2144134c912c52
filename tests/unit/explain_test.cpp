#include "bounceback/explain.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <ostream>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "bounceback/record.h"
#include "bounceback/types.h"
#include "explain/evidence.h"
#include "explain/explainer.h"
#include "explain/template.h"
#include "explain/texts.h"

namespace bounceback {

// Failure messages name reasons and sides instead of printing their bytes.
void PrintTo(Reason reason, std::ostream* out) { *out << to_string(reason); }
void PrintTo(Side side, std::ostream* out) { *out << to_string(side); }

namespace {

using explain::Fact;
using explain::Facts;

constexpr Reason kAllReasons[] = {
#define BB_REASON(id, name, side, description) Reason::id,
#include "bounceback/reasons.def"
#undef BB_REASON
};

bool contains(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

std::string joined(const std::vector<std::string>& lines) {
  std::string all;
  for (const std::string& line : lines) all += line + "\n";
  return all;
}

size_t sentence_count(std::string_view text) {
  size_t count = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const bool ends = text[i] == '.' && (i + 1 == text.size() || text[i + 1] == ' ');
    if (ends) ++count;
  }
  return count;
}

Record bounce(Reason reason) {
  Record record;
  record.kind = Kind::kBounce;
  record.action = "failed";
  record.reason = reason;
  record.side = usual_side(reason);
  record.recipient = "jane@example.com";
  record.remote_mta = "mx.example.com";
  return record;
}

Record explained(Record record) {
  explain::explain_record(record);
  return record;
}

// ---- the template language ----

TEST(Template, OptionalGroupRendersOnlyWithItsFacts) {
  Facts facts;
  EXPECT_EQ(explain::render("The mailbox[ of {recipient}] is full.", facts),
            "The mailbox is full.");
  facts.set(Fact::kRecipient, "jane@example.com");
  EXPECT_EQ(explain::render("The mailbox[ of {recipient}] is full.", facts),
            "The mailbox of jane@example.com is full.");
}

TEST(Template, AlternativesPickTheFirstComplete) {
  Facts facts;
  facts.set(Fact::kHost, "mx.example.com");
  EXPECT_EQ(explain::render("[{net_host}|{host}|the server] said no", facts),
            "mx.example.com said no");
  EXPECT_EQ(explain::render("[{net_host}|the server] said no", facts), "the server said no");
  EXPECT_EQ(explain::render("[{net_host}] said no", facts), " said no");
}

TEST(Template, NestedGroupsDoNotFailTheirAlternative) {
  Facts facts;
  facts.set(Fact::kListing, "Spamcop's blocklist");
  const std::string_view tmpl = "[Server[ {listed_ip}] is on {listing}.|Refused.]";
  EXPECT_EQ(explain::render(tmpl, facts), "Server is on Spamcop's blocklist.");
  facts.set(Fact::kListedIp, "192.0.2.1");
  EXPECT_EQ(explain::render(tmpl, facts), "Server 192.0.2.1 is on Spamcop's blocklist.");
  EXPECT_EQ(explain::render(tmpl, Facts{}), "Refused.");
}

TEST(Template, UnknownNamesAndBrokenSyntaxNeverCrash) {
  Facts facts;
  facts.set(Fact::kHost, "mx");
  EXPECT_EQ(explain::render("[{no_such_fact}|fallback]", facts), "fallback");
  EXPECT_EQ(explain::render("unclosed {host", facts), "unclosed {host");
  EXPECT_EQ(explain::render("unclosed [group {host}", facts), "unclosed group mx");
  EXPECT_EQ(explain::render("stray ] and | here", facts), "stray  and  here");
}

// The alternatives after the chosen one, and the rest of one a name left incomplete, are passed
// over without rendering: they must end where rendering them would have ended.
TEST(Template, SkippedAlternativesEndWhereRenderedOnesWould) {
  Facts facts;
  facts.set(Fact::kHost, "mx");
  EXPECT_EQ(explain::render("[{host}|[{zone}|none] x|y] said", facts), "mx said");
  EXPECT_EQ(explain::render("[{zone} at [{host}] here|{host}] said", facts), "mx said");
  EXPECT_EQ(explain::render("[{zone}{unclosed|{host}] end", facts), " end");  // braces read as a name
  EXPECT_EQ(explain::render("[{zone} [a|b] {host}|c [{host}|d] e]!", facts), "c mx e!");
  EXPECT_EQ(explain::render("[{host}|{unclosed", facts), "mx");
  EXPECT_EQ(explain::render("{zone} and {host}", facts), " and mx");  // the top level goes on
}

// A template without syntax is one piece of wording: it renders as it is written.
TEST(Template, APlainTemplateRendersAsItIsWritten) {
  Facts facts;
  facts.set(Fact::kHost, "mx");
  size_t plain = 0;
  for (std::string_view tmpl : explain::all_templates()) {
    if (tmpl.find_first_of("[]|{") != std::string_view::npos) continue;
    ++plain;
    EXPECT_EQ(explain::render(tmpl, facts), tmpl);
    EXPECT_EQ(explain::render(explain::Template(tmpl), facts), tmpl);
  }
  EXPECT_GT(plain, 0u);
  EXPECT_EQ(explain::render("a } b", facts), "a } b");
}

// Syntax at any offset in long wording, and the bytes that only look like syntax ('}' and '\\'),
// are read as they are written.
TEST(Template, SyntaxIsFoundAtEveryOffsetOfLongWording) {
  Facts facts;
  facts.set(Fact::kHost, "mx");
  for (size_t offset = 0; offset < 20; ++offset) {
    const std::string words(offset, 'w');
    EXPECT_EQ(explain::render(words + "[ at {host}] {} a\\b | c", facts), words + " at mx  a\\b  c") << offset;
    EXPECT_EQ(explain::render(words + "[{zone}|no zone]" + words, facts), words + "no zone" + words) << offset;
    EXPECT_EQ(explain::render(words + "\xC3\xA9t\xC3\xA9 {host}", facts), words + "\xC3\xA9t\xC3\xA9 mx") << offset;
  }
}

TEST(Template, FactsNamedAreTheKnownNamesOfTheTemplate) {
  const explain::FactSet named =
      explain::Template("[{net_host}|the server] gave up after {duration}[ ({no_such_fact})]").named();
  EXPECT_EQ(named.count(), 2u);
  EXPECT_TRUE(named.test(static_cast<size_t>(Fact::kNetHost)));
  EXPECT_TRUE(named.test(static_cast<size_t>(Fact::kDuration)));
  EXPECT_TRUE(explain::Template("No facts here. {unclosed").named().none());
}

// The constant texts are read at compile time into a fixed number of pieces: each must render as
// reading it at run time does, with every fact known, none, or some.
TEST(Template, ConstantTemplatesRenderAsReadAtRunTime) {
  Facts all;
  for (const explain::FactName& entry : explain::kFactNames) all.set(entry.fact, "<" + std::string(entry.name) + ">");
  Facts some;
  some.set(Fact::kRecipient, "jane@example.com");
  some.set(Fact::kListing, "Spamcop's blocklist");
  some.set(Fact::kCode, "550");
  Facts none;
  for (std::string_view tmpl : explain::all_templates()) {
    const explain::Template compiled(tmpl);
    for (const Facts* facts : {&all, &some, &none}) {
      EXPECT_EQ(explain::render(compiled, *facts), explain::render(tmpl, *facts)) << tmpl;
    }
  }
  EXPECT_EQ(explain::render(explain::Template("[{recipient}|x] at [{host}|{code}|here]"), some),
            "jane@example.com at 550");
}

TEST(Template, FactsKnowWhichValuesAreNotEmpty) {
  Facts facts;
  EXPECT_EQ(facts.known(), 0u);
  facts.set(Fact::kHost, "mx");
  facts.refer(Fact::kZone, "bl.example");
  facts.set(Fact::kCode, "");
  EXPECT_EQ(facts.known(), (1u << static_cast<size_t>(Fact::kHost)) | (1u << static_cast<size_t>(Fact::kZone)));
  facts.refer(Fact::kHost, {});
  facts.set(Fact::kZone, "");
  EXPECT_EQ(facts.known(), 0u);
}

TEST(Template, AFactReferredToOrOwnedIsTheLastOneGiven) {
  Facts facts;
  const std::string host = "mx.example.com";
  facts.set(Fact::kHost, "owned.example.com");
  facts.refer(Fact::kHost, host);
  EXPECT_EQ(facts.get(Fact::kHost), "mx.example.com");
  EXPECT_EQ(explain::render("[{host}|nobody] said no", facts), "mx.example.com said no");
  facts.set(Fact::kHost, "owned.example.com");
  EXPECT_EQ(facts.get(Fact::kHost), "owned.example.com");
  facts.refer(Fact::kHost, {});
  EXPECT_EQ(explain::render("[{host}|nobody] said no", facts), "nobody said no");
}

TEST(Texts, EveryTemplateNamesOnlyKnownFactsAndBalancesItsGroups) {
  for (std::string_view tmpl : explain::all_templates()) {
    for (std::string_view name : explain::placeholders(tmpl)) {
      EXPECT_TRUE(explain::fact_from_name(name).has_value()) << name << " in: " << tmpl;
    }
    int depth = 0;
    for (char c : tmpl) {
      depth += c == '[' ? 1 : c == ']' ? -1 : 0;
      EXPECT_GE(depth, 0) << tmpl;
    }
    EXPECT_EQ(depth, 0) << tmpl;
  }
}

// ---- evidence found in the server's words ----

TEST(Evidence, FindsTheHostOfAConnection) {
  EXPECT_EQ(explain::find_host("connect to mx.example.org[203.0.113.5]:25: Connection timed out"),
            "mx.example.org (203.0.113.5)");
  EXPECT_EQ(explain::find_host("unable to connect to remote server [192.0.2.222:25]: timed out"),
            "192.0.2.222");
  EXPECT_EQ(explain::find_host("DNS type 'mx' lookup of example.jp responded with code NXDOMAIN"),
            "example.jp");
  EXPECT_EQ(explain::find_host("Host or domain name not found"), "");
  EXPECT_EQ(explain::find_host("connect to [::1"), "");
}

// The markers are tried in table order, whatever their order in the text; a marker without a host
// after it gives way to the next occurrence of the same marker.
TEST(Evidence, HostMarkersAreTriedInTheirOrder) {
  EXPECT_EQ(explain::find_host("lookup of example.jp failed; connect to mx.example.org: timed out"),
            "mx.example.org");
  EXPECT_EQ(explain::find_host("connect to [::1] refused, then connect to mx2.example.org refused"),
            "mx2.example.org");
  EXPECT_EQ(explain::find_host("CONNECT TO MX.EXAMPLE.ORG refused"), "MX.EXAMPLE.ORG");
}

TEST(Texts, TheFirstNetworkProblemInTableOrderWins) {
  // "timed out" is listed before "connection refused" and "connect".
  EXPECT_EQ(explain::network_problem("Connection refused, then the connection Timed Out").text(),
            explain::network_problem("timed out").text());
  EXPECT_NE(explain::network_problem("connection refused").text(), explain::network_problem("timed out").text());
  // "retry timeout exceeded" names no network problem, and stops the search.
  EXPECT_EQ(explain::network_problem("retry timeout exceeded; connection refused").text(), "");
  EXPECT_EQ(explain::network_problem("mailbox full").text(), "");
}

TEST(Evidence, FindsHowLongDeliveryWasTried) {
  EXPECT_EQ(explain::find_duration("554 4.4.7 Message expired: unable to deliver in 840 minutes."),
            "840 minutes");
  EXPECT_EQ(explain::find_duration("Gmail will retry for 47 more hours."), "47 hours");
  EXPECT_EQ(explain::find_duration("undeliverable for 1 day"), "1 day");
  EXPECT_EQ(explain::find_duration("host 192.0.2.1 said 550 daytime"), "");
  EXPECT_EQ(explain::find_duration("7dayz 5 dayz"), "");
}

TEST(Evidence, SentenceValuesAreOneBoundedLine) {
  EXPECT_EQ(explain::sentence_value(" jane@\r\nexample.com\t"), "jane@ example.com");
  EXPECT_EQ(explain::sentence_value(std::string(10000, 'a')).size(), 256u);
  const std::string cut = explain::sentence_value(std::string(255, 'a') + "\xC3\xA9");
  EXPECT_EQ(cut, std::string(255, 'a'));  // never half a UTF-8 character
  EXPECT_EQ(explain::domain_of("jane@example.com"), "example.com");
  EXPECT_EQ(explain::domain_of("jane"), "");
}

// A value that fits a sentence is used without a copy: it must be exactly what sentence_value()
// would make of it, and every other value must be changed by sentence_value().
TEST(Evidence, ValuesFitASentenceExactlyWhenSentenceValueKeepsThem) {
  const std::string values[] = {
      "jane@example.com", "", "日本語 テキスト", "mx.example.com (192.0.2.1)", std::string(256, 'a'),
      " jane@example.com", "jane@example.com ", "jane  doe", "jane\tdoe", "jane\r\ndoe", "a\x7f",
      std::string(257, 'a'), std::string("nul\0byte", 8), " ",
  };
  for (const std::string& value : values) {
    EXPECT_EQ(explain::fits_a_sentence(value), explain::sentence_value(value) == value) << value;
  }
  EXPECT_TRUE(explain::fits_a_sentence("jane@example.com"));
  EXPECT_FALSE(explain::fits_a_sentence("jane  doe"));
}

// Values are read eight bytes at a time: what spoils one is found at every offset, the last byte
// of an eight and the first of the next among them.
TEST(Evidence, WhatSpoilsAValueIsFoundAtEveryOffset) {
  for (size_t offset = 1; offset < 30; ++offset) {
    const std::string head(offset, 'a');
    const std::string tail(30 - offset, 'b');
    EXPECT_TRUE(explain::fits_a_sentence(head + " " + tail)) << offset;
    EXPECT_TRUE(explain::fits_a_sentence(head + "\xC3\xA9\xFF" + tail)) << offset;
    for (const std::string& spoiler : {std::string("  "), std::string("\t"), std::string("\n"), std::string(1, '\0'),
                                       std::string("\x7f"), std::string("\x1f")}) {
      const std::string value = head + spoiler + tail;
      EXPECT_FALSE(explain::fits_a_sentence(value)) << offset << " " << static_cast<int>(spoiler[0]);
      EXPECT_NE(explain::sentence_value(value), value) << offset;
    }
  }
}

// ---- explain_record ----

TEST(ExplainRecord, EveryReasonHasASummaryAndAdvice) {
  for (Reason reason : kAllReasons) {
    const Record record = explained(bounce(reason));
    SCOPED_TRACE(std::string(to_string(reason)));
    EXPECT_FALSE(record.summary.empty());
    EXPECT_FALSE(record.advice.empty());
    EXPECT_LE(record.advice.size(), 4u);
    EXPECT_EQ(record.summary.back(), '.') << record.summary;
    EXPECT_LE(sentence_count(record.summary), 2u) << record.summary;
    EXPECT_FALSE(contains(record.summary, "{") || contains(record.summary, "[")) << record.summary;
    EXPECT_FALSE(contains(record.summary, "  ")) << record.summary;
    const std::set<std::string> unique(record.advice.begin(), record.advice.end());
    EXPECT_EQ(unique.size(), record.advice.size()) << joined(record.advice);
    for (const std::string& line : record.advice) EXPECT_FALSE(line.empty());
  }
}

TEST(ExplainRecord, EveryReasonReadsWellWithoutEvidence) {
  for (Reason reason : kAllReasons) {
    Record record;
    record.kind = Kind::kBounce;
    record.reason = reason;
    explain::explain_record(record);
    SCOPED_TRACE(std::string(to_string(reason)));
    EXPECT_FALSE(record.summary.empty());
    EXPECT_FALSE(contains(record.summary, "  ") || contains(record.summary, " .") ||
                 contains(record.summary, "'s blocklist"))
        << record.summary;
  }
}

TEST(ExplainRecord, BlocklistNamesTheListTheIpAndTheHost) {
  Record record = bounce(Reason::kBlocked);
  record.remote_mta = "mail.example.com";
  record.blocklist = Blocklist{"Spamcop", "bl.spamcop.net", "192.0.2.1"};
  explain::explain_record(record);
  EXPECT_EQ(record.summary,
            "Your sending server 192.0.2.1 is listed on Spamcop's blocklist (bl.spamcop.net), so "
            "mail.example.com refused it. This is on your side, not the recipient's.");
  EXPECT_TRUE(contains(record.advice.front(), "192.0.2.1")) << record.advice.front();
  EXPECT_TRUE(contains(record.advice.front(), "Spamcop")) << record.advice.front();
}

// A provider's own list has no lookup page: AT&T's reply says "For assistance forward this error to
// abuse_rbl@abuse-att.net". The advice points at the reply as well as at a website.
TEST(ExplainRecord, BlocklistAdvicePointsAtTheRepliesOwnSteps) {
  Record record = bounce(Reason::kBlocked);
  record.blocklist = Blocklist{"AT&T", "", "192.0.2.5"};
  explain::explain_record(record);
  EXPECT_EQ(record.advice.front(),
            "Ask AT&T to remove (delist) 192.0.2.5: follow the steps its website or the server's reply gives.");
}

TEST(ExplainRecord, TheListedIpIsNotNamedAsTheHostThatRefused) {
  Record record = bounce(Reason::kBlocked);
  record.remote_mta.reset();
  record.remote_ip = "192.0.2.49";
  record.blocklist = Blocklist{"CBL", "cbl.abuseat.org", "192.0.2.49"};
  explain::explain_record(record);
  EXPECT_TRUE(contains(record.summary, "so the receiving server refused it")) << record.summary;
}

TEST(ExplainRecord, TheRemoteHostIsNamedWithoutItsComment) {
  Record record = bounce(Reason::kRejected);
  record.remote_mta = "mx.example.jp. (198.51.100.225, the server for the domain example.jp.)";
  explain::explain_record(record);
  EXPECT_TRUE(contains(record.summary, "The receiving server mx.example.jp refused"))
      << record.summary;
}

TEST(ExplainRecord, BlockedWithoutBlocklistStillSaysWhoRefused) {
  const Record record = explained(bounce(Reason::kBlocked));
  EXPECT_TRUE(contains(record.summary, "mx.example.com")) << record.summary;
  EXPECT_TRUE(contains(record.summary, "your side")) << record.summary;
  EXPECT_FALSE(contains(record.summary, "listed")) << record.summary;
}

TEST(ExplainRecord, MailboxFullNamesTheAddressAndARetry) {
  const Record record = explained(bounce(Reason::kMailboxFull));
  EXPECT_EQ(record.summary, "The mailbox of jane@example.com is full. A later retry may work.");
}

TEST(ExplainRecord, UserUnknownNamesTheAddressAndTheServer) {
  const Record record = explained(bounce(Reason::kUserUnknown));
  EXPECT_TRUE(contains(record.summary, "jane@example.com")) << record.summary;
  EXPECT_TRUE(contains(record.summary, "does not exist")) << record.summary;
  EXPECT_TRUE(contains(record.summary, "mx.example.com")) << record.summary;
}

// "Unknown user" filed as a filter (nothing ties it to the address) gives both readings, while a
// filter's own words keep the filter's text.
TEST(ExplainRecord, AFilteredRefusalThatSaysUnknownUserGivesBothReadings) {
  Record said_unknown = bounce(Reason::kFiltered);
  said_unknown.diagnostic = "550 Unknown user jane@example.com";
  said_unknown = explained(std::move(said_unknown));
  EXPECT_TRUE(contains(said_unknown.summary, "said the address jane@example.com does not exist")) << said_unknown.summary;
  EXPECT_TRUE(contains(said_unknown.summary, "may still work")) << said_unknown.summary;
  ASSERT_FALSE(said_unknown.advice.empty());
  EXPECT_TRUE(contains(said_unknown.advice[0], "typos")) << said_unknown.advice[0];

  Record filter = bounce(Reason::kFiltered);
  filter.diagnostic = "550 5.7.1 Message rejected by the recipient's content filter";
  filter = explained(std::move(filter));
  EXPECT_TRUE(contains(filter.summary, "own filters or settings")) << filter.summary;
}

// Wording the reason's usual text would misread gets its own text.
TEST(ExplainRecord, AGroupThatTakesMailOnlyFromItsOrganisation) {
  Record restricted = bounce(Reason::kSecurityError);
  restricted.diagnostic = "550 5.7.1 RESOLVER.RST.AuthRequired; authentication required";
  restricted = explained(std::move(restricted));
  EXPECT_TRUE(contains(restricted.summary, "accepts mail only from certain senders")) << restricted.summary;
  ASSERT_FALSE(restricted.advice.empty());
  EXPECT_TRUE(contains(restricted.advice[0], "owns the group")) << restricted.advice[0];

  Record login = bounce(Reason::kSecurityError);
  login.diagnostic = "530 5.7.0 Authentication required";
  login = explained(std::move(login));
  EXPECT_FALSE(contains(login.summary, "certain senders")) << login.summary;
}

// Sisimai files loops as network or content errors; their text says it is a setup fault.
TEST(ExplainRecord, AMailLoopIsASetupProblemNotTheNetworkOrTheContent) {
  for (const auto& [reason, words] : {std::pair{Reason::kNetworkError, "mail forwarding loop for jane@example.com"},
                                      std::pair{Reason::kContentError, "Too many \"Received\" headers - suspected mail loop"}}) {
    Record loop = bounce(reason);
    loop.diagnostic = words;
    loop = explained(std::move(loop));
    EXPECT_TRUE(contains(loop.summary, "went round in a loop")) << loop.summary;
    EXPECT_FALSE(contains(loop.summary, "A later retry may work")) << loop.summary;
  }
}

// Exchange's "RESOLVER.RST.NotAuthorized": the recipient takes mail only from some senders, not a
// login problem of the sender's.
TEST(ExplainRecord, ExchangeNotAuthorizedIsARestrictedRecipient) {
  Record record = bounce(Reason::kSecurityError);
  record.diagnostic = "550 5.7.1 RESOLVER.RST.NotAuthorized; not authorized";
  record = explained(std::move(record));
  EXPECT_FALSE(contains(record.summary, "password")) << record.summary;
  for (const std::string& line : record.advice) EXPECT_FALSE(contains(line, "password")) << line;
}

// Postfix's "Address verification in progress" is not greylisting: the server checks the address.
TEST(ExplainRecord, AnAddressUnderVerificationIsToldAsSuch) {
  Record record = bounce(Reason::kGreylisted);
  record.diagnostic =
      "450 4.1.1 <jane@example.com>: Recipient address rejected: unverified address: Address verification in progress";
  record = explained(std::move(record));
  EXPECT_TRUE(contains(record.summary, "still checking")) << record.summary;
  EXPECT_FALSE(contains(record.summary, "greylisting")) << record.summary;
}

// Postfix's "loops back to myself" is a DNS or server setup fault, not the receiver's breakdown.
TEST(ExplainRecord, MailThatLoopsBackToTheSenderIsASetupFault) {
  Record loop = bounce(Reason::kSystemError);
  loop.diagnostic = "mail for branch.example.org loops back to myself";
  loop = explained(std::move(loop));
  EXPECT_TRUE(contains(loop.summary, "comes back to itself")) << loop.summary;
  EXPECT_FALSE(contains(loop.summary, "A later retry may work")) << loop.summary;
  EXPECT_TRUE(contains(loop.advice.back(), "do not remove it")) << loop.advice.back();
}

// Wording Sisimai files under a broader reason, told for what it is.
TEST(ExplainRecord, WordingTextsSayWhatTheServerMeant) {
  struct Case {
    Reason reason;
    const char* words;
    const char* summary_holds;
  };
  for (const Case& c : {Case{Reason::kBlocked, "421 4.3.2 Service not available, closing transmission channel",
                             "busy or restarting"},
                        Case{Reason::kBlocked, "Deferred: Connection refused by mx.example.jp.", "turned the connection away"},
                        Case{Reason::kBlocked, "504 5.5.2 <localhost>: Helo command rejected: need fully-qualified hostname",
                             "(HELO/EHLO)"},
                        Case{Reason::kTooManyConn, "452 4.5.3 Too many recipients", "too many recipients at once"},
                        Case{Reason::kTooManyConn, "550 5.7.705 Access denied, tenant has exceeded threshold",
                             "looked like spam"}}) {
    Record r = bounce(c.reason);
    r.diagnostic = c.words;
    r = explained(std::move(r));
    EXPECT_TRUE(contains(r.summary, c.summary_holds)) << r.summary;
    EXPECT_FALSE(contains(joined(r.advice), "infected computer")) << joined(r.advice);
  }
}

// A security error is about logging in or encrypting only when its words say so; a bare "5.7.1
// message refused" is a refusal under the receiver's rules.
TEST(ExplainRecord, ASecurityErrorWithoutLoginWordsIsARefusalUnderTheReceiversRules) {
  Record refused = bounce(Reason::kSecurityError);
  refused.diagnostic = "550 5.7.1 Message rejected";
  refused = explained(std::move(refused));
  EXPECT_TRUE(contains(refused.summary, "under its own rules")) << refused.summary;
  EXPECT_FALSE(contains(joined(refused.advice), "password")) << joined(refused.advice);

  Record login = bounce(Reason::kSecurityError);
  login.diagnostic = "535 5.7.8 Authentication credentials invalid";
  login = explained(std::move(login));
  EXPECT_FALSE(contains(login.summary, "under its own rules")) << login.summary;

  for (const auto& [words, summary] :
       {std::pair{"554 5.2.0 STOREDRV.Submission.Exception:SendAsDeniedException.MapiExceptionSendAsDenied",
                  "Send As"},
        std::pair{"550 5.7.520 Access denied, Your organization does not allow external forwarding.",
                  "forwarded automatically"}}) {
    Record r = bounce(Reason::kSecurityError);
    r.diagnostic = words;
    r = explained(std::move(r));
    EXPECT_TRUE(contains(r.summary, summary)) << r.summary;
  }
}

TEST(ExplainRecord, AChallengeResponseReplyIsNotDeliveredYet) {
  Record challenge;
  challenge.kind = Kind::kAutoreply;
  challenge.reason = Reason::kVacation;
  challenge.recipient = "verify@spamarrest.example";
  challenge.diagnostic = "To control spam, I now allow incoming messages only from senders I have approved beforehand.";
  challenge = explained(std::move(challenge));
  EXPECT_TRUE(contains(challenge.summary, "not been delivered yet")) << challenge.summary;
  EXPECT_FALSE(contains(challenge.summary, "Nothing failed")) << challenge.summary;

  Record away = challenge;
  away.diagnostic = "I am out of the office until Monday.";
  away = explained(std::move(away));
  EXPECT_TRUE(contains(away.summary, "Nothing failed")) << away.summary;

  Record left = challenge;
  left.diagnostic = "Thank you for your email. I have left the company. Please contact procurement@example.com.";
  left = explained(std::move(left));
  EXPECT_TRUE(contains(left.summary, "no longer works there")) << left.summary;
}

TEST(ExplainText, AFreeTextUnknownUserSaysTheAddressMayNotExist) {
  const Result<TextExplanation> result = explain_text("550 User unknown");
  ASSERT_TRUE(result.ok());
  EXPECT_TRUE(contains(result->summary, "said the address does not exist")) << result->summary;
}

TEST(ExplainRecord, ExpiredNamesTheTimeAndTheSilentHost) {
  Record record = bounce(Reason::kExpired);
  record.remote_mta.reset();
  record.diagnostic =
      "554 4.4.7 Message expired: unable to deliver in 840 minutes. connect to "
      "mx.example.org[203.0.113.5]:25: Connection timed out";
  explain::explain_record(record);
  EXPECT_TRUE(contains(record.summary, "840 minutes")) << record.summary;
  EXPECT_TRUE(contains(record.summary, "mx.example.org (203.0.113.5) did not answer in time"))
      << record.summary;
}

TEST(ExplainRecord, NetworkErrorNamesTheProblem) {
  Record record = bounce(Reason::kNetworkError);
  record.diagnostic = "DNS Error: DNS type 'mx' lookup of example.jp responded with code NXDOMAIN";
  explain::explain_record(record);
  EXPECT_TRUE(contains(record.summary, "example.jp could not be found in the DNS"))
      << record.summary;
  EXPECT_TRUE(contains(record.summary, "retry")) << record.summary;
}

TEST(ExplainRecord, NetworkErrorWithoutDiagnosticFallsBackToTheRemoteHost) {
  Record record = bounce(Reason::kNetworkError);
  record.diagnostic = "Connection refused";
  explain::explain_record(record);
  EXPECT_TRUE(contains(record.summary, "mx.example.com refused the connection")) << record.summary;
}

TEST(ExplainRecord, HardAndSoftBouncesGetDifferentAdvice) {
  Record hard = bounce(Reason::kUserUnknown);
  hard.hard_bounce = true;
  Record soft = bounce(Reason::kUserUnknown);
  soft.hard_bounce = false;
  explain::explain_record(hard);
  explain::explain_record(soft);
  EXPECT_NE(hard.advice, soft.advice);
  EXPECT_TRUE(contains(joined(hard.advice), "Remove jane@example.com from your mailing lists"))
      << joined(hard.advice);
  EXPECT_FALSE(contains(joined(soft.advice), "Remove jane@example.com")) << joined(soft.advice);
  EXPECT_TRUE(contains(joined(soft.advice), "several tries")) << joined(soft.advice);
}

TEST(ExplainRecord, SenderSideFailuresDoNotBlameTheAddress) {
  const Record record = explained(bounce(Reason::kSpamDetected));
  EXPECT_FALSE(contains(joined(record.advice), "stop sending to")) << joined(record.advice);
  EXPECT_TRUE(contains(joined(record.advice), "no need to remove the address"))
      << joined(record.advice);
}

TEST(ExplainRecord, ReportsThatAreNotFailuresGetNoRetryAdvice) {
  for (Reason reason : {Reason::kDelivered, Reason::kVacation, Reason::kFeedback}) {
    const Record record = explained(bounce(reason));
    EXPECT_FALSE(contains(joined(record.advice), "several tries")) << joined(record.advice);
  }
}

TEST(ExplainRecord, SuppressedAdviceDoesNotContradictItself) {
  // The cause unknown: both an opt-out (never mail again) and a bounce (lift only if it works).
  const Record record = explained(bounce(Reason::kSuppressed));
  EXPECT_TRUE(contains(joined(record.advice), "do not send to jane@example.com again")) << joined(record.advice);
  EXPECT_TRUE(contains(joined(record.advice), "only if you know it works again")) << joined(record.advice);
  EXPECT_FALSE(contains(joined(record.advice), "no need to remove")) << joined(record.advice);

  Record bounced = bounce(Reason::kSuppressed);
  bounced.provider_subtype = "Bounced Address";
  explain::explain_record(bounced);
  EXPECT_TRUE(contains(bounced.advice.front(), "Remove jane@example.com")) << bounced.advice.front();
}

// An unsubscribe or a complaint is the person's wish: never advise lifting the suppression.
TEST(ExplainRecord, SuppressedForAnOptOutIsNeverToBeLifted) {
  for (const char* subtype : {"Unsubscribed Address", "suppress-complaint", "Spam Reporting Address", "Unsubscribe"}) {
    Record record = bounce(Reason::kSuppressed);
    record.provider_subtype = subtype;
    explain::explain_record(record);
    EXPECT_TRUE(contains(record.summary, "asked for no more mail")) << subtype << ": " << record.summary;
    EXPECT_TRUE(contains(joined(record.advice), "Keep it on your sending service's suppression list"))
        << joined(record.advice);
    EXPECT_FALSE(contains(joined(record.advice), "take it off")) << joined(record.advice);
  }
}

TEST(ExplainRecord, UndefinedFallsBackToTheCodeKnowledge) {
  Record record = bounce(Reason::kUndefined);
  record.status = "5.0.0";
  record.reply_code = 550;
  explain::explain_record(record);
  EXPECT_TRUE(contains(record.summary, "failed with code 550")) << record.summary;
  EXPECT_LE(sentence_count(record.summary), 2u) << record.summary;
  // The permanent code says not to send again unchanged; nothing after suggests several tries.
  EXPECT_TRUE(contains(joined(record.advice), "Do not send it again unchanged")) << joined(record.advice);
  EXPECT_FALSE(contains(joined(record.advice), "several tries")) << joined(record.advice);

  const Record bare = explained(bounce(Reason::kUndefined));
  EXPECT_TRUE(contains(bare.summary, "does not say why")) << bare.summary;
}

TEST(ExplainRecord, DelayIsNotAFailure) {
  Record record = bounce(Reason::kMailboxFull);
  record.kind = Kind::kDelay;
  record.action = "delayed";
  explain::explain_record(record);
  EXPECT_TRUE(contains(record.summary, "not been delivered yet")) << record.summary;
  EXPECT_TRUE(contains(record.summary, "keeps trying")) << record.summary;
  EXPECT_TRUE(contains(record.summary, "over quota")) << record.summary;
  EXPECT_FALSE(contains(joined(record.advice), "stop sending")) << joined(record.advice);

  record.reason = Reason::kExpired;
  record.diagnostic = "connect to mx.example.com[192.0.2.7]:25: Connection timed out";
  explain::explain_record(record);
  EXPECT_TRUE(contains(record.summary, "yet: mx.example.com (192.0.2.7) did not answer in time"))
      << record.summary;
  EXPECT_FALSE(contains(record.summary, "given up")) << record.summary;
}

// A delay on the recipient's side waits and watches the address; one the sender can act on says
// what to do about it.
TEST(ExplainRecord, ADelayTheSenderCanActOnGivesItsCausesAdvice) {
  Record full = bounce(Reason::kMailboxFull);
  full.kind = Kind::kDelay;
  full = explained(std::move(full));
  ASSERT_FALSE(full.advice.empty());
  EXPECT_TRUE(contains(full.advice[0], "No action is needed yet")) << full.advice[0];

  Record rate_limited = bounce(Reason::kSpeeding);
  rate_limited.kind = Kind::kDelay;
  rate_limited = explained(std::move(rate_limited));
  EXPECT_TRUE(contains(rate_limited.summary, "not been delivered yet")) << rate_limited.summary;
  ASSERT_FALSE(rate_limited.advice.empty());
  EXPECT_TRUE(contains(rate_limited.advice[0], "Send fewer messages")) << rate_limited.advice[0];
  EXPECT_FALSE(contains(joined(rate_limited.advice), "check the address")) << joined(rate_limited.advice);

  // The words' own text gives the advice where there is one.
  Record closing = bounce(Reason::kBlocked);
  closing.kind = Kind::kDelay;
  closing.diagnostic = "421 4.3.2 Service not available, closing transmission channel";
  closing = explained(std::move(closing));
  ASSERT_FALSE(closing.advice.empty());
  EXPECT_TRUE(contains(closing.advice[0], "retry later")) << closing.advice[0];
  EXPECT_FALSE(contains(joined(closing.advice), "infected computer")) << joined(closing.advice);
}

// The delay text names only {net_problem}: the host it falls back to is still looked for.
TEST(ExplainRecord, ANetworkProblemFallsBackToTheHostThatAnswered) {
  Record record = bounce(Reason::kExpired);
  record.kind = Kind::kDelay;
  record.action = "delayed";
  record.diagnostic = "Connection timed out";
  explain::explain_record(record);
  EXPECT_TRUE(contains(record.summary, "yet: mx.example.com did not answer in time")) << record.summary;
  record.remote_mta.reset();
  explain::explain_record(record);
  EXPECT_TRUE(contains(record.summary, "yet: the receiving server did not answer in time")) << record.summary;
}

TEST(ExplainRecord, FeedbackTellsToStopMailing) {
  Record record = bounce(Reason::kFeedback);
  record.kind = Kind::kFeedback;
  record.feedback_type = "abuse";
  explain::explain_record(record);
  EXPECT_EQ(record.summary, "jane@example.com marked your message as spam. Stop mailing them.");
  EXPECT_TRUE(contains(record.advice.front(), "Stop mailing jane@example.com"))
      << record.advice.front();

  record.feedback_type = "auth-failure";
  explain::explain_record(record);
  EXPECT_TRUE(contains(record.summary, "not a complaint")) << record.summary;
}

TEST(ExplainRecord, AutoreplyAndDeliveredSayNothingFailed) {
  Record reply = bounce(Reason::kVacation);
  reply.kind = Kind::kAutoreply;
  explain::explain_record(reply);
  EXPECT_TRUE(contains(reply.summary, "automatic reply")) << reply.summary;
  EXPECT_TRUE(contains(reply.summary, "Nothing failed")) << reply.summary;

  for (Kind kind : {Kind::kDelivered, Kind::kRelayed, Kind::kExpanded}) {
    Record record = bounce(Reason::kDelivered);
    record.kind = kind;
    explain::explain_record(record);
    EXPECT_TRUE(contains(record.summary, "jane@example.com")) << record.summary;
    EXPECT_EQ(record.advice, std::vector<std::string>{"No action is needed."});
  }
}

TEST(ExplainRecord, HostileValuesStayOneLine) {
  Record record = bounce(Reason::kMailboxFull);
  record.recipient = std::string("jane\r\n\x01@example.com") + std::string(5000, 'x');
  explain::explain_record(record);
  EXPECT_FALSE(contains(record.summary, "\n") || contains(record.summary, "\x01"));
  EXPECT_LT(record.summary.size(), 400u);
}

// ---- explain_text ----

TEST(ExplainText, QmailRelayingDenied) {
  const Result<TextExplanation> result =
      explain_text("553 sorry, that domain isn't in my list of allowed rcpthosts (#5.7.1)");
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->reason, Reason::kNoRelaying);
  EXPECT_EQ(result->side, Side::kSender);
  EXPECT_FALSE(result->hard_bounce);
  EXPECT_TRUE(contains(result->summary, "relay")) << result->summary;
  EXPECT_TRUE(contains(result->summary, "your side")) << result->summary;
  ASSERT_EQ(result->codes.size(), 2u);
  EXPECT_EQ(result->codes[0].code, "553");
  EXPECT_EQ(result->codes[1].code, "5.7.1");
}

TEST(ExplainText, GmailMultilineUserUnknown) {
  const Result<TextExplanation> result = explain_text(
      "550-5.1.1 The email account that you tried to reach does not exist. Please try\n"
      "550-5.1.1 double-checking the recipient's email address for typos or\n"
      "550-5.1.1 unnecessary spaces.");
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->reason, Reason::kUserUnknown);
  EXPECT_TRUE(result->hard_bounce);
  EXPECT_EQ(result->side, Side::kRecipient);
  EXPECT_TRUE(contains(result->summary, "does not exist")) << result->summary;
  EXPECT_TRUE(contains(joined(result->advice), "Remove this address")) << joined(result->advice);
}

TEST(ExplainText, PermFailureUserUnknown) {
  const Result<TextExplanation> result =
      explain_text("PERM_FAILURE: SMTP Error (state 13): 550 5.1.1 recipient rejected");
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->reason, Reason::kUserUnknown);
  EXPECT_TRUE(result->hard_bounce);
  EXPECT_EQ(result->side, Side::kRecipient);
  EXPECT_TRUE(contains(result->summary, "does not exist")) << result->summary;
}

TEST(ExplainText, QmailConnectionFailure) {
  const Result<TextExplanation> result =
      explain_text("Sorry, I wasn't able to establish an SMTP connection. (#4.4.1)");
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->reason, Reason::kNetworkError);
  EXPECT_FALSE(result->hard_bounce);
  EXPECT_EQ(result->side, Side::kNetwork);
  EXPECT_TRUE(contains(result->summary, "no connection could be made")) << result->summary;
  EXPECT_TRUE(contains(result->summary, "retry")) << result->summary;
}

TEST(ExplainText, NamesTheAddressInTheReply) {
  const Result<TextExplanation> result =
      explain_text("550 5.2.2 <jane@example.com>: Mailbox full, quota exceeded");
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->reason, Reason::kMailboxFull);
  EXPECT_TRUE(contains(result->summary, "jane@example.com")) << result->summary;
}

TEST(ExplainText, ABareCodeIsExplained) {
  for (std::string_view code : {"550", " 5.1.1\n", "#5.7.1"}) {
    const Result<TextExplanation> result = explain_text(code);
    ASSERT_TRUE(result.ok());
    ASSERT_EQ(result->codes.size(), 1u) << code;
    EXPECT_TRUE(contains(code, result->codes[0].code)) << code;
    EXPECT_FALSE(contains(result->summary, "No SMTP code")) << result->summary;
  }
  const Result<TextExplanation> reply = explain_text("550");
  ASSERT_TRUE(reply.ok());
  EXPECT_TRUE(contains(reply->summary, "550")) << reply->summary;
}

TEST(ExplainText, TextWithoutCodesOrWordingSaysSo) {
  const Result<TextExplanation> result = explain_text("hello world");
  ASSERT_TRUE(result.ok());
  EXPECT_TRUE(result->codes.empty());
  EXPECT_EQ(result->reason, Reason::kUndefined);
  EXPECT_TRUE(contains(result->summary, "No SMTP code")) << result->summary;
}

TEST(ExplainText, EmptyOrBlankIsAnError) {
  for (std::string_view text : {std::string_view{}, std::string_view(" \n\t\r\n  ")}) {
    const Result<TextExplanation> result = explain_text(text);
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(result.error().message, "nothing to explain: the text is empty");
  }
}

constexpr std::string_view kPostfixBounce =
    "Return-Path: <>\n"
    "Received: by mail.shop.example (Postfix) id 3F1A2B; Mon, 3 Jun 2024 10:00:00 +0000 (UTC)\n"
    "Date: Mon, 3 Jun 2024 10:00:00 +0000 (UTC)\n"
    "From: MAILER-DAEMON@mail.shop.example (Mail Delivery System)\n"
    "Subject: Undelivered Mail Returned to Sender\n"
    "To: news@shop.example\n"
    "MIME-Version: 1.0\n"
    "Content-Type: multipart/report; report-type=delivery-status;\n"
    "\tboundary=\"3F1A2B.1717408800/mail.shop.example\"\n"
    "Message-Id: <20240603100000.3F1A2B@mail.shop.example>\n"
    "\n"
    "This is a MIME-encapsulated message.\n"
    "\n"
    "--3F1A2B.1717408800/mail.shop.example\n"
    "Content-Description: Notification\n"
    "Content-Type: text/plain; charset=us-ascii\n"
    "\n"
    "This is the mail system at host mail.shop.example.\n"
    "\n"
    "I'm sorry to have to inform you that your message could not\n"
    "be delivered to one or more recipients.\n"
    "\n"
    "<jane@example.com>: host mx.example.com[192.0.2.10] said: 550 5.1.1\n"
    "    <jane@example.com>: Recipient address rejected: User unknown in virtual\n"
    "    mailbox table (in reply to RCPT TO command)\n"
    "\n"
    "--3F1A2B.1717408800/mail.shop.example\n"
    "Content-Description: Delivery report\n"
    "Content-Type: message/delivery-status\n"
    "\n"
    "Reporting-MTA: dns; mail.shop.example\n"
    "X-Postfix-Queue-ID: 3F1A2B\n"
    "Arrival-Date: Mon, 3 Jun 2024 09:59:58 +0000 (UTC)\n"
    "\n"
    "Final-Recipient: rfc822; jane@example.com\n"
    "Original-Recipient: rfc822;jane@example.com\n"
    "Action: failed\n"
    "Status: 5.1.1\n"
    "Remote-MTA: dns; mx.example.com\n"
    "Diagnostic-Code: smtp; 550 5.1.1 <jane@example.com>: Recipient address rejected:\n"
    "    User unknown in virtual mailbox table\n"
    "\n"
    "--3F1A2B.1717408800/mail.shop.example\n"
    "Content-Description: Undelivered Message Headers\n"
    "Content-Type: text/rfc822-headers\n"
    "\n"
    "From: news@shop.example\n"
    "To: jane@example.com\n"
    "Subject: Our June offers\n"
    "\n"
    "--3F1A2B.1717408800/mail.shop.example--\n";

TEST(ExplainText, AWholeBounceGoesThroughTheDecoder) {
  const Result<TextExplanation> result = explain_text(kPostfixBounce);
  ASSERT_TRUE(result.ok());
  ASSERT_EQ(result->records.size(), 1u);
  EXPECT_EQ(result->records[0].recipient, "jane@example.com");
  EXPECT_EQ(result->reason, Reason::kUserUnknown);
  EXPECT_TRUE(result->hard_bounce);
  EXPECT_TRUE(contains(result->summary, "jane@example.com")) << result->summary;
  EXPECT_EQ(result->summary, result->records[0].summary);
  EXPECT_FALSE(result->codes.empty());
}

TEST(ExplainText, AMessageThatIsNotAReportIsExplainedByItsBody) {
  const Result<TextExplanation> chat =
      explain_text("From: jane@example.com\nSubject: lunch?\n\nAre you free at noon?\n");
  ASSERT_TRUE(chat.ok());
  EXPECT_TRUE(chat->records.empty());
  EXPECT_TRUE(contains(chat->summary, "No SMTP code")) << chat->summary;

  const Result<TextExplanation> forwarded = explain_text(
      "From: jane@example.com\nSubject: Fwd: failure\n\n452 4.2.2 Mailbox full, try later\n");
  ASSERT_TRUE(forwarded.ok());
  EXPECT_EQ(forwarded->reason, Reason::kMailboxFull);
  EXPECT_FALSE(contains(forwarded->summary, "jane@example.com")) << forwarded->summary;
}

template <typename F>
double seconds_taken(F&& run) {
  const auto start = std::chrono::steady_clock::now();
  run();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

TEST(ExplainText, AOneMegabyteLineIsQuick) {
  std::string line;
  while (line.size() < (size_t{1} << 20)) line += "550 5.1.1 no such user timed out connect to a ";
  const double taken = seconds_taken([&line] {
    const Result<TextExplanation> result = explain_text(line);
    EXPECT_TRUE(result.ok());
  });
  EXPECT_LT(taken, 30.0);  // a hang guard, not a benchmark: a quadratic path takes minutes
}

TEST(ExplainText, BinaryJunkAndInvalidUtf8AreQuickAndSafe) {
  std::string junk;
  unsigned state = 12345;
  for (size_t i = 0; i < (size_t{1} << 20); ++i) {
    state = state * 1103515245u + 12345u;
    junk.push_back(static_cast<char>(state >> 16));
  }
  const double taken = seconds_taken([&junk] {
    const Result<TextExplanation> result = explain_text(junk);
    if (result.ok()) {
      EXPECT_FALSE(result->summary.empty());
    }
  });
  EXPECT_LT(taken, 30.0);  // a hang guard, not a benchmark: a quadratic path takes minutes

  const Result<TextExplanation> invalid = explain_text("550 \xFF\xFE\xC3 5.1.1 user \x80unknown");
  ASSERT_TRUE(invalid.ok());
  EXPECT_FALSE(invalid->summary.empty());
}

TEST(ExplainText, AHugeHeaderOnlyMessageIsQuick) {
  std::string message = "Received: " + std::string(size_t{1} << 20, 'x');
  const double taken = seconds_taken([&message] { EXPECT_TRUE(explain_text(message).ok()); });
  EXPECT_LT(taken, 30.0);  // a hang guard, not a benchmark: a quadratic path takes minutes
}

}  // namespace
}  // namespace bounceback
