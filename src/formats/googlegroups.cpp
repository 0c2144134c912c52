// Google Groups: a post the group refused, sent by mailer-daemon@googlemail.com in the poster's
// language, naming the group only in X-Failed-Recipients:
//     Hello jane@example.com,
//     We're writing to let you know that the group you tried to contact (support) may not exist,
//     or you may not have permission to post messages to the group. A few more details on why
//     you weren't able to post:
//      * You might have spelled or formatted the group name incorrectly.
//      * The owner of the group may have removed this group.
//     If you have questions ... visit the Help Center at https://groups.google.com/support/.
#include "formats/families.h"
#include "formats/sections.h"
#include "formats/signals.h"
#include "util/text.h"

namespace bounceback::formats {
namespace {

// Every localisation links the Groups help center.
constexpr std::string_view kHelpCenterLink = "://groups.google.com/";

// The notice up to the end of its list of possible causes (" * ..." lines), or all of it.
std::string_view explanation_of(std::string_view notice) {
  size_t end = notice.size();
  size_t pos = 0;
  std::string_view line;
  while (util::next_line(notice, pos, line)) {
    if (util::trim(line).starts_with("* ")) end = pos;
  }
  return notice.substr(0, end);
}

}  // namespace

bool claims_googlegroups(const report::Context& context) {
  return context.message.root().headers.has("X-Failed-Recipients") && notice_contains(context, ClaimPhrase(kHelpCenterLink));
}

bool extract_googlegroups(const report::Context& context, report::Report& report) {
  if (!report.recipients.empty()) return false;
  const std::vector<std::string> groups = failed_recipients_header(context);
  if (groups.empty()) return false;
  const std::string diagnostic = util::collapse_space(explanation_of(context.notice));
  for (const std::string& group : groups) {
    report::RecipientEvidence& r = evidence_for(report.recipients, group);
    r.action = "failed";
    r.diagnostic = diagnostic;
    // The group refused the post: it does not exist or does not let this sender post.
    r.format_reason = Reason::kRejected;
  }
  return true;
}

}  // namespace bounceback::formats
