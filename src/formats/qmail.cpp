// qmail and its descendants (netqmail, qmail-ldap, vpopmail, indimail, and ISP MTAs that kept its
// notice): each failed address on a line of its own as "<a@b>:", then qmail's words about it.
//
//   Hi. This is the qmail-send program at mx.example.com.
//   I'm afraid I wasn't able to deliver your message to the following addresses.
//   This is a permanent error; I've given up. Sorry it didn't work out.
//
//   <user@example.net>:
//   192.0.2.25 does not like recipient.
//   Remote host said: 550 5.1.1 <user@example.net>: Recipient address rejected: User unknown
//   Giving up on 192.0.2.25.
#include <algorithm>
#include <array>

#include "formats/families.h"
#include "formats/sections.h"
#include "formats/signals.h"
#include "formats/transcript.h"
#include "util/ip.h"
#include "util/text.h"

namespace bounceback::formats {
namespace {

// Opening sentences of qmail-send's notice and of the MTAs that copied its layout.
constexpr std::array<std::string_view, 9> kIntros = {
    "Hi. This is the qmail",  // "Hi. This is the qmail-send program at mx.example.com."
    "I'm afraid I wasn't able to deliver your message to the following addresses",
    "Unable to deliver message to the following address",  // "Message from example.com.\nUnable to deliver ..."
    "Your mail message to the following address(es) could not be delivered",
    "Your message to the following addresses could not be delivered",
    "Unfortunately, your mail was not delivered to the following address",
    "This is the machine generated message from mail service",
    "This is the mail delivery agent at",
    "Su mensaje no pudo ser entregado",  // Spanish ISPs
};

// Where qmail's own words end when make_context did not cut there already.
constexpr std::array<std::string_view, 3> kEndMarkers = {
    "--- Enclosed is a copy of the message.",  // indimail
    "--- Below this line is a copy of the message.",
    "--- Original message follows.",
};

// What qmail-remote, qmail-local and common patches say by themselves, and the reason that is.
// The first entry found wins, so specific words come before the general expiry.
constexpr std::array<StatedReason, 12> kStatedReasons = {{
    {"Sorry, I couldn't find any host named", Reason::kHostUnknown},  // qmail-remote: "... example.net. (#5.1.2)"
    {"Sorry, I couldn't find any host by that name", Reason::kHostUnknown},
    {"Sorry, no mailbox here by that name", Reason::kUserUnknown},  // qmail-local: "(#5.1.1)"
    {"but my name was rejected", Reason::kBlocked},  // "Connected to 192.0.2.1 but my name was rejected."
    {"Mailaddress is administratively disabled", Reason::kSuspend},  // qmail-ldap
    {"Mailaddress is administrativley disabled", Reason::kSuspend},  // qmail-ldap's misspelling
    {"The message exeeded the maximum size the user accepts", Reason::kExceedLimit},  // qmail-ldap (sic)
    {"Sorry, I wasn't able to establish an SMTP connection", Reason::kNetworkError},  // "(#4.4.1)"
    {"Although I'm listed as a best-preference MX or A for that host", Reason::kNetworkError},
    {"LDAP server", Reason::kSystemError},  // qmail-ldap: "Unable to contact LDAP server. (#4.4.3)"
    {"Temporary failure in LDAP lookup", Reason::kSystemError},
    {"this message has been in the queue too long", Reason::kExpired},  // "I'm not going to try again; ..."
}};

// The stage of the SMTP session qmail-remote names (qmail-remote.c).
constexpr std::array<CommandTag, 8> kCommandTags = {{
    {"but greeting failed", "CONN"},          // "Connected to 192.0.2.1 but greeting failed."
    {"but my name was rejected", "HELO"},     // "Connected to 192.0.2.1 but my name was rejected."
    {"but sender was rejected", "MAIL"},      // "Connected to 192.0.2.1 but sender was rejected."
    {"does not like recipient", "RCPT"},      // "192.0.2.1 does not like recipient."
    {"failed on DATA command", "DATA"},       // "192.0.2.1 failed on DATA command."
    {"failed after I sent the message", "DATA"},  // "192.0.2.1 failed after I sent the message."
    {"most progress was RCPT TO", "RCPT"},    // "Sorry, no SMTP connection got far enough; most progress was RCPT TO."
    {"most progress was MAIL FROM", "MAIL"},
}};

// qmail-remote names the server at the start or end of its sentences.
constexpr std::array<std::string_view, 2> kHostLeads = {"Connected to ", "Giving up on "};
constexpr std::array<std::string_view, 3> kHostTrails = {
    " does not like recipient", " failed after I sent the message", " failed on DATA command"};

constexpr auto kIntroClaims = claim_phrases(kIntros);

// `text` is the notice's start: an intro whose claim bit says the notice lacks it is not there.
bool is_qmail_notice(const report::Context& context, std::string_view text) {
  for (size_t i = 0; i != kIntros.size(); ++i) {
    if (notice_contains(context, kIntroClaims[i]) && util::icontains(text, kIntros[i])) return true;
  }
  return false;
}

// "<user@example.net>:" alone on its line.
std::string recipient_line(std::string_view line) {
  const std::string_view trimmed = util::trim(line);
  if (trimmed.size() < 5 || trimmed.front() != '<' || !trimmed.ends_with(">:")) return {};
  return address_in(trimmed);
}

std::string_view last_word(std::string_view text) {
  text = util::trim(text);
  const size_t space = text.find_last_of(" \t");
  return space == std::string_view::npos ? text : text.substr(space + 1);
}

std::string_view first_word(std::string_view text) {
  text = util::trim(text);
  return text.substr(0, text.find_first_of(" \t"));
}

// The server qmail-remote talked to: "Connected to 192.0.2.1 but ...", "192.0.2.1 does not like
// recipient.", "Giving up on 192.0.2.1."
std::string_view server_in(const PhraseSearch& detail) {
  for (std::string_view lead : kHostLeads) {
    const size_t at = detail.find(lead);
    if (at != std::string_view::npos) return first_word(detail.text().substr(at + lead.size()));
  }
  for (std::string_view trail : kHostTrails) {
    const size_t at = detail.find(trail);
    if (at != std::string_view::npos) return last_word(detail.text().substr(0, at));
  }
  return {};
}

void fill(std::string_view detail, report::RecipientEvidence& r) {
  r.diagnostic = util::collapse_space(detail);
  const PhraseSearch search(detail,
                            kCommandTags.size() + kStatedReasons.size() + kHostLeads.size() + kHostTrails.size());
  r.command = tagged_command(search, kCommandTags);
  r.action = "failed";
  r.format_reason = stated_reason(search, kStatedReasons);
  std::string_view server = server_in(search);
  while (!server.empty() && server.back() == '.') server.remove_suffix(1);
  if (util::is_ip_address(server)) {
    r.remote_ip = std::string(server);
  } else {
    r.remote_mta = std::string(server);
  }
}

struct Section {
  std::string address;
  std::string_view words;  // up to the next address line
};

std::vector<Section> address_sections(std::string_view text) {
  std::vector<Section> sections;
  size_t pos = 0;
  std::string_view line;
  while (true) {
    const size_t line_start = pos;
    if (!util::next_line(text, pos, line)) break;
    std::string address = recipient_line(line);
    if (address.empty()) continue;
    // The previous address's words end where this address's line begins.
    if (!sections.empty()) sections.back().words.remove_suffix(text.size() - line_start);
    sections.push_back({std::move(address), text.substr(pos)});
  }
  return sections;
}

}  // namespace

bool claims_qmail(const report::Context& context) {
  return notice_contains_any(context, kIntroClaims);
}

bool extract_qmail(const report::Context& context, report::Report& report) {
  const std::string_view text = before_marker_line(context.notice, kEndMarkers);
  if (!is_qmail_notice(context, text)) return false;
  std::vector<report::RecipientEvidence> found;
  for (const Section& section : address_sections(text)) {
    report::RecipientEvidence& r = found.emplace_back();
    r.recipient = section.address;
    fill(section.words, r);
  }
  if (found.empty()) return false;
  if (report.recipients.empty()) {
    report.recipients = std::move(found);
    return true;
  }
  // An RFC 3464 part added by a patched qmail: the notice still names the stage and the reason.
  for (report::RecipientEvidence& r : report.recipients) {
    for (const report::RecipientEvidence& f : found) {
      if (!util::iequals(r.recipient, f.recipient)) continue;
      if (r.command.empty()) r.command = f.command;
      if (r.diagnostic.empty()) r.diagnostic = f.diagnostic;
      if (!r.format_reason) r.format_reason = f.format_reason;
    }
  }
  return true;
}

}  // namespace bounceback::formats
