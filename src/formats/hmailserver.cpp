// hMailServer: Outlook's opening words, then per recipient what hMailServer sent and what the
// remote server replied.
//
//   Your message did not reach some or all of the intended recipients.
//
//   The following recipient(s) could not be reached:
//
//   user@example.net
//      Error Type: SMTP
//      Remote server (192.0.2.1) issued an error.
//      hMailServer sent: RCPT TO:<user@example.net>
//      Remote server replied: 550 5.1.1 <user@example.net>: User unknown
#include "formats/families.h"
#include "formats/sections.h"
#include "formats/signals.h"
#include "formats/transcript.h"
#include "util/text.h"

namespace bounceback::formats {
namespace {

constexpr std::string_view kSentLead = "hMailServer sent:";
constexpr std::string_view kReplyLead = "Remote server replied:";
constexpr std::string_view kServerLead = "Remote server (";
// Outlook's header of the notice quotes the bounced message: "   Subject: Einladung".
constexpr std::string_view kSubjectLead = "Subject:";

}  // namespace

bool claims_hmailserver(const report::Context& context) { return notice_contains(context, ClaimPhrase(kSentLead)); }

bool extract_hmailserver(const report::Context& context, report::Report& report) {
  std::vector<report::RecipientEvidence> found;
  size_t pos = 0;
  std::string_view line;
  while (util::next_line(context.notice, pos, line)) {
    const std::string_view trimmed = util::trim(line);
    std::string address = address_in(trimmed);
    if (indentation(line) == 0 && !address.empty() && address.size() == trimmed.size()) {
      found.emplace_back().recipient = std::move(address);
      found.back().action = "failed";
    } else if (found.empty()) {
      if (report.quoted_subject.empty() && util::istarts_with(trimmed, kSubjectLead)) {
        report.quoted_subject = std::string(util::trim(trimmed.substr(kSubjectLead.size())));
      }
      continue;
    } else if (util::istarts_with(trimmed, kSentLead)) {
      const std::string_view sent = trimmed.substr(kSentLead.size());
      found.back().command = command_verb(sent);
      // "hMailServer sent: MAIL FROM:<vorstand@example.org>": the bounced message's sender.
      if (found.back().command == "MAIL" && report.quoted_sender.empty()) {
        report.quoted_sender = mime::first_address(sent).value_or("");
      }
    } else if (util::istarts_with(trimmed, kReplyLead)) {
      found.back().diagnostic = std::string(util::trim(trimmed.substr(kReplyLead.size())));
    } else if (util::istarts_with(trimmed, kServerLead)) {
      const std::string_view ip = trimmed.substr(kServerLead.size());
      found.back().remote_ip = std::string(ip.substr(0, ip.find(')')));
    } else if (found.back().diagnostic.empty() && !util::istarts_with(trimmed, "Error Type:")) {
      found.back().diagnostic = std::string(trimmed);  // "Unable to find the mail server for ..."
    }
  }
  if (found.empty() || !report.recipients.empty()) return false;
  report.recipients = std::move(found);
  return true;
}

}  // namespace bounceback::formats
