// Yahoo! Mail (and AOL and Verizon Media, which share its MTA): a qmail-like notice without an
// RFC 3464 part, tagging the failed SMTP command:
//     Sorry, we were unable to deliver your message to the following address.
//     <jane@example.com>:
//     Remote host said:
//     550 5.1.1 <jane@example.com>... User Unknown
//     [RCPT_TO]
#include <array>

#include "formats/families.h"
#include "formats/sections.h"
#include "formats/signals.h"
#include "util/text.h"

namespace bounceback::formats {
namespace {

constexpr std::string_view kYahooHeading = "Sorry, we were unable to deliver your message to the following address";
constexpr std::string_view kRemoteSaid = "Remote host said:";

// "550 5.2.2 <jane@example.com>... Mailbox Full [RCPT_TO]"
constexpr std::array<CommandTag, 4> kYahooCommandTags = {{
    {"[RCPT_TO]", "RCPT"},
    {"[MAIL_FROM]", "MAIL"},
    {"[DATA", "DATA"},
    {"[HELO", "HELO"},
}};

// The block's lines after the address, without the "Remote host said:" label and the command
// tag, unfolded.
std::string server_words(std::string_view block) {
  std::string words;
  size_t pos = block.find('\n');
  if (pos == std::string_view::npos) return words;
  ++pos;
  std::string_view line;
  while (util::next_line(block, pos, line)) {
    std::string_view text = util::trim(line);
    if (util::istarts_with(text, kRemoteSaid)) text = util::trim(text.substr(kRemoteSaid.size()));
    const size_t tag = text.rfind('[');
    if (tag != std::string_view::npos && !tagged_command(text.substr(tag), kYahooCommandTags).empty()) {
      text = util::trim(text.substr(0, tag));
    }
    if (text.empty()) continue;
    if (!words.empty()) words.push_back(' ');
    words.append(text);
  }
  return util::collapse_space(words);
}

}  // namespace

bool claims_yahoo(const report::Context& context) { return notice_contains(context, ClaimPhrase(kYahooHeading)); }

bool extract_yahoo(const report::Context& context, report::Report& report) {
  if (!report.recipients.empty()) return false;
  const std::optional<std::string_view> listed = after_line_with(context, ClaimPhrase(kYahooHeading));
  if (!listed) return false;
  for (const RecipientBlock& block : recipient_blocks(*listed, OwnAddresses(context))) {
    report::RecipientEvidence& r = evidence_for(report.recipients, block.address);
    r.action = "failed";
    r.diagnostic = server_words(block.text);
    r.command = tagged_command(block.text, kYahooCommandTags);
    if (r.command.empty()) r.command = failed_command(block.text);
  }
  return !report.recipients.empty();
}

}  // namespace bounceback::formats
