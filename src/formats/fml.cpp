// fml, the Japanese mailing-list manager: its administrator address returns a post the list
// refused, saying why in one line that names the list ("Duplicated Message-ID in <ml@example.jp>.").
// The record's recipient is the list that refused the post.
#include <array>

#include "formats/families.h"
#include "formats/sections.h"
#include "formats/signals.h"
#include "formats/transcript.h"
#include "util/text.h"

namespace bounceback::formats {
namespace {

constexpr std::string_view kCopyMarker = "Original mail as follows:";

// fml's refusals (fml 4 libexec and kern), matched in the notice and then in the Subject
// ("Loop Alert: Duplicated Message-ID (neko ML)").
constexpr std::array<StatedReason, 12> kStatedReasons = {{
    {"NOT MEMBER article from", Reason::kRejected},  // "Ignored NOT MEMBER article from a@b"
    {"You are not a member of this mailing list", Reason::kRejected},
    {"Spam mail from a spammer is rejected", Reason::kRejected},
    {"reject mail from", Reason::kRejected},
    {"header may cause mail loop", Reason::kRejected},  // "reject since X-ML-Name: header may cause mail loop"
    {"Duplicated Message-ID", Reason::kSystemError},    // a loop: the list saw this message before
    {"has detected a loop condition", Reason::kSystemError},
    {"Loop Back Warning", Reason::kSystemError},
    {"Loop Alert:", Reason::kSystemError},
    {"UNIX FROM Loop", Reason::kSystemError},
    {"fml system error message", Reason::kSystemError},
    {"Security Alert", Reason::kSecurityError},
}};

}  // namespace

bool claims_fml(const report::Context& context) {
  // X-MLServer: fml [fml 4.0.3 release (20011202/4.0.3)], From: list-admin@example.jp
  return util::istarts_with(context.message.root().headers.get("X-MLServer"), "fml") &&
         from_contains(context, "-admin@");
}

bool extract_fml(const report::Context& context, report::Report& report) {
  if (!report.recipients.empty()) return false;
  const std::string_view text = before_marker(context.notice, kCopyMarker);
  std::optional<Reason> reason = stated_reason(text, kStatedReasons);
  if (!reason) reason = stated_reason(context.subject, kStatedReasons);
  const std::string list = address_in(first_paragraph(text));
  if (list.empty() || !reason) return false;
  report::RecipientEvidence& r = report.recipients.emplace_back();
  r.recipient = list;
  r.action = "failed";
  r.diagnostic = util::collapse_space(first_paragraph(text));
  r.format_reason = reason;
  return true;
}

}  // namespace bounceback::formats
