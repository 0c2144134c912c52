// Trend Micro InterScan Messaging Security Suite / InterScan MSS, no RFC 3464 part. Either the
// SMTP exchange that failed:
//     Sent <<< RCPT TO:<jane@example.com>
//     Received >>> 550 5.1.1 <jane@example.com>... user unknown
// or InterScan's own sentence:
//     Unable to deliver message to <jane@example.com> (and other recipients in the same domain).
#include <array>

#include "formats/families.h"
#include "formats/sections.h"
#include "formats/signals.h"
#include "mime/message.h"
#include "util/text.h"

namespace bounceback::formats {
namespace {

constexpr std::string_view kSent = "Sent <<<";
constexpr std::string_view kReceived = "Received >>>";
constexpr std::string_view kUnableToDeliver = "Unable to deliver message to";

// What "Sent <<<" shows InterScan sending.
constexpr std::array<CommandTag, 3> kSentCommands = {{
    {"<<< RCPT TO:", "RCPT"}, {"<<< MAIL FROM:", "MAIL"}, {"<<< DATA", "DATA"},
}};

// "Sent <<< RCPT TO:<a@b>" then "Received >>> 550 ...": one recipient per exchange.
void read_exchanges(std::string_view notice, std::vector<report::RecipientEvidence>& found) {
  report::RecipientEvidence* current = nullptr;
  size_t pos = 0;
  std::string_view line;
  while (util::next_line(notice, pos, line)) {
    const std::string_view text = util::trim(line);
    if (util::istarts_with(text, kSent)) {
      const std::optional<std::string> address = mime::first_address(text);
      current = address ? &evidence_for(found, *address) : nullptr;
      if (current != nullptr) current->command = tagged_command(text, kSentCommands);
    } else if (current != nullptr && util::istarts_with(text, kReceived)) {
      current->diagnostic = util::collapse_space(text.substr(kReceived.size()));
    }
  }
}

// "Unable to deliver message to <a@b> (and other recipients in the same domain). Please check if
// address is correct.": InterScan's own sentence for a recipient its next hop refused by address;
// with no SMTP exchange shown it is all the notice says, and it names a missing address.
void read_sentences(std::string_view notice, std::vector<report::RecipientEvidence>& found) {
  for (size_t at = util::ifind(notice, kUnableToDeliver); at != std::string_view::npos;
       at = util::ifind(notice, kUnableToDeliver, at + kUnableToDeliver.size())) {
    const std::string_view sentence = first_paragraph(notice.substr(at));
    const std::optional<std::string> address = mime::first_address(sentence);
    if (!address) continue;
    report::RecipientEvidence& r = evidence_for(found, *address);
    if (!r.diagnostic.empty()) continue;
    r.diagnostic = util::collapse_space(sentence.substr(0, sentence.find("****")));
    r.format_reason = Reason::kUserUnknown;
  }
}

}  // namespace

bool claims_trendmicro(const report::Context& context) {
  // A From naming InterScan claims it too (senders.def).
  return notice_contains(context, ClaimPhrase("InterScan Messaging Security")) ||
         (notice_contains(context, ClaimPhrase(kSent)) && notice_contains(context, ClaimPhrase(kReceived)));
}

bool extract_trendmicro(const report::Context& context, report::Report& report) {
  if (!report.recipients.empty()) return false;
  std::vector<report::RecipientEvidence> found;
  read_exchanges(context.notice, found);
  read_sentences(context.notice, found);
  if (found.empty()) return false;
  for (report::RecipientEvidence& r : found) r.action = "failed";
  report.recipients = std::move(found);
  return true;
}

}  // namespace bounceback::formats
