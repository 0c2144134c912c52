// MDaemon (Alt-N / MDaemon Technologies): a warning in capitals, then the whole SMTP session as
// logged, each line time-stamped, "-->" for what MDaemon sent and "<--" for the replies.
//
//   The attached message had PERMANENT fatal delivery errors!
//
//   --- Session Transcript ---
//    Sun 2012-03-11 12:00:00: *  To: user@example.net
//    Sun 2012-03-11 12:00:01: --> RCPT To:<user@example.net>
//    Sun 2012-03-11 12:00:01: <-- 550 5.1.1 <user@example.net>: User unknown
//   --- End Transcript ---
#include <array>

#include "formats/families.h"
#include "formats/sections.h"
#include "formats/signals.h"
#include "formats/transcript.h"
#include "util/text.h"

namespace bounceback::formats {
namespace {

constexpr std::string_view kTranscriptStart = "--- Session Transcript ---";
constexpr std::string_view kTranscriptEnd = "--- End Transcript ---";
// "Sun 2012-03-11 12:00:00: *  To: user@example.net": the envelope MDaemon logs first.
constexpr std::string_view kRecipientLog = "*  To:";

// The opening sentence says whether MDaemon gave up or is still trying.
constexpr std::array<std::string_view, 2> kDelayWords = {
    "had TRANSIENT (temporary) delivery errors",  // "The attached message had TRANSIENT ..."
    "still undeliverable",
};

std::vector<std::string> logged_recipients(std::string_view transcript) {
  std::vector<std::string> recipients;
  size_t pos = 0;
  std::string_view line;
  while (util::next_line(transcript, pos, line)) {
    const size_t at = line.find(kRecipientLog);
    if (at == std::string_view::npos) continue;
    for (std::string& address : mime::find_addresses(line.substr(at + kRecipientLog.size()))) {
      recipients.push_back(address_in(address));
    }
  }
  return recipients;
}

}  // namespace

bool claims_mdaemon(const report::Context& context) {
  return notice_contains(context, ClaimPhrase(kTranscriptStart)) && from_contains(context, "mdaemon");
}

bool extract_mdaemon(const report::Context& context, report::Report& report) {
  const std::optional<std::string_view> section = after_line_with(context, ClaimPhrase(kTranscriptStart));
  if (!section) return false;
  const std::string_view transcript = before_marker(*section, kTranscriptEnd);
  const std::vector<SmtpExchange> exchanges = smtp_transcript(transcript, kArrowMarks);
  bool delayed = false;
  static constexpr auto kDelayClaims = claim_phrases(kDelayWords);
  for (const ClaimPhrase& words : kDelayClaims) delayed = delayed || notice_contains(context, words);
  for (const std::string& address : logged_recipients(transcript)) {
    const TranscriptRefusal refusal = refusal_for(exchanges, address, {});
    if (refusal.reply.empty()) continue;
    report::RecipientEvidence& r = evidence_for(report.recipients, address);
    if (r.diagnostic.empty()) r.diagnostic = refusal.reply;
    if (r.command.empty()) r.command = refusal.command;
    if (r.action.empty()) r.action = delayed ? "delayed" : "failed";
  }
  return !report.recipients.empty();
}

}  // namespace bounceback::formats
