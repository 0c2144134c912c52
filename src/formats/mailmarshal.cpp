// Trustwave (Marshal) MailMarshal SMTP: the error under "Could not be delivered because of", the
// affected recipients indented below it, then "Additional Information" in angle brackets.
//
//   Your message:
//      From:    sender@example.org
//      Subject: Hello
//
//   Could not be delivered because of
//
//   550 5.1.1 User unknown
//
//   The following recipients were affected:
//       user@example.net
#include "formats/families.h"
#include "formats/sections.h"
#include "formats/signals.h"
#include "formats/transcript.h"
#include "util/text.h"

namespace bounceback::formats {
namespace {

constexpr std::string_view kErrorLead = "Could not be delivered because of";
constexpr std::string_view kRecipientsLead = "The following recipients were affected:";
constexpr std::string_view kRemoteField = "Remote-MTA:";

}  // namespace

bool claims_mailmarshal(const report::Context& context) {
  return notice_contains(context, ClaimPhrase(kErrorLead)) && notice_contains(context, ClaimPhrase(kRecipientsLead));
}

bool extract_mailmarshal(const report::Context& context, report::Report& report) {
  const std::optional<std::string_view> error = after_line_with(context, ClaimPhrase(kErrorLead));
  const std::optional<std::string_view> recipients = after_line_with(context, ClaimPhrase(kRecipientsLead));
  if (!error || !recipients || !report.recipients.empty()) return false;
  const std::string diagnostic = util::collapse_space(before_marker(*error, kRecipientsLead));
  // "Remote-MTA:			<203.0.113.2>"
  std::string_view remote = value_after(context.notice, kRemoteField);
  if (remote.size() > 2 && remote.front() == '<' && remote.back() == '>') remote = remote.substr(1, remote.size() - 2);
  size_t pos = 0;
  std::string_view line;
  while (util::next_line(first_paragraph(*recipients), pos, line)) {
    std::string address = address_in(line);
    if (address.empty()) continue;
    report::RecipientEvidence& r = evidence_for(report.recipients, address);
    r.diagnostic = diagnostic;
    r.action = "failed";
    r.remote_ip = std::string(remote);
  }
  return !report.recipients.empty();
}

}  // namespace bounceback::formats
