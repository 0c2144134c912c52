// DragonFly Mail Agent (dma), the small MTA of DragonFly BSD and some Linux systems. One
// recipient per notice, no RFC 3464 part:
//
//   This is the DragonFly Mail Agent v0.13 at mx.example.com.
//
//   There was an error delivering your mail to <user@example.net>.
//
//   mx.example.net [192.0.2.25] did not like our RCPT TO:
//   550 5.1.1 <user@example.net>: Recipient address rejected: User unknown
//
//   Original message follows.
#include <array>

#include "formats/families.h"
#include "formats/sections.h"
#include "formats/signals.h"
#include "formats/transcript.h"
#include "util/text.h"

namespace bounceback::formats {
namespace {

constexpr std::string_view kIntro = "This is the DragonFly Mail Agent";
constexpr std::string_view kRecipientLine = "There was an error delivering your mail to";

// dma's net.c: "<host> [<ip>] did not like our <command>:\n<reply>".
constexpr std::array<CommandTag, 8> kCommandTags = {{
    {"did not like our RCPT TO", "RCPT"},
    {"did not like our MAIL FROM", "MAIL"},
    {"did not like our final DATA", "DATA"},
    {"did not like our DATA", "DATA"},
    {"did not like our EHLO", "EHLO"},
    {"did not like our HELO", "HELO"},
    {"did not like our STARTTLS", "STARTTLS"},
    {"did not like our AUTH", "AUTH"},
}};

// dma's own failures, which no server reply accompanies.
constexpr std::array<StatedReason, 2> kStatedReasons = {{
    {"DNS lookup failure: host", Reason::kHostUnknown},  // "DNS lookup failure: host example.net not found"
    {"Could not deliver for the last", Reason::kExpired},  // "Could not deliver for the last 432000 seconds. Giving up."
}};

}  // namespace

bool claims_dragonfly(const report::Context& context) { return notice_contains(context, ClaimPhrase(kIntro)); }

bool extract_dragonfly(const report::Context& context, report::Report& report) {
  const std::optional<std::string_view> words = after_line_with(context.notice, kRecipientLine);
  if (!words || !notice_contains(context, ClaimPhrase(kIntro))) return false;
  const std::string recipient = address_in(value_after(context.notice, kRecipientLine));
  if (recipient.empty()) return false;
  report::RecipientEvidence& r = evidence_for(report.recipients, recipient);
  if (r.diagnostic.empty()) r.diagnostic = util::collapse_space(*words);
  const PhraseSearch search(*words, kCommandTags.size() + kStatedReasons.size());
  if (r.command.empty()) r.command = tagged_command(search, kCommandTags);
  if (r.action.empty()) r.action = "failed";
  if (!r.format_reason) r.format_reason = stated_reason(search, kStatedReasons);
  if (r.remote_mta.empty()) {
    Host host = remote_host(*words);
    r.remote_mta = std::move(host.name);
    r.remote_ip = std::move(host.ip);
  }
  return true;
}

}  // namespace bounceback::formats
