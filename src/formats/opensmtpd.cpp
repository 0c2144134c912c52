// OpenSMTPD: an indented letter with the failed recipients unindented, one per line with the
// error after a colon. Since 6.x it adds an RFC 3464 part whose Status is a bare 5.0.0, so the
// notice's lines refine it.
//
//       Hi!
//
//       This is the MAILER-DAEMON, please DO NOT REPLY to this email.
//
//       An error has occurred while attempting to deliver a message for
//       the following list of recipients:
//
//   user@example.net: 550 5.1.1 <user@example.net>: Recipient address rejected: User unknown
//
//       Below is a copy of the original message:
#include <array>

#include "bounceback/codes.h"
#include "formats/families.h"
#include "formats/sections.h"
#include "formats/signals.h"
#include "formats/transcript.h"
#include "util/text.h"

namespace bounceback::formats {
namespace {

// "This is the MAILER-DAEMON, please DO NOT REPLY to this e-mail." (older: "e-mail", newer: "email").
constexpr std::string_view kIntro = "This is the MAILER-DAEMON, please DO NOT REPLY to this";
constexpr std::string_view kListIntro = "list of recipients:";
// "A message is delayed for more than 4 hours for the following list of recipients:"
constexpr std::string_view kDelayIntro = "A message is delayed for more than";

constexpr std::array<std::string_view, 2> kEndMarkers = {
    "Below is a copy of the original message",
    "Please note that this is only a temporary failure report",
};

// smtpd's own failure texts (mta.c, queue.c) and the reason each states.
constexpr std::array<StatedReason, 16> kStatedReasons = {{
    {"Envelope expired", Reason::kExpired},  // queue.c: the message outlived its queue lifetime
    {"Invalid domain name", Reason::kHostUnknown},
    {"Domain does not exist", Reason::kHostUnknown},
    {"Destination seem to reject all mails", Reason::kNotAccept},  // (sic) every MX refused at greeting
    {"No MX found for domain", Reason::kNotAccept},  // the domain names no mail exchanger
    {"No MX found for destination", Reason::kNotAccept},
    {"Network error on destination MXs", Reason::kNetworkError},
    {"Temporary failure in MX lookup", Reason::kNetworkError},
    {"No valid route to remote MX", Reason::kNetworkError},
    {"No valid route to destination", Reason::kNetworkError},
    {"All routes to destination blocked", Reason::kNetworkError},
    {"Address family mismatch on destination MXs", Reason::kNetworkError},
    {"Could not retrieve source address", Reason::kNetworkError},
    {"bad DNS lookup error code", Reason::kNetworkError},
    {"Loop detected", Reason::kNetworkError},
    {"Could not retrieve credentials", Reason::kSecurityError},
}};

struct Line {
  std::string address;
  std::string_view error;
};

// "user@example.net: 550 5.1.1 ..." at the start of an unindented line.
std::optional<Line> recipient_line(std::string_view line) {
  if (line.empty() || indentation(line) > 0) return std::nullopt;
  const size_t colon = line.find(": ");
  if (colon == std::string_view::npos || line.substr(0, colon).find(' ') != std::string_view::npos) {
    return std::nullopt;
  }
  std::string address = address_in(line.substr(0, colon));
  if (address.empty()) return std::nullopt;
  return Line{std::move(address), util::trim(line.substr(colon + 2))};
}

std::vector<Line> recipient_lines(std::string_view text) {
  std::vector<Line> lines;
  size_t pos = 0;
  std::string_view line;
  while (util::next_line(text, pos, line)) {
    if (auto found = recipient_line(line)) lines.push_back(std::move(*found));
  }
  return lines;
}

// The status the server's reply gives, when the report's own Status is the placeholder X.0.0.
std::string better_status(std::string_view reported, std::string_view error) {
  if (!reported.empty() && !reported.ends_with(".0.0")) return std::string(reported);
  for (const FoundCode& code : find_codes(error)) {
    if (code.type == CodeType::kStatus) return code.code;
  }
  return std::string(reported);
}

}  // namespace

bool claims_opensmtpd(const report::Context& context) { return notice_contains(context, ClaimPhrase(kIntro)); }

bool extract_opensmtpd(const report::Context& context, report::Report& report) {
  const std::optional<std::string_view> list = after_line_with(context.notice, kListIntro);
  if (!list || !notice_contains(context, ClaimPhrase(kIntro))) return false;
  const std::vector<Line> lines = recipient_lines(before_marker_line(*list, kEndMarkers));
  if (lines.empty()) return false;
  const std::string_view action = notice_contains(context, ClaimPhrase(kDelayIntro)) ? "delayed" : "failed";
  for (const Line& line : lines) {
    report::RecipientEvidence& r = evidence_for(report.recipients, line.address);
    if (r.diagnostic.empty()) r.diagnostic = std::string(line.error);
    r.status = better_status(r.status, line.error);
    if (r.action.empty()) r.action = std::string(action);
    if (!r.format_reason) r.format_reason = stated_reason(line.error, kStatedReasons);
  }
  return true;
}

}  // namespace bounceback::formats
