// The unnamed MTA Sisimai calls X3 ("Mail Delivery System", "Delivery status notification"):
// starred addresses between ruled lines, then "Technical details" naming the command.
//
//         This is an automatically generated Delivery Status Notification.
//   Delivery to the following recipients failed permanently:
//      * user@example.net
//   ==========================================================
//                             Technical details:
//   SMTP:RCPT host 192.0.2.8: 553 5.3.0 <user@example.net>... No such user here
#include <algorithm>

#include "formats/families.h"
#include "formats/sections.h"
#include "formats/signals.h"
#include "formats/transcript.h"
#include "util/text.h"

namespace bounceback::formats {
namespace {

constexpr std::string_view kIntro = "This is an automatically generated Delivery Status Notification.";
// "SMTP:RCPT host 192.0.2.8: 553 ..." or "Routing: Could not find a gateway for a@b".
constexpr std::string_view kSmtpLead = "SMTP:";
constexpr std::string_view kRoutingLead = "Routing:";

struct Details {
  std::string command;
  std::string text;
};

Details technical_details(std::string_view notice) {
  const std::optional<std::string_view> section = after_line_with(notice, "Technical details:");
  if (!section) return {};
  const std::string_view paragraph = first_paragraph(*section);
  const std::string_view line = util::trim(paragraph.substr(0, paragraph.find('\n')));
  if (util::istarts_with(line, kSmtpLead)) {
    // The command, then what the host said: "RCPT host 192.0.2.8: 553 ...".
    const std::string_view rest = line.substr(kSmtpLead.size());
    const size_t space = std::min(rest.find(' '), rest.size());
    return {command_verb(rest), std::string(util::trim(rest.substr(space)))};
  }
  if (util::istarts_with(line, kRoutingLead)) return {{}, std::string(util::trim(line.substr(kRoutingLead.size())))};
  return {{}, std::string(line)};
}

}  // namespace

bool claims_x3(const report::Context& context) { return notice_contains(context, ClaimPhrase(kIntro)); }

bool extract_x3(const report::Context& context, report::Report& report) {
  if (!notice_contains(context, ClaimPhrase(kIntro))) return false;
  const Details details = technical_details(context.notice);
  std::vector<std::string> starred;
  size_t pos = 0;
  std::string_view line;
  while (util::next_line(context.notice, pos, line)) {
    const std::string_view trimmed = util::trim(line);
    if (trimmed.starts_with("* ")) {
      std::string address = address_in(trimmed.substr(2));
      if (!address.empty()) starred.push_back(std::move(address));
    }
  }
  if (starred.empty()) return false;
  // "Delevery to the following recipients was aborted after 5.0 hour(s):" (sic) is a give-up.
  const bool aborted = notice_contains(context, ClaimPhrase("was aborted after"));
  for (const std::string& address : starred) {
    report::RecipientEvidence& r = evidence_for(report.recipients, address);
    if (r.diagnostic.empty()) r.diagnostic = details.text;
    if (r.command.empty()) r.command = details.command;
    if (r.action.empty()) r.action = "failed";
    if (!r.format_reason && aborted && details.command.empty()) r.format_reason = Reason::kExpired;
  }
  return !report.recipients.empty();
}

}  // namespace bounceback::formats
