// Sun Java System / Oracle Communications Messaging Server (iPlanet, and iCloud's mail): an
// indented list of fields per recipient, mirrored in an RFC 3464 part.
//
//   Your message cannot be delivered to the following recipients:
//
//     Recipient address: user@example.net
//     Reason: Remote SMTP server has rejected address
//     Diagnostic code: smtp;550 5.1.1 <user@example.net>... User unknown
//     Remote system: dns;mx.example.net (TCP|192.0.2.1|48044|198.51.100.2|25) (mx.example.net ESMTP)
#include <array>

#include "formats/families.h"
#include "formats/sections.h"
#include "formats/signals.h"
#include "formats/transcript.h"
#include "report/report.h"
#include "util/text.h"

namespace bounceback::formats {
namespace {

constexpr std::string_view kIntro = "This report relates to a message you sent with the following header fields:";
constexpr std::string_view kRecipientField = "Recipient address:";
constexpr std::string_view kReasonField = "Reason:";
constexpr std::string_view kDiagnosticField = "Diagnostic code:";
constexpr std::string_view kRemoteField = "Remote system:";

// The Reason: field names the stage of the session that failed.
constexpr std::array<CommandTag, 3> kCommandTags = {{
    {"Remote SMTP server has rejected address", "RCPT"},
    {"Server rejected MAIL FROM address", "MAIL"},
    {"Message rejected by remote SMTP server", "DATA"},
}};

constexpr std::array<StatedReason, 2> kStatedReasons = {{
    {"Illegal host/domain name found", Reason::kHostUnknown},  // status 5.4.4: no such domain
    {"host/domain does not accept mail", Reason::kNotAccept},  // status 5.1.10: null MX
}};

// The field values of one recipient's block: from its "Recipient address:" line to the next.
struct Fields {
  std::string recipient;
  std::string_view reason;
  std::string_view diagnostic;
  std::string_view remote;
};

std::vector<Fields> read_fields(std::string_view notice) {
  std::vector<Fields> all;
  size_t pos = 0;
  std::string_view line;
  while (util::next_line(notice, pos, line)) {
    const std::string_view trimmed = util::trim(line);
    if (util::istarts_with(trimmed, kRecipientField)) {
      all.emplace_back().recipient = address_in(trimmed.substr(kRecipientField.size()));
    } else if (all.empty()) {
      continue;
    } else if (util::istarts_with(trimmed, kReasonField)) {
      all.back().reason = util::trim(trimmed.substr(kReasonField.size()));
    } else if (util::istarts_with(trimmed, kDiagnosticField)) {
      all.back().diagnostic = report::field_text(trimmed.substr(kDiagnosticField.size()));
    } else if (util::istarts_with(trimmed, kRemoteField)) {
      all.back().remote = report::field_text(trimmed.substr(kRemoteField.size()));
    }
  }
  return all;
}

// "mx.example.net (TCP|local ip|local port|remote ip|remote port) (banner)": the name and the
// remote address.
void set_remote(std::string_view remote, report::RecipientEvidence& r) {
  const std::string_view name = remote.substr(0, remote.find_first_of(" \t("));
  if (!name.empty()) r.remote_mta = std::string(name);
  const size_t tcp = remote.find("(TCP|");
  if (tcp == std::string_view::npos) return;
  std::string_view parts = remote.substr(tcp + 5, remote.find(')', tcp) - tcp - 5);
  for (int skip = 0; skip < 2 && parts.find('|') != std::string_view::npos; ++skip) {
    parts = parts.substr(parts.find('|') + 1);
  }
  r.remote_ip = std::string(parts.substr(0, parts.find('|')));
}

}  // namespace

bool claims_messagingserver(const report::Context& context) { return notice_contains(context, ClaimPhrase(kIntro)); }

bool extract_messagingserver(const report::Context& context, report::Report& report) {
  const std::vector<Fields> all = read_fields(context.notice);
  if (all.empty()) return false;
  const bool delayed = notice_contains(context, ClaimPhrase("enqueued and undeliverable"));
  for (const Fields& fields : all) {
    if (fields.recipient.empty()) continue;
    report::RecipientEvidence& r = evidence_for(report.recipients, fields.recipient);
    if (r.diagnostic.empty()) r.diagnostic = std::string(!fields.diagnostic.empty() ? fields.diagnostic : fields.reason);
    if (r.action.empty()) r.action = delayed ? "delayed" : "failed";
    const PhraseSearch search(fields.reason, kCommandTags.size() + kStatedReasons.size());
    if (r.command.empty()) r.command = tagged_command(search, kCommandTags);
    if (!r.format_reason) r.format_reason = stated_reason(search, kStatedReasons);
    if (!fields.remote.empty()) set_remote(fields.remote, r);
  }
  return !report.recipients.empty();
}

}  // namespace bounceback::formats
