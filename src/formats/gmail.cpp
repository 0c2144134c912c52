// Gmail and Google Workspace (From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>).
// Two layouts. The classic one has no RFC 3464 part:
//     Delivery to the following recipient failed permanently:
//          jane@example.com
//     Technical details of permanent failure:
//     Google tried to deliver your message, but it was rejected by the server for the recipient
//     domain example.com by mx.example.com. [192.0.2.2].
//     The error that the other server returned was:
//     550 5.2.2 <jane@example.com>... Mailbox Full
// The current one carries an RFC 3464 part, sometimes empty, beside a headline and a response:
//     ** Address not found **
//     Your message wasn't delivered to jane@example.com because the address couldn't be found.
//     The response from the remote server was:
//     550 5.1.1 The email account that you tried to reach does not exist.
#include <array>

#include "formats/families.h"
#include "formats/generic.h"
#include "formats/sections.h"
#include "formats/signals.h"
#include "util/text.h"

namespace bounceback::formats {
namespace {

using report::RecipientEvidence;

// Classic layout headings: "Delivery to the following recipient failed permanently:" and
// "Delivery to the following recipient has been delayed:".
constexpr std::string_view kClassicHeading = "Delivery to the following recipient";
constexpr std::string_view kClassicDetails = "Technical details of";
constexpr std::string_view kClassicServerWords = "The error that the other server returned was:";

// Current layout: what follows these lines is the remote server's reply or Gmail's own finding.
constexpr std::array<std::string_view, 2> kResponseMarkers = {
    "The response from the remote server was:",  // a reply from the recipient's server
    "The response was:",                          // Gmail's own finding ("DNS Error: ...")
};

// Current layout: the sentence naming the recipient, failed or delayed.
constexpr std::string_view kDelayedSentence = "There was a temporary problem delivering your message to";

// Gmail's own wording for what happened, in both layouts.
constexpr std::array<StatedReason, 5> kGmailWording = {{
    // Gmail retried connecting for days: "The recipient server did not accept our requests to
    // connect. Learn more at https://support.google.com/mail/answer/7720 [example.com
    // 192.0.2.1: timed out]"
    {"The recipient server did not accept our requests to connect", Reason::kExpired},
    // "Your message wasn't delivered to jane@example.com because the address couldn't be found.
    // Check for typos ...". Not the broader heading Gmail puts over any refusal: "... because the
    // address couldn't be found, or is unable to receive mail."
    {"because the address couldn't be found.", Reason::kUserUnknown},
    // "The domain example.org doesn't receive email according to the administrator: returned
    // Null MX"
    {"returned Null MX", Reason::kNotAccept},
    // "** Message not delivered ** You're sending this from a different address or alias using
    // the 'Send mail as' feature. The settings for your 'Send mail as' account are misconfigured"
    {"'Send mail as'", Reason::kRejected},
    // "Technical details of permanent failure: Storage quota exceeded"
    {"Storage quota exceeded", Reason::kMailboxFull},
}};

// Gmail's SMTP client names the protocol state a reply came in: "... Access denied (state 13)."
constexpr std::array<CommandTag, 9> kGmailStates = {{
    {"(state 6)", "MAIL"},  {"(state 8)", "AUTH"},  {"(state 9)", "AUTH"},
    {"(state 12)", "AUTH"}, {"(state 13)", "EHLO"}, {"(state 14)", "RCPT"},
    {"(state 15)", "DATA"}, {"(state 17)", "DATA"}, {"(state 18)", "DATA"},
}};

// A refusal in the DATA states is the recipient's server turning the message down for that
// mailbox, whatever its words: "550 550 Unknown user jane@example.jp (state 18)." comes from
// servers that refuse unwanted senders so, and "554 554 5.7.0 Header error (state 18)." is a
// content filter.
constexpr std::array<StatedReason, 3> kGmailDataStates = {{
    {"(state 15)", Reason::kFiltered},
    {"(state 17)", Reason::kFiltered},
    {"(state 18)", Reason::kFiltered},
}};

// The first "host [ip]" of a text, line by line, since Gmail's lines put other brackets first:
// "rejected by the server for the recipient domain example.com by mx.example.com. [192.0.2.2]."
Host first_host(std::string_view text) {
  size_t pos = 0;
  std::string_view line;
  while (util::next_line(text, pos, line)) {
    Host host = remote_host(line);
    if (!host.ip.empty()) {
      while (!host.name.empty() && host.name.back() == '.') host.name.pop_back();
      return host;
    }
  }
  return {};
}

void describe_failure(std::string_view details, std::string_view server_words, RecipientEvidence& r) {
  r.diagnostic = util::collapse_space(server_words.empty() ? details : server_words);
  const PhraseSearch diagnostic(r.diagnostic, kGmailStates.size() + kGmailDataStates.size());
  r.command = tagged_command(diagnostic, kGmailStates);
  if (r.command.empty()) r.command = failed_command(details);
  const Host host = first_host(details);
  r.remote_mta = host.name;
  r.remote_ip = host.ip;
  r.format_reason = stated_reason(details, kGmailWording);
  if (!r.format_reason) r.format_reason = stated_reason(diagnostic, kGmailDataStates);
}

bool read_classic_layout(const report::Context& context, report::Report& report) {
  const size_t heading = util::ifind(context.notice, kClassicHeading);
  if (heading == std::string_view::npos) return false;
  const std::string_view from_heading = std::string_view(context.notice).substr(heading);
  const std::string_view heading_line = from_heading.substr(0, from_heading.find('\n'));
  const std::string_view listed = before_marker(from_heading.substr(heading_line.size()), kClassicDetails);
  const std::string_view details = after_line_with(from_heading, kClassicDetails).value_or("");
  const std::string_view server_words = after_marker(details, kClassicServerWords).value_or("");

  std::vector<RecipientEvidence> found;
  for (const RecipientBlock& block : recipient_blocks(listed, OwnAddresses(context))) {
    evidence_for(found, block.address);
  }
  for (const std::string& address : failed_recipients_header(context)) evidence_for(found, address);
  if (found.empty()) return false;

  const bool delayed = util::icontains(heading_line, "delayed");
  for (RecipientEvidence& r : found) {
    r.action = delayed ? "delayed" : "failed";
    describe_failure(details, server_words, r);
    // A delay notice without technical details says only that the message is still queued.
    if (delayed && util::trim(details).empty()) r.format_reason = Reason::kExpired;
  }
  report.recipients = std::move(found);
  return true;
}

// "** Address not found **", "** Message not delivered **", "** Delivery incomplete **".
bool has_current_headline(std::string_view notice) {
  const std::string_view first = first_paragraph(notice);
  const std::string_view line = util::trim(first.substr(0, first.find('\n')));
  return line.size() > 6 && line.substr(0, 3) == "** " && line.substr(line.size() - 3) == " **";
}

std::string_view current_response(std::string_view notice) {
  for (std::string_view marker : kResponseMarkers) {
    if (const auto rest = after_line_with(notice, marker)) return first_paragraph(*rest);
  }
  return {};
}

bool read_current_layout(const report::Context& context, report::Report& report) {
  if (!has_current_headline(context.notice)) return false;
  const std::string_view notice = context.notice;
  const std::string_view response = current_response(notice);
  const std::string_view explanation = before_marker(notice, "The response");
  if (!report.recipients.empty()) {
    for (RecipientEvidence& r : report.recipients) {
      if (r.diagnostic.empty()) r.diagnostic = util::collapse_space(response);
      if (!r.format_reason) r.format_reason = stated_reason(notice, kGmailWording);
    }
    return extract_rfc3464(context, report);
  }
  std::vector<RecipientEvidence> found;
  for (const std::string& address : failed_recipients_header(context)) evidence_for(found, address);
  if (found.empty()) {
    const std::string address = first_prose_recipient(explanation, OwnAddresses(context));
    if (address.empty()) return false;
    evidence_for(found, address);
  }
  const bool delayed = util::icontains(explanation, kDelayedSentence);
  for (RecipientEvidence& r : found) {
    r.action = delayed ? "delayed" : "failed";
    describe_failure(response, response, r);
    if (!r.format_reason) r.format_reason = stated_reason(explanation, kGmailWording);
  }
  report.recipients = std::move(found);
  return true;
}

}  // namespace

bool claims_gmail(const report::Context& context) {
  // mailer-daemon@googlemail.com and @google.com claim it too (senders.def).
  return notice_contains(context, ClaimPhrase(kClassicDetails));
}

bool extract_gmail(const report::Context& context, report::Report& report) {
  if (report.recipients.empty() && read_classic_layout(context, report)) return true;
  return read_current_layout(context, report);
}

}  // namespace bounceback::formats
