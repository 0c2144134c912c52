// KDDI's older mail service (au one net, dion.ne.jp), from no-reply@...dion.ne.jp:
//     Your mail sent on: Thu, 29 Apr 2013 00:00:00 +0900
//          Could not be delivered to: <jane@example.dion.ne.jp>
//          As their mailbox is full.
#include <algorithm>
#include <array>

#include "formats/families.h"
#include "formats/sections.h"
#include "formats/signals.h"
#include "mime/message.h"
#include "util/text.h"

namespace bounceback::formats {
namespace {

constexpr std::string_view kCouldNotDeliver = "Could not be delivered to:";

// The statement after the recipient line.
constexpr std::array<StatedReason, 3> kKddiStatements = {{
    {"As their mailbox is full", Reason::kMailboxFull},
    {"As the remote domain doesnt exist", Reason::kHostUnknown},
    {"Due to the following SMTP relay error", Reason::kNoRelaying},
}};

}  // namespace

bool claims_kddi(const report::Context& context) {
  return notice_contains(context, ClaimPhrase(kCouldNotDeliver)) &&
         (from_contains(context, ".dion.ne.jp") || notice_contains(context, ClaimPhrase("Your mail sent on")) ||
          notice_contains(context, ClaimPhrase("Your mail attempted to be delivered on")));
}

bool extract_kddi(const report::Context& context, report::Report& report) {
  if (!report.recipients.empty()) return false;
  const std::optional<std::string_view> rest = after_marker(context.notice, kCouldNotDeliver);
  if (!rest) return false;
  const size_t end_of_line = std::min(rest->find('\n'), rest->size());
  const std::optional<std::string> address = mime::first_address(rest->substr(0, end_of_line));
  if (!address) return false;
  const std::string_view statement = first_paragraph(rest->substr(end_of_line));
  report::RecipientEvidence& r = evidence_for(report.recipients, *address);
  r.action = "failed";
  r.diagnostic = util::collapse_space(statement);
  r.format_reason = stated_reason(statement, kKddiStatements);
  return true;
}

}  // namespace bounceback::formats
