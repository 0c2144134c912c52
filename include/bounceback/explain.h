// Explaining free text for a person: a code, an SMTP reply, a diagnostic line or a whole bounce.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bounceback/codes.h"
#include "bounceback/record.h"
#include "bounceback/result.h"

namespace bounceback {

// An error a mail program or the user's own mail server shows (Outlook 0x800CCC0E, Thunderbird
// "Sending of the message failed", POP3 "-ERR [IN-USE]", "535 5.7.8 Username and Password not
// accepted"): a problem between the user's mail program and their own account, not a bounce.
struct ClientError {
  std::string match;   // what was recognised in the text: "0x800CCC0E", "[OVERQUOTA]"
  std::string family;  // "Outlook", "Thunderbird", "Apple Mail", "POP3", "IMAP", "SMTP login", "Connection"
  std::string title;   // "Outlook cannot connect to the mail server (0x800CCC0E)"
  std::string cause;   // why it happens, in plain words
  std::string fix;     // which setting to change
  Side side = Side::kSender;  // always the user's own program or account
};

struct TextExplanation {
  std::vector<CodeExplanation> codes;  // every code found, in order
  Reason reason = Reason::kUndefined;
  bool hard_bounce = false;
  Side side = Side::kNone;
  std::optional<Blocklist> blocklist;
  std::string summary;
  std::vector<std::string> advice;
  // When the text is a whole bounce message: its decoded records.
  std::vector<Record> records;
  // Mail-program errors recognised in the text, at most one per family; their fixes lead the
  // advice.
  std::vector<ClientError> client_errors;
  // When the text is a report that tells of no failed delivery, what it is:
  // "dmarc-aggregate-report", "tls-report" or "read-receipt"; the summary says so and the reason
  // stays undefined. Empty otherwise.
  std::string not_a_bounce;
};

// An empty or blank text is a kInvalidArgument error.
Result<TextExplanation> explain_text(std::string_view text);

}  // namespace bounceback
