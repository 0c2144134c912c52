// Postfix: "This is the mail system at host mx.example.com." with an RFC 3464 part; the notice
// lines "<a@b>: host mx[1.2.3.4] said: 550 ... (in reply to RCPT TO command)" carry the command.
#include "formats/families.h"
#include "formats/generic.h"
#include "formats/signals.h"
#include "formats/transcript.h"
#include "mime/message.h"
#include "util/text.h"

namespace bounceback::formats {
namespace {

// Postfix writes "--- Delivery report unavailable ---" when it lost its per-recipient record; the
// returned message's To is then the only recipient named, and nothing states why it failed.
bool read_lost_report(const report::Context& context, report::Report& report) {
  if (!notice_contains(context, ClaimPhrase("--- Delivery report unavailable ---"))) return false;
  const std::optional<std::string> address = mime::first_address(report::find_original_message(context).to);
  if (!address) return false;
  report::RecipientEvidence& r = report.recipients.emplace_back();
  r.recipient = *address;
  r.action = "failed";
  return true;
}

// Postfix's SMTP server mails the postmaster a session that failed ("Subject: Postfix SMTP server:
// errors from host[192.0.2.1]", "Transcript of session follows."), its own replies marked "Out:"
// and the client's commands "In:":
//      In:  DATA
//      Out: 451 4.3.0 Error: queue file write error
// The failed reply, not the whole session, is the diagnostic.
constexpr TranscriptMarks kSmtpdMarks = {"In:", "Out:"};

void read_smtpd_refusal(const report::Context& context, report::Report& report) {
  if (!notice_contains(context, ClaimPhrase("Transcript of session follows"))) return;
  const std::vector<SmtpExchange> session = smtp_transcript(context.notice, kSmtpdMarks);
  for (report::RecipientEvidence& r : report.recipients) {
    const TranscriptRefusal refusal = refusal_for(session, r.recipient, {});
    if (refusal.reply.empty()) continue;
    r.diagnostic = refusal.reply;
    r.command = refusal.command;
  }
}

}  // namespace

bool claims_postfix(const report::Context& context) {
  // Postfix's own wording, and its DSN extension fields (X-Postfix-Queue-ID, X-Postfix-Sender).
  return notice_contains(context, ClaimPhrase("This is the mail system at host")) ||
         util::istarts_with(context.subject, "Postfix SMTP server: errors from") ||
         notice_contains(context, ClaimPhrase("This is the Postfix program at host")) ||
         (context.delivery_status_part >= 0 &&
          context.message.parts[static_cast<size_t>(context.delivery_status_part)].raw_body.find("X-Postfix-") !=
              std::string_view::npos);
}

bool extract_postfix(const report::Context& context, report::Report& report) {
  if (!report.recipients.empty()) return extract_rfc3464(context, report);
  if (!extract_plain_text(context, report)) return read_lost_report(context, report);
  read_smtpd_refusal(context, report);
  return true;
}

}  // namespace bounceback::formats
