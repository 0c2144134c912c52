// Mimecast's own notices ("Subject: [Postmaster] Email Delivery Failure"), each item on a line
// of its own after "-- ":
//     An email that you attempted to send to the following address could not be delivered:
//     -- jane@example.com
//     The problem appears to be :
//     -- Recipient email address is possibly incorrect
//     Additional information follows :
//     -- 5.4.1 Recipient address rejected: Access denied.
// An RFC 3464 part may come with it, in a form whose per-recipient fields precede the recipient.
#include "formats/families.h"
#include "formats/generic.h"
#include "formats/sections.h"
#include "formats/signals.h"
#include "mime/message.h"
#include "util/text.h"

namespace bounceback::formats {
namespace {

constexpr std::string_view kAdditionalInformation = "Additional information follows :";
constexpr std::string_view kProblem = "The problem appears to be :";

// The "-- " item on the first non-blank line of `text`.
std::string_view item_of(std::string_view text) {
  std::string_view line = util::trim(first_paragraph(text));
  line = line.substr(0, line.find('\n'));
  return line.starts_with("--") ? util::trim(line.substr(2)) : std::string_view{};
}

// The server's words, else Mimecast's summary of the problem.
std::string words_of(std::string_view notice) {
  std::string_view words = item_of(after_line_with(notice, kAdditionalInformation).value_or(""));
  if (words.empty()) words = item_of(after_line_with(notice, kProblem).value_or(""));
  return std::string(words);
}

// "could not be delivered:\n-- a@b" or "an email you addressed to email address :\n-- a@b":
// the first "-- " item before the problem is named.
std::optional<std::string> listed_recipient(std::string_view notice) {
  const std::string_view intro = before_marker(notice, kProblem);
  size_t pos = 0;
  std::string_view line;
  while (util::next_line(intro, pos, line)) {
    const std::string_view text = util::trim(line);
    if (!text.starts_with("--")) continue;
    if (std::optional<std::string> address = mime::first_address(text)) return address;
  }
  return std::nullopt;
}

}  // namespace

bool claims_mimecast(const report::Context& context) {
  return notice_contains(context, ClaimPhrase(kAdditionalInformation)) && notice_contains(context, ClaimPhrase(kProblem));
}

bool extract_mimecast(const report::Context& context, report::Report& report) {
  const std::string words = words_of(context.notice);
  if (!report.recipients.empty()) {
    for (report::RecipientEvidence& r : report.recipients) {
      if (r.diagnostic.empty()) r.diagnostic = words;
      if (r.action.empty()) r.action = "failed";
    }
    return true;
  }
  const std::optional<std::string> address = listed_recipient(context.notice);
  if (!address) return false;
  report::RecipientEvidence& r = evidence_for(report.recipients, *address);
  r.action = "failed";
  r.diagnostic = words;
  return true;
}

}  // namespace bounceback::formats
