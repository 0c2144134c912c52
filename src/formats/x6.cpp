// The unnamed MTA Sisimai calls X6 (Subject: "There was an error sending your mail"): one
// sentence per failed recipient naming the server, the command and the reply in brackets.
//
//   We had trouble delivering your message. Full details follow:
//
//   1 error(s):
//
//   SMTP Server <mx.example.net> rejected recipient <user@example.net> (Error following RCPT
//   command). It responded as follows: [550 5.1.1 User unknown]
#include <array>

#include "formats/families.h"
#include "formats/sections.h"
#include "formats/signals.h"
#include "formats/transcript.h"
#include "util/text.h"

namespace bounceback::formats {
namespace {

constexpr std::string_view kIntro = "We had trouble delivering your message. Full details follow:";
constexpr std::string_view kRecipientLead = "rejected recipient ";
constexpr std::string_view kReplyLead = "It responded as follows: [";

constexpr std::array<CommandTag, 3> kCommandTags = {{
    {"Error following RCPT command", "RCPT"},
    {"Error following MAIL command", "MAIL"},
    {"Error following DATA command", "DATA"},
}};

}  // namespace

bool claims_x6(const report::Context& context) { return notice_contains(context, ClaimPhrase(kIntro)); }

bool extract_x6(const report::Context& context, report::Report& report) {
  const std::string notice = util::collapse_space(context.notice);
  size_t at = util::ifind(notice, kRecipientLead);
  while (at != std::string::npos) {
    const size_t end = notice.find(']', at);
    const std::string_view sentence =
        std::string_view(notice).substr(at, end == std::string::npos ? std::string::npos : end + 1 - at);
    const std::string_view named = sentence.substr(kRecipientLead.size());
    const std::string address = address_in(named.substr(0, named.find(' ')));
    const size_t reply = util::ifind(sentence, kReplyLead);
    if (!address.empty()) {
      report::RecipientEvidence& r = evidence_for(report.recipients, address);
      if (reply != std::string_view::npos) {
        std::string_view words = sentence.substr(reply + kReplyLead.size());
        if (words.ends_with(']')) words.remove_suffix(1);
        r.diagnostic = std::string(words);
      }
      r.command = tagged_command(sentence, kCommandTags);
      r.action = "failed";
    }
    at = util::ifind(notice, kRecipientLead, at + kRecipientLead.size());
  }
  return !report.recipients.empty();
}

}  // namespace bounceback::formats
