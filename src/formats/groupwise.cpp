// Novell (Micro Focus) GroupWise Internet Agent: each failed address with GWIA's reason in
// parentheses, the original message after it.
//
//   Subject: Message status - undeliverable
//
//   The message that you sent was undeliverable to the following:
//           user@example.net (user not found)
//
//   Possibly truncated original message follows:
#include <array>

#include "formats/families.h"
#include "formats/sections.h"
#include "formats/signals.h"
#include "formats/transcript.h"
#include "util/text.h"

namespace bounceback::formats {
namespace {

constexpr std::string_view kIntro = "The message that you sent was undeliverable to the following:";
constexpr std::array<std::string_view, 2> kEndMarkers = {"Possibly truncated original message follows",
                                                        "Possible causes"};

// GWIA's own reasons in the parentheses.
constexpr std::array<StatedReason, 2> kStatedReasons = {{
    {"user not found", Reason::kUserUnknown},  // "user@example.net (user not found)"
    {"host not found", Reason::kHostUnknown},  // "user@example.net (host not found)"
}};

}  // namespace

bool claims_groupwise(const report::Context& context) { return notice_contains(context, ClaimPhrase(kIntro)); }

bool extract_groupwise(const report::Context& context, report::Report& report) {
  const std::optional<std::string_view> list = after_line_with(context, ClaimPhrase(kIntro));
  if (!list || !report.recipients.empty()) return false;
  size_t pos = 0;
  std::string_view line;
  const std::string_view text = before_marker_line(*list, kEndMarkers);
  while (util::next_line(text, pos, line)) {
    const std::string_view trimmed = util::trim(line);
    const size_t open = trimmed.find(" (");
    std::string address = address_in(trimmed.substr(0, open));
    if (address.empty()) continue;
    report::RecipientEvidence& r = evidence_for(report.recipients, address);
    r.action = "failed";
    if (open != std::string_view::npos && trimmed.ends_with(')')) {
      r.diagnostic = std::string(trimmed.substr(open + 2, trimmed.size() - open - 3));
      r.format_reason = stated_reason(r.diagnostic, kStatedReasons);
    }
  }
  return !report.recipients.empty();
}

}  // namespace bounceback::formats
