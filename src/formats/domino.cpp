// IBM (Lotus) Domino: "Your message ... was not delivered to: <address> because: <reason>",
// usually with an RFC 3464 part whose Diagnostic-Code repeats the reason ("X-Notes; ...").
//
//   Your message
//
//     Subject: Hello
//
//   was not delivered to:
//
//     user@example.net
//
//   because:
//
//     User user (user@example.net) not listed in Domino Directory
#include <array>

#include "formats/families.h"
#include "formats/sections.h"
#include "formats/signals.h"
#include "formats/transcript.h"
#include "util/text.h"

namespace bounceback::formats {
namespace {

constexpr std::string_view kNotDelivered = "was not delivered to:";
constexpr std::string_view kBecause = "because:";

// Domino's own reasons, in the languages it is localised to.
constexpr std::array<StatedReason, 7> kStatedReasons = {{
    {"not listed in Domino Directory", Reason::kUserUnknown},
    {"not listed in public Name & Address Book", Reason::kUserUnknown},
    {"non répertorié dans l'annuaire Domino", Reason::kUserUnknown},        // French
    {"Domino ディレクトリには見つかりません", Reason::kUserUnknown},          // Japanese
    {"Cannot route mail to user", Reason::kFiltered},
    {"Several matches found in Domino Directory", Reason::kSystemError},
    {"Maximum hop count exceeded", Reason::kNetworkError},  // "Message probably in a routing loop."
}};

}  // namespace

bool claims_domino(const report::Context& context) {
  // Subject: "DELIVERY FAILURE: User x (a@b) not listed in Domino Directory" or "DELIVERY_FAILURE:".
  return (util::istarts_with(context.subject, "DELIVERY FAILURE:") ||
          util::istarts_with(context.subject, "DELIVERY_FAILURE:")) &&
         notice_contains(context, ClaimPhrase(kNotDelivered));
}

bool extract_domino(const report::Context& context, report::Report& report) {
  const std::optional<std::string_view> listed = after_line_with(context, ClaimPhrase(kNotDelivered));
  const std::optional<std::string_view> because = after_line_with(context.notice, kBecause);
  if (!listed || !because) return false;
  const std::string reason = util::collapse_space(first_paragraph(*because));
  const std::string address = address_in(first_paragraph(*listed));
  if (address.empty() && report.recipients.empty()) return false;
  // The RFC 3464 part may name the recipient otherwise (after forwarding): one is the same one.
  report::RecipientEvidence& r = address.empty() || report.recipients.size() == 1
                                     ? report.recipients.front()
                                     : evidence_for(report.recipients, address);
  if (r.diagnostic.empty()) r.diagnostic = reason;
  if (r.action.empty()) r.action = "failed";
  if (!r.format_reason) r.format_reason = stated_reason(reason, kStatedReasons);
  return true;
}

}  // namespace bounceback::formats
