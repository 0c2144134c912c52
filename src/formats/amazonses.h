// Amazon SES, shared by the SES and WorkMail formats (WorkMail sends through SES).
#pragma once

#include "report/report.h"

namespace bounceback::formats {

// SES quotes the remote server's reply inside its own summary; this takes the reply code and
// status (and, for a quoted reply, the diagnostic) from the remote's words, which say more than
// SES's generic ones:
//   "5.1.0 - Unknown address error 550-'5.7.1 <jane@example.com>... Access denied' (delivery attempts: 0)"
//   "554 4.4.7 Message expired: unable to deliver in 840 minutes.<421 4.4.2 Connection timed out>"
void read_ses_remote_reply(report::RecipientEvidence& r);

}  // namespace bounceback::formats
