// Mailing list managers' own messages (Mailman, Sympa): a notice to a list's owners about a
// member's bounces, which is no bounce of its own, and a refused post sent back to its author.
#pragma once

#include "report/report.h"

namespace bounceback::formats {

enum class ListNotice {
  kNone,         // not written by a list manager, or none of the kinds below
  kOwnerNotice,  // news for the list's owners or the poster; a bounce attached to it is decoded
  kRefusedPost,  // the list refused to distribute a post
};

ListNotice list_notice(const report::Context& context);

// The refusal of a post as a report: one recipient, the list, refused for `rejected`. A report
// filled from an RFC 3464 part (Sympa 6.2 sends one) keeps its recipients. False when the list's
// address cannot be found.
bool extract_refused_post(const report::Context& context, report::Report& report);

}  // namespace bounceback::formats
