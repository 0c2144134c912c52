// Amazon WorkMail (X-Mailer: Amazon WorkMail, sent through SES): RFC 3464 fields written into
// the text of the notice instead of a delivery-status part:
//     An error occurred while trying to deliver the mail to the following recipients:
//     jane@example.com
//     Technical report:
//     Reporting-MTA: dsn; a27-80.smtp-out.us-west-2.amazonses.com
//     Action: failed
//     Final-Recipient: rfc822; jane@example.com
//     Diagnostic-Code: smtp; 550 5.2.2 <jane@example.com>... Mailbox Full
//     Status: 5.2.2
#include "formats/amazonses.h"
#include "formats/families.h"
#include "formats/sections.h"
#include "formats/signals.h"
#include "util/text.h"

namespace bounceback::formats {
namespace {

constexpr std::string_view kTechnicalReport = "Technical report:";

bool names_workmail(std::optional<std::string_view> mailer) {
  return mailer && util::icontains(mime::decode_header_value(*mailer), "Amazon WorkMail");
}

// The first X-Mailer or the first X-Original-Mailer: most messages this is asked of have neither,
// which the header's mark of field names answers without a walk.
bool sent_by_workmail(const report::Context& context) {
  const mime::Headers& headers = context.message.root().headers;
  return names_workmail(headers.raw("X-Mailer")) || names_workmail(headers.raw("X-Original-Mailer"));
}

}  // namespace

bool claims_amazonworkmail(const report::Context& context) {
  return sent_by_workmail(context) ||
         (notice_contains(context, ClaimPhrase(kTechnicalReport)) &&
          notice_contains(context, ClaimPhrase("An error occurred while trying to deliver the mail")));
}

bool extract_amazonworkmail(const report::Context& context, report::Report& report) {
  if (report.recipients.empty()) {
    const std::optional<std::string_view> fields = after_line_with(context, ClaimPhrase(kTechnicalReport));
    report::Report read;
    if (!fields || !report::parse_delivery_status(*fields, read)) return false;
    report = std::move(read);
  }
  for (report::RecipientEvidence& r : report.recipients) {
    // The per-message Action field comes before Final-Recipient here, outside any recipient.
    if (r.action.empty()) r.action = "failed";
    read_ses_remote_reply(r);
  }
  return true;
}

}  // namespace bounceback::formats
