// Shared recognisers for the formats: does this message look like a bounce at all, and where is
// each recipient's part of the notice.
#pragma once

#include <algorithm>
#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "formats/claim_phrases.h"
#include "report/report.h"
#include "util/text.h"

namespace bounceback::formats {

// From a mailer daemon or postmaster, or a subject that bounces use, or X-Failed-Recipients.
bool looks_like_bounce(const report::Context& context);

// A reply or forward ("Re:", "Fwd:", "AW:"), a question ("Mail delivery failed - can you help?") or
// a mailing list's post (List-Id, List-Unsubscribe) from a sender who is not a daemon, with no
// report part of its own: whatever bounce it quotes, it is not a report.
bool is_person_quoting_a_bounce(const report::Context& context);

// True when the report's From address's local part or display name contains `needle`, or the
// From domain ends with it (case-insensitive).
bool from_contains(const report::Context& context, std::string_view needle);
bool subject_contains(const report::Context& context, std::string_view needle);
// ASCII case ignored. A needle listed in claim_phrases.def is looked up in context.claim_phrases
// when the decoder filled it; any other is searched for.
bool notice_contains(const report::Context& context, std::string_view needle);
// The same for a phrase of the table, a bit test. Inline: the claims ask hundreds of these per
// message.
inline bool notice_contains(const report::Context& context, const ClaimPhrase& phrase) {
  return context.claim_phrases ? context.claim_phrases->holds(phrase.index) : util::icontains(context.notice, phrase.text);
}
// Whether the notice holds any phrase of a family's table. The claims of several families ask this
// of the same table once per message (Exim's intros for Exim, Mail.Ru and MXLogic): the table's
// mask against the filled set.
template <size_t N>
bool notice_contains_any(const report::Context& context, const ClaimPhrases<N>& phrases) {
  if (context.claim_phrases) return context.claim_phrases->holds_any(phrases.mask);
  return std::ranges::any_of(phrases, [&](const ClaimPhrase& phrase) { return util::icontains(context.notice, phrase.text); });
}

// Which of the phrases in claim_phrases.def the notice holds, in the table's order, and where each
// first occurs: one pass over the notice instead of one search per claim.
report::NoticeClaims find_claim_phrases(std::string_view notice);

// The SMTP command a text says failed ("in reply to RCPT TO command", "after end of data",
// ">>> DATA"), normalised to RCPT, MAIL, DATA, HELO, EHLO, STARTTLS, AUTH, CONN; "" if none.
std::string failed_command(std::string_view text);
// The same for `text` inside the context's notice: the leads the notice lacks (its claim phrases
// say which) are not searched for. Any other text is searched in full.
std::string failed_command(const report::Context& context, std::string_view text);
// The same for a text a format searches for its own phrases too: its byte pairs, when read, rule
// out most leads.
class PhraseSearch;
std::string failed_command(const PhraseSearch& text);

// A host name and IP named in a text as "host mx.example.com[192.0.2.1]" or
// "mx.example.com [192.0.2.1]" (Postfix, Exim, Sendmail).
struct Host {
  std::string name;
  std::string ip;
};
Host remote_host(std::string_view text);

// The report's own addresses (From, To, Return-Path, Delivered-To): never a failed recipient,
// since a bounce comes from the daemon and goes to the original sender. Looked up in the headers
// when a candidate is met rather than collected up front: most notices offer one or two
// candidates, and a header that does not hold a candidate as text needs no parsing.
class OwnAddresses {
 public:
  explicit OwnAddresses(const report::Context& context);
  bool holds(std::string_view address) const;

 private:
  const mime::Headers& headers_;
};
bool is_daemon_address(std::string_view address);

// A recipient address at the start of a notice line and the text that belongs to it.
struct RecipientBlock {
  std::string_view address;  // as written on the line
  std::string_view text;     // from the address's line to the next recipient's line
};
// Addresses that open a line (optionally indented, in <>, followed by ':' or nothing else of
// note), excluding the report's own addresses and daemons'. Each address once, in order.
std::vector<RecipientBlock> recipient_blocks(std::string_view notice, const OwnAddresses& own);

// The first address in running text that is not one of the report's own nor a daemon's, for
// notices that name the recipient in prose: "There was an error delivering your mail to <a@b>."
std::string first_prose_recipient(std::string_view notice, const OwnAddresses& own);

// The server's words in a block: from the first line that holds a reply or status code to the
// end of its paragraph, unfolded; else the block without its address line, unfolded.
std::string diagnostic_of(std::string_view block);

}  // namespace bounceback::formats
