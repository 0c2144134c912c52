// Lotus Notes' SMTP MTA (the 1990s one, before Domino's): the reasons and addresses between two
// dashed banners, the returned message after the second.
//
//   ------- Failure Reasons  --------
//
//   User not listed in public Name & Address Book
//   user@example.net
//
//   ------- Returned Message --------
#include <array>

#include "formats/families.h"
#include "formats/sections.h"
#include "formats/signals.h"
#include "formats/transcript.h"
#include "report/report.h"
#include "util/text.h"

namespace bounceback::formats {
namespace {

constexpr std::string_view kFailureBanner = "------- Failure Reasons";

constexpr std::array<StatedReason, 3> kStatedReasons = {{
    {"User not listed in public Name & Address Book", Reason::kUserUnknown},
    {"ディレクトリのリストにありません", Reason::kUserUnknown},  // Japanese: "not in the directory list"
    {"Message has exceeded maximum hop count", Reason::kNetworkError},
}};

}  // namespace

bool claims_notes(const report::Context& context) { return notice_contains(context, ClaimPhrase(kFailureBanner)); }

bool extract_notes(const report::Context& context, report::Report& report) {
  const std::optional<std::string_view> section = after_line_with(context, ClaimPhrase(kFailureBanner));
  if (!section || !report.recipients.empty()) return false;
  std::vector<std::string> addresses;
  std::string reasons;
  size_t pos = 0;
  std::string_view line;
  while (util::next_line(*section, pos, line)) {
    const std::string_view trimmed = util::trim(line);
    if (trimmed.starts_with("-------")) break;
    std::string address = address_in(trimmed);
    if (!address.empty() && address.size() == trimmed.size()) {
      addresses.push_back(std::move(address));
    } else if (!trimmed.empty()) {
      if (!reasons.empty()) reasons.push_back(' ');
      reasons.append(trimmed);
    }
  }
  // With no address among the reasons, the returned message's To: names the recipient.
  if (addresses.empty()) addresses.push_back(report::find_original_message(context).to);
  for (std::string& address : addresses) {
    if (address.empty()) continue;
    report::RecipientEvidence& r = report.recipients.emplace_back();
    r.recipient = std::move(address);
    r.action = "failed";
    r.diagnostic = reasons;
    r.format_reason = stated_reason(reasons, kStatedReasons);
  }
  return !report.recipients.empty();
}

}  // namespace bounceback::formats
