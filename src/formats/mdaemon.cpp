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
#include "util/ip.h"
#include "util/text.h"

namespace bounceback::formats {
namespace {

constexpr std::string_view kTranscriptStart = "--- Session Transcript ---";
constexpr std::string_view kTranscriptEnd = "--- End Transcript ---";
// "Sun 2012-03-11 12:00:00: *  To: user@example.net": the envelope MDaemon logs first, with the
// bounced message's "*  From:" and "*  Subject:".
constexpr std::string_view kRecipientLog = "*  To:";
constexpr std::string_view kSenderLog = "*  From:";
constexpr std::string_view kSubjectLog = "*  Subject:";

// The value of the first logged line of that mark, or "".
std::string_view logged_value(std::string_view transcript, std::string_view mark) {
  size_t pos = 0;
  std::string_view line;
  while (util::next_line(transcript, pos, line)) {
    const size_t at = line.find(mark);
    if (at != std::string_view::npos) return util::trim(line.substr(at + mark.size()));
  }
  return {};
}

// "Attempting SMTP connection to [mx.example.net]", resolved, then "Attempting SMTP connection to
// [192.0.2.1:25]": the host MDaemon looked up and the address it connected to.
constexpr std::string_view kConnectionLog = "Attempting SMTP connection to [";

struct LoggedServer {
  std::string_view host;
  std::string_view ip;
};

// The address of "192.0.2.1:25" without its port; the whole text when it is an address itself.
std::string_view ip_of(std::string_view target) {
  if (util::is_ip_address(target)) return target;
  const size_t colon = target.rfind(':');
  if (colon == std::string_view::npos) return {};
  const std::string_view address = target.substr(0, colon);
  return address.find(':') == std::string_view::npos && util::is_ip_address(address) ? address : std::string_view{};
}

LoggedServer logged_server(std::string_view transcript) {
  LoggedServer server;
  size_t pos = 0;
  std::string_view line;
  while (util::next_line(transcript, pos, line)) {
    const size_t at = line.find(kConnectionLog);
    if (at == std::string_view::npos) continue;
    const std::string_view rest = line.substr(at + kConnectionLog.size());
    const std::string_view target = rest.substr(0, rest.find(']'));
    if (const std::string_view ip = ip_of(target); !ip.empty()) {
      server.ip = ip;
    } else if (server.host.empty()) {
      server.host = target;
    }
  }
  return server;
}

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
  const LoggedServer server = logged_server(transcript);
  report.quoted_sender = std::string(logged_value(transcript, kSenderLog));
  report.quoted_subject = std::string(logged_value(transcript, kSubjectLog));
  for (const std::string& address : logged_recipients(transcript)) {
    const TranscriptRefusal refusal = refusal_for(exchanges, address, {});
    if (refusal.reply.empty()) continue;
    report::RecipientEvidence& r = evidence_for(report.recipients, address);
    if (r.diagnostic.empty()) r.diagnostic = refusal.reply;
    if (r.command.empty()) r.command = refusal.command;
    if (r.action.empty()) r.action = delayed ? "delayed" : "failed";
    if (r.remote_mta.empty()) r.remote_mta = server.host;
    if (r.remote_ip.empty()) r.remote_ip = server.ip;
  }
  return !report.recipients.empty();
}

}  // namespace bounceback::formats
