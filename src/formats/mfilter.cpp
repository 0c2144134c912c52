// m-FILTER (Digital Arts, Japan; X-Mailer: m-FILTER): a Japanese paragraph, the failed address
// alone on a line, then dashed labels before the server's reply and the command it answered.
//
//   user@example.net
//
//   -------server message
//   550 5.1.1 <user@example.net>: Recipient address rejected: User unknown
//
//   -------SMTP command
//   DATA
//
//   -------original message
#include <array>

#include "formats/families.h"
#include "formats/sections.h"
#include "formats/signals.h"
#include "formats/transcript.h"
#include "util/text.h"

namespace bounceback::formats {
namespace {

constexpr std::string_view kServerMessage = "-------server message";
constexpr std::string_view kSmtpCommand = "-------SMTP command";
// "-------original message" or "-------original mail info" ends m-FILTER's own words.
constexpr std::array<std::string_view, 1> kEndMarkers = {"-------original m"};

// The first non-blank line after `label`, or the lines up to the next dashed label.
std::string section_text(std::string_view notice, std::string_view label) {
  const std::optional<std::string_view> rest = after_line_with(notice, label);
  if (!rest) return {};
  return util::collapse_space(first_paragraph(*rest));
}

}  // namespace

bool claims_mfilter(const report::Context& context) {
  return util::iequals(util::trim(context.message.root().headers.get("X-Mailer")), "m-FILTER") ||
         (notice_contains(context, ClaimPhrase(kServerMessage)) && notice_contains(context, ClaimPhrase(kSmtpCommand)));
}

bool extract_mfilter(const report::Context& context, report::Report& report) {
  const std::string_view text = before_marker_line(context.notice, kEndMarkers);
  const std::string diagnostic = section_text(text, kServerMessage);
  if (diagnostic.empty()) return false;
  const std::string command = command_verb(section_text(text, kSmtpCommand));
  const std::string_view head = text.substr(0, util::ifind(text, kServerMessage));
  std::vector<report::RecipientEvidence> found;
  size_t pos = 0;
  std::string_view line;
  while (util::next_line(head, pos, line)) {
    // The address stands alone on its line.
    const std::string_view trimmed = util::trim(line);
    std::string address = address_in(trimmed);
    if (address.empty() || address.size() != trimmed.size()) continue;
    report::RecipientEvidence& r = found.emplace_back();
    r.recipient = std::move(address);
    r.action = "failed";
    r.diagnostic = diagnostic;
    r.command = command;
  }
  if (found.empty()) return false;
  if (report.recipients.empty()) report.recipients = std::move(found);
  return true;
}

}  // namespace bounceback::formats
