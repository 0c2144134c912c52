// Microsoft Exchange 2000/2003 non-delivery reports, plain text without an RFC 3464 part:
//     Your message
//       To:      jane@example.com
//       Subject: Quarterly figures
//     did not reach the following recipient(s):
//     jane@example.com on Thu, 29 Apr 2010 00:00:00 -0000
//         The recipient name is not recognized
//         The MTS-ID of the original message is: c=us;a= ;p=example;l=EXCHANGE0001
//         MSEXCH:IMS:EXAMPLE:HQ:EXCHANGE 0 (000C05A6) Unknown Recipient
#include <algorithm>
#include <array>

#include "formats/families.h"
#include "formats/sections.h"
#include "formats/signals.h"
#include "util/text.h"

namespace bounceback::formats {
namespace {

// "did not reach the following recipient(s):", and Exchange 5.5's
// "The following recipient(s) could not be reached:".
constexpr std::array<std::string_view, 2> kListHeadings = {
    "did not reach the following recipient(s):",
    "The following recipient(s) could not be reached:",
};

// The MSEXCH diagnostic codes whose meaning is unambiguous: "MSEXCH:IMS:... 0 (000C05A6)".
constexpr std::array<StatedReason, 7> kMsexchCodes = {{
    {"(000C05A6)", Reason::kUserUnknown},   // Unknown Recipient
    {"(00120270)", Reason::kNetworkError},  // Too Many Hops
    {"(000B0981)", Reason::kSecurityError}, // 502 Server does not support AUTH
    {"(00050311)", Reason::kContentError},  // Conversion to Internet format failed
    {"(000502CC)", Reason::kContentError},  // Conversion to Internet format failed
    {"(00010256)", Reason::kSystemError},   // Too many recipients
    {"(000D06B5)", Reason::kSystemError},   // No proxy for recipient
}};

// The notice's bookkeeping, which is not the server's words: "The MTS-ID of the original
// message is: c=us;a= ;p=example" and its continuation lines, which start unindented where
// the block's own lines are indented.
bool starts_mts_id(std::string_view line) {
  return util::istarts_with(util::trim(line), "The MTS-ID of the original message is:");
}

std::string words_of(std::string_view block) {
  std::string words;
  size_t pos = block.find('\n');
  if (pos == std::string_view::npos) return words;
  ++pos;
  std::string_view line;
  bool in_mts_id = false;
  while (util::next_line(block, pos, line)) {
    in_mts_id = starts_mts_id(line) || (in_mts_id && !line.empty() && !util::is_space(line.front()));
    if (in_mts_id) continue;
    words.append(line);
    words.push_back(' ');
  }
  return util::collapse_space(words);
}

std::optional<std::string_view> recipient_list(std::string_view notice) {
  for (std::string_view heading : kListHeadings) {
    if (const auto rest = after_line_with(notice, heading)) return rest;
  }
  return std::nullopt;
}

}  // namespace

bool claims_exchange2003(const report::Context& context) {
  // recipient_list() finds a heading anywhere in the notice, so a claim phrase's bit answers it.
  static constexpr auto kHeadingClaims = claim_phrases(kListHeadings);
  return notice_contains_any(context, kHeadingClaims) || notice_contains(context, ClaimPhrase("MSEXCH:"));
}

bool extract_exchange2003(const report::Context& context, report::Report& report) {
  if (!report.recipients.empty()) return false;
  const std::optional<std::string_view> listed = recipient_list(context.notice);
  if (!listed) return false;
  for (const RecipientBlock& block : recipient_blocks(*listed, OwnAddresses(context))) {
    report::RecipientEvidence& r = evidence_for(report.recipients, block.address);
    r.action = "failed";
    r.diagnostic = words_of(block.text);
    r.command = failed_command(block.text);
    r.format_reason = stated_reason(block.text, kMsexchCodes);
  }
  return !report.recipients.empty();
}

}  // namespace bounceback::formats
