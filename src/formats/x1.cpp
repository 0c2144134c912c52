// The unnamed MTA Sisimai calls X1 (From: "Mail Deliver System", sic): each failed address with
// its reason in brackets under a dashed banner.
//
//   The original message was received at Thu, 29 Apr 2010 23:34:45 +0900 (JST)
//   from sender@example.org
//   ---The following addresses had delivery errors---
//   user@example.net [User unknown]
#include "formats/families.h"
#include "formats/sections.h"
#include "formats/signals.h"
#include "formats/transcript.h"
#include "util/text.h"

namespace bounceback::formats {
namespace {

constexpr std::string_view kBanner = "---The following addresses had delivery errors---";

}  // namespace

bool claims_x1(const report::Context& context) { return notice_contains(context, ClaimPhrase(kBanner)); }

bool extract_x1(const report::Context& context, report::Report& report) {
  const std::optional<std::string_view> list = after_line_with(context, ClaimPhrase(kBanner));
  if (!list || !report.recipients.empty()) return false;
  size_t pos = 0;
  std::string_view line;
  while (util::next_line(*list, pos, line)) {
    // "user@example.net [Connection timed out]"
    const std::string_view trimmed = util::trim(line);
    const size_t open = trimmed.find(" [");
    if (open == std::string_view::npos || !trimmed.ends_with(']')) continue;
    std::string address = address_in(trimmed.substr(0, open));
    if (address.empty()) continue;
    report::RecipientEvidence& r = evidence_for(report.recipients, address);
    r.diagnostic = std::string(trimmed.substr(open + 2, trimmed.size() - open - 3));
    r.action = subject_contains(context, "Warning") ? "delayed" : "failed";
  }
  return !report.recipients.empty();
}

}  // namespace bounceback::formats
