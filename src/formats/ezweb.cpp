// au by KDDI (EZweb, au.com) mobile mail: "Mail System Error - Returned Mail" from
// Postmaster@ezweb.ne.jp, Japanese text (ISO-2022-JP) with an English statement and the recipient:
//     The user(s) account is disabled.
//     <jane@ezweb.ne.jp>
// or a transcript:
//     Each of the following recipients was rejected by a remote mail server.
//         Recipient: <jane@example.com>
//         >>> RCPT TO:<jane@example.com>
//         <<< 550 <jane@example.com>: User unknown
#include <algorithm>
#include <array>

#include "formats/families.h"
#include "formats/generic.h"
#include "formats/sections.h"
#include "formats/signals.h"
#include "util/text.h"

namespace bounceback::formats {
namespace {

using report::RecipientEvidence;

// The English statements au puts beside its Japanese text.
constexpr std::array<StatedReason, 4> kAuStatements = {{
    {"The user(s) account is disabled.", Reason::kSuspend},
    {"The user(s) account is temporarily limited.", Reason::kSuspend},
    {"The user(s) account is temporarily over quota", Reason::kMailboxFull},
    {"Your message was not delivered within", Reason::kExpired},
}};

// The notice's own text ends at a rule of dashes, after which the original's headers follow.
constexpr std::string_view kRule = "--------------------------------------------------";

// Postmaster@ezweb.ne.jp and postmaster@au.com claim the message by themselves (senders.def); a
// relay's From does not, but au's own hop shows:
bool relayed_by_au(const report::Context& context) {
  // "Received: from ... by lsean.ezweb.ne.jp (EZweb Mail) with SMTP id ..."
  const auto& fields = context.message.root().headers.fields();
  return std::ranges::any_of(fields, [](const mime::HeaderField& field) {
    // Searched for by its rarest byte, the comment would be looked for at every '(' of every
    // Received field; "EZweb" is looked for by its 'z', which few fields hold.
    return field.is("Received") && util::icontains(field.value, "EZweb") &&
           util::icontains(field.value, "(EZweb Mail)");
  });
}

// "<jane@ezweb.ne.jp>", "<jane@ezweb.ne.jp>: 550 user unknown", "Recipient: <jane@example.com>".
std::string recipient_on(std::string_view line) {
  std::string_view text = util::trim(line);
  if (util::istarts_with(text, "Recipient:")) text = util::trim(text.substr(10));
  if (!text.starts_with('<')) return {};
  const size_t close = text.find('>');
  if (close == std::string_view::npos) return {};
  const std::string_view address = text.substr(1, close - 1);
  if (address.find('@') == std::string_view::npos || address.find(' ') != std::string_view::npos) return {};
  return std::string(address);
}

bool is_ascii(std::string_view text) {
  for (char c : text) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

// The server's reply of a transcript ("<<< 550 ..."), else the English statements.
std::string words_of(std::string_view notice) {
  std::string reply;
  std::string statements;
  size_t pos = 0;
  std::string_view line;
  while (util::next_line(notice, pos, line)) {
    const std::string_view text = util::trim(line);
    if (text.empty() || !is_ascii(text) || !recipient_on(text).empty() || text.starts_with(">>>")) continue;
    std::string& into = text.starts_with("<<<") ? reply : statements;
    into.append(text.starts_with("<<<") ? text.substr(3) : text);
    into.push_back(' ');
  }
  return util::collapse_space(reply.empty() ? statements : reply);
}

}  // namespace

bool claims_ezweb(const report::Context& context) {
  return relayed_by_au(context);
}

bool extract_ezweb(const report::Context& context, report::Report& report) {
  const std::string_view notice = before_marker(context.notice, kRule);
  // au's spam filter marks what it refused with X-SPASIGN: NG; the recipient's settings refused it.
  const bool filtered = util::iequals(context.message.root().headers.get("X-SPASIGN"), "NG");
  const std::optional<Reason> stated = filtered ? Reason::kFiltered : stated_reason(notice, kAuStatements);
  if (!report.recipients.empty()) {
    for (RecipientEvidence& r : report.recipients) {
      if (!r.format_reason) r.format_reason = stated;
    }
    return extract_rfc3464(context, report);
  }
  const std::string words = words_of(notice);
  size_t pos = 0;
  std::string_view line;
  while (util::next_line(notice, pos, line)) {
    const std::string address = recipient_on(line);
    if (address.empty()) continue;
    RecipientEvidence& r = evidence_for(report.recipients, address);
    r.action = "failed";
    r.diagnostic = words;
    r.command = failed_command(notice);
    r.format_reason = stated;
  }
  return !report.recipients.empty();
}

}  // namespace bounceback::formats
