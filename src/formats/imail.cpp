// Ipswitch IMail Server (X-Mailer: <SMTP32 v8.22>): each failed address after a label on its own
// line, the remote server's reply under a label naming the command that drew it.
//
//   Unknown user: user@example.net
//
//   undeliverable to user@example.net
//   Body of message generated response:
//   550 5.1.1 User unknown
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

// The labels IMail puts before a failed address, and the reason each states.
struct Label {
  std::string_view words;
  std::optional<Reason> reason;
};
constexpr std::array<Label, 7> kLabels = {{
    {"Unknown user:", Reason::kUserUnknown},                      // "Unknown user: a@b"
    {"Invalid final delivery userid:", Reason::kUserUnknown},     // "Invalid final delivery userid: a@b"
    {"User mailbox exceeds allowed size:", Reason::kMailboxFull}, // "User mailbox exceeds allowed size: a@b"
    {"Unknown host:", Reason::kHostUnknown},
    {"Requested action not taken: virus detected:", Reason::kVirusDetected},
    {"undeliverable to ", std::nullopt},                          // the server's reply follows
    {"Delivery failed ", Reason::kExpired},                       // "Delivery failed 5 attempts: a@b"
}};

// The line before the reply names the command it answered.
constexpr std::array<CommandTag, 6> kCommandTags = {{
    {"SMTP connection failed", "CONN"},
    {"Unexpected connection response from server:", "CONN"},
    {"Unexpected response to EHLO/HELO:", "EHLO"},
    {"Server response to MAIL FROM:", "MAIL"},
    {"Additional RCPT TO generated following response:", "RCPT"},
    {"DATA command generated response:", "DATA"},
}};

// "Body of message generated response:" and the other reply labels end with this.
constexpr std::string_view kResponseLabelEnd = "response:";

const Label* label_of(std::string_view line) {
  for (const Label& label : kLabels) {
    if (util::istarts_with(line, label.words)) return &label;
  }
  return nullptr;
}

// The reply after a "...response:" line, to the end of its paragraph.
std::string reply_after_label(std::string_view block) {
  const std::optional<std::string_view> reply = after_line_with(block, kResponseLabelEnd);
  return reply ? util::collapse_space(first_paragraph(*reply)) : std::string();
}

}  // namespace

bool claims_imail(const report::Context& context) {
  const std::string mailer = context.message.root().headers.get("X-Mailer");
  return util::istarts_with(mailer, "<SMTP32 v") || util::iequals(util::trim(context.subject), "Undeliverable Mail");
}

bool extract_imail(const report::Context& context, report::Report& report) {
  std::vector<report::RecipientEvidence> found;
  size_t pos = 0;
  std::string_view line;
  while (util::next_line(context.notice, pos, line)) {
    const std::string_view trimmed = util::trim(line);
    const Label* label = label_of(trimmed);
    if (label == nullptr) continue;
    std::string address = address_in(trimmed.substr(label->words.size()));
    if (address.empty()) continue;
    report::RecipientEvidence& r = found.emplace_back();
    r.recipient = std::move(address);
    r.action = "failed";
    r.format_reason = label->reason;
    const std::string_view rest = std::string_view(context.notice).substr(pos);
    r.diagnostic = reply_after_label(rest);
    r.command = tagged_command(rest.substr(0, rest.find("\n\n\n")), kCommandTags);
    if (r.diagnostic.empty()) r.diagnostic = std::string(trimmed);
  }
  if (found.empty()) return false;
  if (report.recipients.empty()) report.recipients = std::move(found);
  return true;
}

}  // namespace bounceback::formats
