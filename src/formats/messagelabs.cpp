// Symantec/Broadcom Email Security.cloud, formerly MessageLabs (From:
// MAILER-DAEMON@messagelabs.com, "This is the mail delivery agent at messagelabs.com." or "... at
// Symantec Email Security.cloud."), an RFC 3464 report beside a notice:
//     I was unable to deliver your message to the following addresses:
//     jane@example.com
//     Reason: 542 jane@example.com Rejected
// The relay checks each address with the customer's server before taking the message, so its
// "542 <address> Rejected" and a relayed "No such user" answer that check: the address is missing.
#include <array>

#include "formats/families.h"
#include "formats/generic.h"
#include "formats/signals.h"
#include "util/text.h"

namespace bounceback::formats {
namespace {

constexpr std::string_view kAgentLine = "This is the mail delivery agent at";

// The relay's answers that name a missing address.
constexpr std::array<std::string_view, 2> kAddressRefusalStarts = {
    "542 ",  // the relay's own: "542 jane@example.com Rejected"
    "550 ",  // relayed from the customer's server: "550 jane@example.com... No such user"
};
constexpr std::array<std::string_view, 2> kAddressRefusalWords = {"Rejected", "No such user"};

bool refuses_address(std::string_view diagnostic) {
  diagnostic = util::trim(diagnostic);
  for (size_t i = 0; i < kAddressRefusalStarts.size(); ++i) {
    if (diagnostic.starts_with(kAddressRefusalStarts[i]) && util::icontains(diagnostic, kAddressRefusalWords[i])) {
      return true;
    }
  }
  return false;
}

}  // namespace

bool claims_messagelabs(const report::Context& context) {
  // MAILER-DAEMON@messagelabs.com claims it too (senders.def).
  return notice_contains(context, ClaimPhrase(kAgentLine)) && notice_contains(context, ClaimPhrase("messagelabs.com"));
}

bool extract_messagelabs(const report::Context& context, report::Report& report) {
  if (report.recipients.empty() || !notice_contains(context, ClaimPhrase(kAgentLine))) return false;
  for (report::RecipientEvidence& r : report.recipients) {
    if (!r.format_reason && refuses_address(r.diagnostic)) r.format_reason = Reason::kUserUnknown;
  }
  return extract_rfc3464(context, report);
}

}  // namespace bounceback::formats
