// SendGrid: an RFC 3464 report whose notice sums each failure up on one line of fields
// separated by " : ", the last being the server's reply and the SMTP step it answered:
//     jane:000000:<jane@example.com> : 192.0.2.250 : mx.example.com:[192.0.2.153] : 550 5.1.1 <jane@example.com>... User Unknown  in RCPT TO
//     jane:00000:<jane@example.com> : Connection timed out in connect
#include <array>

#include "formats/families.h"
#include "formats/generic.h"
#include "formats/sections.h"
#include "formats/signals.h"
#include "util/text.h"

namespace bounceback::formats {
namespace {

// The step named at the end of the line.
constexpr std::array<CommandTag, 5> kSteps = {{
    {" in RCPT TO", "RCPT"}, {" in MAIL FROM", "MAIL"}, {" in DATA", "DATA"},
    {" in EHLO", "EHLO"},    {" in connect", "CONN"},
}};

// The summary line of `address`: it holds "<address> : ".
std::string_view summary_line(std::string_view notice, std::string_view address) {
  size_t pos = 0;
  std::string_view line;
  while (util::next_line(notice, pos, line)) {
    const size_t at = util::ifind(line, address);
    if (at != std::string_view::npos && at > 0 && line[at - 1] == '<' && util::icontains(line.substr(at), "> : ")) return line;
  }
  return {};
}

// Where the step SendGrid appends to the reply begins, or npos.
size_t step_position(std::string_view reply) {
  for (const CommandTag& step : kSteps) {
    const size_t at = util::ifind(reply, step.tag);
    if (at != std::string_view::npos) return at;
  }
  return std::string_view::npos;
}

}  // namespace

bool claims_sendgrid(const report::Context& context) {
  return notice_contains(context, ClaimPhrase("This is an automatically generated message from SendGrid"));
}

bool extract_sendgrid(const report::Context& context, report::Report& report) {
  if (report.recipients.empty()) return false;
  for (report::RecipientEvidence& r : report.recipients) {
    const std::string_view line = summary_line(context.notice, r.recipient);
    if (line.empty()) continue;
    if (r.command.empty()) r.command = tagged_command(line, kSteps);
    if (r.diagnostic.empty()) {
      const std::string_view reply = line.substr(line.rfind(" : ") + 3);
      r.diagnostic = util::collapse_space(reply.substr(0, step_position(reply)));
    }
  }
  return extract_rfc3464(context, report);
}

}  // namespace bounceback::formats
