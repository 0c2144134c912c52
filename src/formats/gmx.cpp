// GMX, Web.de and 1&1 (United Internet's shared mail system): Exim-like wording without an
// RFC 3464 part, the original's headers after "--- The header of the original message is
// following. ---". The recipient, quoted or not, on a line of its own, then what happened:
//     "jane@example.com":
//     SMTP error from remote server after RCPT command:
//     host: mx.example.com
//     5.2.2 <jane@example.com>... Mailbox Full
// or 1&1's
//     jane@example.fr:
//     SMTP error from remote server for TEXT command, host: smtp-in.example.fr (192.0.2.65) reason: 550 5.2.0 Mail rejected.
// or
//     The following address failed:
//     jane@example.org
//     For the following reason:
//     Mail size limit exceeded. For explanation visit http://postmaster.1and1.com/en/error-messages
#include <array>

#include "formats/families.h"
#include "formats/sections.h"
#include "formats/signals.h"
#include "util/text.h"

namespace bounceback::formats {
namespace {

using report::RecipientEvidence;

constexpr std::string_view kOriginalHeaders = "--- The header of the original message is following. ---";
constexpr std::string_view kSmtpError = "SMTP error from remote server";

// "SMTP error from remote server after RCPT command:", "... for TEXT command, host: ..."
constexpr std::array<CommandTag, 6> kCommandPhrases = {{
    {"after RCPT command", "RCPT"}, {"for RCPT command", "RCPT"},
    {"after MAIL command", "MAIL"}, {"for MAIL command", "MAIL"},
    {"for TEXT command", "DATA"},   {"after DATA command", "DATA"},
}};

// Headings that are not the server's words.
constexpr std::array<std::string_view, 2> kLabels = {"For the following reason:", "The following address failed:"};

// A line that is only an address: "jane@example.com", "\"jane@example.com\":", "<jane@example.com>".
std::string listed_address(std::string_view line) {
  std::string_view text = util::trim(line);
  if (text.ends_with(':')) text.remove_suffix(1);
  if (text.size() > 2 && ((text.front() == '"' && text.back() == '"') || (text.front() == '<' && text.back() == '>'))) {
    text = text.substr(1, text.size() - 2);
  }
  if (text.find('@') == std::string_view::npos || text.find_first_of(" \t\"<>,;") != std::string_view::npos) return {};
  return std::string(text);
}

// "host: smtp-in.example.fr (192.0.2.65) reason: 550 ..." and "host: mx.example.com".
void read_host(std::string_view line, RecipientEvidence& r) {
  std::string_view host = value_after(line, "host:");
  host = host.substr(0, util::ifind(host, " reason:"));
  const size_t paren = host.find(" (");
  if (paren != std::string_view::npos) {
    const std::string_view ip = host.substr(paren + 2);
    r.remote_ip = std::string(ip.substr(0, ip.find(')')));
    host = host.substr(0, paren);
  }
  r.remote_mta = std::string(util::trim(host));
}

void read_line(std::string_view line, RecipientEvidence& r, std::string& words) {
  const std::string_view text = util::trim(line);
  if (text.empty()) return;
  for (std::string_view label : kLabels) {
    if (util::iequals(text, label)) return;
  }
  if (util::istarts_with(text, kSmtpError) || util::istarts_with(text, "host:")) {
    if (r.command.empty()) r.command = tagged_command(text, kCommandPhrases);
    if (util::icontains(text, "host:")) read_host(text, r);
    const std::optional<std::string_view> reason = after_marker(text, "reason:");
    if (!reason) return;
    words.append(*reason);
  } else {
    words.append(text);
  }
  words.push_back(' ');
}

std::vector<RecipientEvidence> read_recipients(std::string_view failures) {
  std::vector<RecipientEvidence> found;
  std::string words;
  size_t pos = 0;
  std::string_view line;
  while (util::next_line(failures, pos, line)) {
    std::string address = listed_address(line);
    if (!address.empty()) {
      if (!found.empty()) found.back().diagnostic = util::collapse_space(words);
      words.clear();
      RecipientEvidence& r = found.emplace_back();
      r.recipient = std::move(address);
      r.action = "failed";
      continue;
    }
    if (!found.empty()) read_line(line, found.back(), words);
  }
  if (!found.empty()) found.back().diagnostic = util::collapse_space(words);
  return found;
}

}  // namespace

bool claims_gmx(const report::Context& context) {
  // MAILER-DAEMON@mail.gmx.net and mailer-daemon@kundenserver.de claim it too (senders.def).
  return notice_contains(context, ClaimPhrase(kOriginalHeaders));
}

bool extract_gmx(const report::Context& context, report::Report& report) {
  if (!report.recipients.empty()) return false;
  const std::string_view notice = before_marker(context.notice, kOriginalHeaders);
  // "The following address failed:", "The following address(es)\nfailed:"
  const std::optional<std::string_view> failures = after_line_with(notice, "failed:");
  if (!failures) return false;
  std::vector<RecipientEvidence> found = read_recipients(*failures);
  if (found.empty()) return false;
  report.recipients = std::move(found);
  return true;
}

}  // namespace bounceback::formats
