// pipeline::make_record: one recipient's evidence and the report's shared fields to a record.
#include <gtest/gtest.h>

#include <cctype>
#include <optional>
#include <string>
#include <utility>

#include "bounceback/output.h"
#include "pipeline/record_builder.h"

namespace bounceback::pipeline {
namespace {

Record shared_fields() {
  Record base;
  base.source = "bounces/2026-03-04.eml";
  base.decoder = "rfc3464";
  base.sender = "owner@lists.example.org";
  base.timestamp = "2026-03-04T13:30:00Z";
  return base;
}

Record record_with_diagnostic(const std::string& diagnostic) {
  report::Report report;
  report::RecipientEvidence evidence;
  evidence.recipient = "ann@A.example";
  evidence.action = "failed";
  evidence.status = "5.1.1";
  evidence.diagnostic = diagnostic;
  return make_record(shared_fields(), report, evidence);
}

Record relay_refused_by(const std::string& remote_mta) {
  report::Report report;
  report::RecipientEvidence evidence;
  evidence.recipient = "ann@shop.example";
  evidence.action = "failed";
  evidence.status = "5.7.1";
  evidence.diagnostic = "550 5.7.1 <ann@shop.example>: Relay access denied";
  evidence.remote_mta = remote_mta;
  return make_record(shared_fields(), report, evidence);
}

// A server of the recipient's own domain refusing to relay to it no longer takes the domain's
// mail: for the recipient's side to fix. Any other server wants the sender to log in.
TEST(MakeRecord, ARelayRefusedForTheServersOwnDomainIsTheRecipientsSide) {
  for (const std::string host : {"mail.shop.example", "shop.example", "MX1.Shop.Example."}) {
    const Record own = relay_refused_by(host);
    EXPECT_EQ(own.reason, Reason::kNoRelaying) << host;
    EXPECT_EQ(own.side, Side::kRecipient) << host;
    EXPECT_NE(own.summary.find("own mail server"), std::string::npos) << own.summary;
  }
  for (const std::string host : {"smtp.provider.example", "notshop.example", ""}) {
    const Record other = relay_refused_by(host);
    EXPECT_EQ(other.side, Side::kSender) << host;
    ASSERT_FALSE(other.advice.empty());
    EXPECT_NE(other.advice[0].find("authentication"), std::string::npos) << other.advice[0];
  }
}

TEST(MakeRecord, KeepsASingleSpacedDiagnosticAsItIs) {
  const std::string words = "550 5.1.1 <ann@a.example>: Recipient address rejected: User unknown";
  EXPECT_EQ(record_with_diagnostic(words).diagnostic, words);
  EXPECT_EQ(record_with_diagnostic("550").diagnostic, "550");
  EXPECT_EQ(record_with_diagnostic("550 caf\xc3\xa9 ferm\xc3\xa9").diagnostic, "550 caf\xc3\xa9 ferm\xc3\xa9");
}

// Runs of blanks are looked for eight bytes at a time: each position, the boundaries between
// eight-byte words and the last bytes included.
TEST(MakeRecord, CollapsesWhiteSpaceWhereverItStands) {
  EXPECT_EQ(record_with_diagnostic("  550 user unknown\n").diagnostic, "550 user unknown");
  EXPECT_EQ(record_with_diagnostic("550\tuser\r\nunknown").diagnostic, "550 user unknown");
  const std::string words = "550 5.1.1 mailbox unavailable here";
  for (size_t at = 1; at + 1 < words.size(); ++at) {
    if (words[at] != ' ') continue;
    std::string doubled = words;
    doubled.insert(at, " ");
    EXPECT_EQ(record_with_diagnostic(doubled).diagnostic, words) << doubled;
  }
  EXPECT_EQ(record_with_diagnostic(" \n\t ").diagnostic, std::nullopt);
}

TEST(MakeRecord, ControlCharactersThatAreNotSpaceStay) {
  EXPECT_EQ(record_with_diagnostic("550 user\x01unknown").diagnostic, "550 user\x01unknown");
}

TEST(MakeRecord, CarriesTheSharedFieldsWhetherCopiedOrMoved) {
  report::Report report;
  report::RecipientEvidence evidence;
  evidence.recipient = "ann@a.example";
  evidence.action = "failed";
  const Record base = shared_fields();
  const Record copied = make_record(base, report, evidence);
  const Record moved = make_record(shared_fields(), report, evidence);
  for (const Record* r : {&copied, &moved}) {
    EXPECT_EQ(r->source, "bounces/2026-03-04.eml");
    EXPECT_EQ(r->decoder, "rfc3464");
    EXPECT_EQ(r->sender, "owner@lists.example.org");
    EXPECT_EQ(r->timestamp, "2026-03-04T13:30:00Z");
    EXPECT_EQ(r->recipient, "ann@a.example");
  }
  EXPECT_EQ(base.source, "bounces/2026-03-04.eml");  // a copied base is left as it was
}

std::string as_json(const Record& r) {
  std::string out;
  append_json(r, out);
  return out;
}

// The decoder hands each recipient's evidence over (complete_record with an rvalue): the record
// must be the one copied evidence gives, classification and explanation included, although the
// evidence's strings are taken once it is classified.
TEST(CompleteRecord, EvidenceTakenOverGivesTheRecordCopiedEvidenceGives) {
  report::Report report;
  report.source_ip = "192.0.2.7";
  report::RecipientEvidence evidence;
  evidence.recipient = "<Ann@A.Example>";
  evidence.original_recipient = "rfc822;ann@lists.example.org";
  evidence.action = "failed";
  evidence.command = "RCPT";
  evidence.remote_mta = "mx1.a.example.in.the.long.name.example";
  const std::string single_spaced = "550 5.1.1 <ann@a.example>: Recipient address rejected: User unknown in table";
  const std::string multi_line = "550-5.1.1 The email account that you tried\n550-5.1.1 to reach does not exist.";
  for (const std::string& diagnostic : {single_spaced, multi_line}) {
    evidence.diagnostic = diagnostic;
    Record copied = shared_fields();
    complete_record(copied, report, evidence);
    Record taken = shared_fields();
    report::RecipientEvidence handed_over = evidence;
    complete_record(taken, report, std::move(handed_over));
    EXPECT_EQ(as_json(taken), as_json(copied)) << diagnostic;
    EXPECT_EQ(taken.reason, Reason::kUserUnknown) << diagnostic;
    EXPECT_EQ(taken.recipient, "Ann@a.example");
    EXPECT_EQ(taken.remote_mta, evidence.remote_mta);
    EXPECT_EQ(taken.remote_ip, "192.0.2.7");
    EXPECT_EQ(taken.command, "RCPT");
    EXPECT_FALSE(taken.summary.empty());
  }
  EXPECT_EQ(evidence.remote_mta, "mx1.a.example.in.the.long.name.example");  // copied evidence is left as it was
}

// Separators and the '@' are looked for eight bytes at a time: one at every position, across the
// boundaries between eight-byte words and in the bytes left over.
TEST(NormalizeAddress, FindsASeparatorOrTheLastAtWhereverItStands) {
  const std::string local = "abcdefghijklmnopqrstuvw";
  for (size_t at = 1; at + 1 < local.size(); ++at) {
    const std::string address = local.substr(0, at) + "@" + local.substr(at) + ".EXAMPLE";
    std::string lowered = address;
    for (size_t i = at + 1; i != lowered.size(); ++i) lowered[i] = static_cast<char>(std::tolower(lowered[i]));
    EXPECT_EQ(normalize_address(address), lowered) << address;
    for (char separator : {' ', '\t', ',', ';'}) {
      for (size_t pos = 1; pos + 1 < address.size(); ++pos) {
        if (pos == at) continue;
        std::string broken = address;
        broken[pos] = separator;
        // Two addresses, or one and a word: an address found in it stands, never the whole text.
        const std::optional<std::string> found = normalize_address(broken);
        EXPECT_TRUE(!found || found->find(separator) == std::string::npos) << broken;
      }
    }
  }
}

TEST(NormalizeAddress, LowersTheDomainOnlyAndKeepsTheLocalPart) {
  EXPECT_EQ(normalize_address("<Bounces+Jane=Example.COM@Lists.EXAMPLE.ORG>"), "Bounces+Jane=Example.COM@lists.example.org");
  EXPECT_EQ(normalize_address("\"Jane.Doe@MX.Example.NET.\""), "Jane.Doe@mx.example.net");
  EXPECT_EQ(normalize_address("a@b@C\xc3\x89.EXAMPLE"), "a@b@c\xc3\x89.example");  // the last '@'; UTF-8 bytes kept
  EXPECT_EQ(normalize_address("Jane Doe <JANE@EXAMPLE.COM>"), "JANE@example.com");
  EXPECT_EQ(normalize_address("no address here"), std::nullopt);
  EXPECT_EQ(normalize_address("@example.com"), std::nullopt);
  EXPECT_EQ(normalize_address("jane@"), std::nullopt);
}

// Taking the value over gives what a copy gives, the address moved to the front of the buffer.
TEST(NormalizeAddress, TakingTheValueOverGivesTheSameAddress) {
  for (const std::string value :
       {"<Bounces+Jane=Example.COM@Lists.EXAMPLE.ORG>", "\"Jane.Doe@MX.Example.NET.\"", "  <a@B.EXAMPLE>  ",
        "a@b@C\xc3\x89.EXAMPLE", "Jane Doe <JANE@EXAMPLE.COM>", "rfc822; <Ann@A.Example>", "plain@example.org",
        "no address here", "@example.com", "jane@", "'x.y.z.long.local.part@Long.Domain.Example.Org'"}) {
    EXPECT_EQ(take_normalized_address(std::string(value)), normalize_address(value)) << value;
  }
}

}  // namespace
}  // namespace bounceback::pipeline
