// Courier MTA: an RFC 3464 report whose notice quotes the SMTP exchange per recipient, which
// gives the command the RFC 3464 part leaves out.
//
//   This is a delivery status notification from mx.example.org,
//   running the Courier mail server, version 0.65.2.
//
//   <user@example.net>:
//       mx.example.net [192.0.2.1]:
//   >>> RCPT TO:<user@example.net>
//   <<< 550 5.1.1 <user@example.net>... User unknown
#include <array>

#include "formats/families.h"
#include "formats/generic.h"
#include "formats/sections.h"
#include "formats/signals.h"
#include "formats/transcript.h"
#include "util/text.h"

namespace bounceback::formats {
namespace {

constexpr std::string_view kIntro = "running the Courier mail server";

// Courier's own verdicts, quoted as "<<< " lines without a reply code.
constexpr std::array<StatedReason, 1> kStatedReasons = {{
    {"No such domain", Reason::kHostUnknown},  // "<<< No such domain."
}};

}  // namespace

bool claims_courier(const report::Context& context) { return notice_contains(context, ClaimPhrase(kIntro)); }

bool extract_courier(const report::Context& context, report::Report& report) {
  if (report.recipients.empty()) return false;
  for (const RecipientBlock& block : recipient_blocks(context.notice, OwnAddresses(context))) {
    const std::vector<SmtpExchange> exchanges = smtp_transcript(block.text);
    for (report::RecipientEvidence& r : report.recipients) {
      if (!util::iequals(r.recipient, block.address)) continue;
      const TranscriptRefusal refusal = refusal_for(exchanges, r.recipient, r.diagnostic);
      if (r.command.empty()) r.command = refusal.command;
      if (!r.format_reason) r.format_reason = stated_reason(block.text, kStatedReasons);
    }
  }
  return extract_rfc3464(context, report);
}

}  // namespace bounceback::formats
