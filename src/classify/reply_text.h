// Preparing a server's reply for phrase matching.
#pragma once

#include <string>
#include <string_view>

namespace bounceback::classify {

// Drops the code prefixes that repeat on every line of a multi-line SMTP reply, so that wording
// wrapped across lines reads as one sentence again:
//   "550-5.7.26 Unauthenticated email is not accepted due to domain's 550-5.7.26 DMARC policy."
//   -> "550-5.7.26 Unauthenticated email is not accepted due to domain's DMARC policy."
// The first prefix stays. Text without a "NNN-" continuation marker is returned unchanged, as a
// view of `reply` itself, without a copy; otherwise the result is a view of `storage`, which
// receives the joined text.
std::string_view join_reply_lines(std::string_view reply, std::string& storage);

}  // namespace bounceback::classify
