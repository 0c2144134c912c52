// Sendmail 5 and other pre-RFC 3464 Sendmails: only the session transcript, where each host's
// session opens with "While talking to" and Sendmail's verdict on each address is a line of its
// own, "554 <user@example.net>... 550 Host unknown".
//
//      ----- Transcript of session follows -----
//   While talking to mx.example.net:
//   >>> RCPT To:<user@example.net>
//   <<< 550 <user@example.net>, User Unknown
//   550 <user@example.net>... User unknown
//      ----- Unsent message follows -----
#include <array>

#include "formats/families.h"
#include "formats/sections.h"
#include "formats/signals.h"
#include "formats/transcript.h"
#include "report/report.h"
#include "util/text.h"

namespace bounceback::formats {
namespace {

constexpr std::string_view kTranscriptBanner = "----- Transcript of session follows -----";
constexpr std::string_view kSessionLead = "While talking to ";
// Subject of the notice Sendmail sends when it gives up on a queued message:
// "Returned mail: Cannot send message for 5 days".
constexpr std::string_view kExpiredSubject = "Cannot send message for";

// "554 <user@example.net>... 550 Host unknown" or "550 user@example.net... User unknown".
struct Verdict {
  std::string address;
  std::string_view words;  // after "... "
};

std::optional<Verdict> verdict_in(std::string_view line) {
  const std::string_view trimmed = util::trim(line);
  const size_t dots = trimmed.find("... ");
  if (dots == std::string_view::npos || trimmed.size() < 4 || !util::is_digit(trimmed[0])) return std::nullopt;
  std::string address = address_in(trimmed.substr(0, dots));
  if (address.empty()) return std::nullopt;
  return Verdict{std::move(address), util::trim(trimmed.substr(dots + 4))};
}

// One host's session: from "While talking to host:" to the next.
struct Session {
  std::string_view host;  // "While talking to mx.example.net:"
  std::vector<SmtpExchange> exchanges;
  std::vector<Verdict> verdicts;
  std::vector<std::string_view> host_verdicts;  // "421 example.com (smtp)... Deferred: ..."
};

std::vector<Session> read_sessions(std::string_view transcript) {
  std::vector<Session> sessions(1);
  size_t pos = 0;
  size_t session_start = 0;
  std::string_view line;
  while (true) {
    const size_t line_start = pos;
    const bool more = util::next_line(transcript, pos, line);
    const bool new_session = more && util::istarts_with(util::trim(line), kSessionLead);
    if (!more || new_session) {
      sessions.back().exchanges = smtp_transcript(transcript.substr(session_start, line_start - session_start));
      if (!more) break;
      std::string_view host = util::trim(util::trim(line).substr(kSessionLead.size()));
      while (!host.empty() && (host.back() == ':' || host.back() == '.')) host.remove_suffix(1);
      sessions.emplace_back().host = host;
      session_start = line_start;
      continue;
    }
    const std::string_view trimmed = util::trim(line);
    if (auto verdict = verdict_in(trimmed)) {
      sessions.back().verdicts.push_back(std::move(*verdict));
    } else if (!trimmed.empty() && util::is_digit(trimmed[0]) && trimmed.find("... ") != std::string_view::npos) {
      sessions.back().host_verdicts.push_back(trimmed);
    }
  }
  return sessions;
}

// Whether the session's host is the recipient's domain or one of its hosts, as when Sendmail 5
// talked to the domain itself: "While talking to example.edu:" for user@example.edu.
bool serves(std::string_view host, std::string_view address) {
  const size_t at = address.rfind('@');
  if (host.empty() || at == std::string_view::npos) return false;
  const std::string_view domain = address.substr(at + 1);
  return util::iequals(host, domain) ||
         (host.size() > domain.size() && util::iends_with(host, domain) && host[host.size() - domain.size() - 1] == '.');
}

void add_verdict(const Session& session, const Verdict& verdict, report::Report& report) {
  for (const report::RecipientEvidence& r : report.recipients) {
    if (util::iequals(r.recipient, verdict.address)) return;
  }
  report::RecipientEvidence& r = report.recipients.emplace_back();
  r.recipient = verdict.address;
  r.action = "failed";
  // The server's own reply says more than Sendmail's summary of it, when it is this address's.
  const TranscriptRefusal refusal = refusal_for(session.exchanges, verdict.address, verdict.words);
  if (!refusal.reply.empty() && (refusal.certain || serves(session.host, verdict.address))) {
    r.diagnostic = refusal.reply;
    r.command = refusal.command;
  } else {
    r.diagnostic = std::string(verdict.words);
  }
}

}  // namespace

bool claims_v5sendmail(const report::Context& context) { return notice_contains(context, ClaimPhrase(kTranscriptBanner)); }

bool extract_v5sendmail(const report::Context& context, report::Report& report) {
  if (!report.recipients.empty()) return false;
  const std::optional<std::string_view> transcript = after_line_with(context, ClaimPhrase(kTranscriptBanner));
  if (!transcript) return false;
  const std::vector<Session> sessions = read_sessions(*transcript);
  for (const Session& session : sessions) {
    for (const Verdict& verdict : session.verdicts) add_verdict(session, verdict, report);
  }
  if (report.recipients.empty()) {
    // A whole host failed ("421 example.com (smtp)... Deferred: Connection timed out"): the
    // returned message's To: names the recipient.
    const std::string to = report::find_original_message(context).to;
    const Session* failed = nullptr;
    for (const Session& session : sessions) {
      if (!session.host_verdicts.empty()) failed = &session;
    }
    if (to.empty() || failed == nullptr) return false;
    report::RecipientEvidence& r = report.recipients.emplace_back();
    r.recipient = to;
    r.action = "failed";
    r.diagnostic = std::string(failed->host_verdicts.back());
  }
  if (subject_contains(context, kExpiredSubject)) {
    for (report::RecipientEvidence& r : report.recipients) r.format_reason = Reason::kExpired;
  }
  return true;
}

}  // namespace bounceback::formats
