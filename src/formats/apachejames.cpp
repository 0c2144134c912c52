// Apache James: the exception's words under "Error message below:", the envelope under
// "Message details:".
//
//   Error: Invalid user address
//
//   Error message below:
//   550 - Requested action not taken: no such user here
//
//   Message details:
//     Subject: Hello
//     MAIL FROM: sender@example.org
//     RCPT TO: user@example.net
#include "formats/families.h"
#include "formats/sections.h"
#include "formats/signals.h"
#include "formats/transcript.h"
#include "util/text.h"

namespace bounceback::formats {
namespace {

constexpr std::string_view kErrorLead = "Error message below:";
constexpr std::string_view kDetailsLead = "Message details:";
constexpr std::string_view kRecipientField = "RCPT TO:";

bool sent_by_james(const report::Context& context) {
  // Message-ID: <...JavaMail...@host>, Received: ... by host (JAMES SMTP Server 2.3.2), Subject: [BOUNCE]
  const mime::Headers& headers = context.message.root().headers;
  if (util::icontains(headers.get("Message-ID"), ".JavaMail.")) return true;
  for (std::string_view received : headers.raw_all("Received")) {
    if (util::icontains(received, "JAMES SMTP Server")) return true;
  }
  return util::iequals(util::trim(context.subject), "[BOUNCE]");
}

}  // namespace

bool claims_apachejames(const report::Context& context) {
  return notice_contains(context, ClaimPhrase(kErrorLead)) && notice_contains(context, ClaimPhrase(kDetailsLead)) && sent_by_james(context);
}

bool extract_apachejames(const report::Context& context, report::Report& report) {
  const std::optional<std::string_view> error = after_line_with(context, ClaimPhrase(kErrorLead));
  const std::optional<std::string_view> details = after_line_with(context, ClaimPhrase(kDetailsLead));
  if (!error || !details || !report.recipients.empty()) return false;
  const std::string diagnostic = util::collapse_space(before_marker(*error, kDetailsLead));
  size_t pos = 0;
  std::string_view line;
  while (util::next_line(*details, pos, line)) {
    const std::string_view trimmed = util::trim(line);
    if (!util::istarts_with(trimmed, kRecipientField)) continue;
    std::string address = address_in(trimmed.substr(kRecipientField.size()));
    if (address.empty()) continue;
    report::RecipientEvidence& r = evidence_for(report.recipients, address);
    r.diagnostic = diagnostic;
    r.action = "failed";
  }
  return !report.recipients.empty();
}

}  // namespace bounceback::formats
