// Postfix: "This is the mail system at host mx.example.com." with an RFC 3464 part; the notice
// lines "<a@b>: host mx[1.2.3.4] said: 550 ... (in reply to RCPT TO command)" carry the command.
#include "formats/families.h"
#include "formats/generic.h"
#include "formats/signals.h"

namespace bounceback::formats {

bool claims_postfix(const report::Context& context) {
  // Postfix's own wording, and its DSN extension fields (X-Postfix-Queue-ID, X-Postfix-Sender).
  return notice_contains(context, "This is the mail system at host") ||
         notice_contains(context, "This is the Postfix program at host") ||
         (context.delivery_status_part >= 0 &&
          context.message.parts[static_cast<size_t>(context.delivery_status_part)].raw_body.find("X-Postfix-") !=
              std::string_view::npos);
}

bool extract_postfix(const report::Context& context, report::Report& report) {
  if (!report.recipients.empty()) return extract_rfc3464(context, report);
  return extract_plain_text(context, report);
}

}  // namespace bounceback::formats
