// Deciding reason, hard/soft and side from the evidence one report gives for one recipient.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "bounceback/codes.h"
#include "bounceback/record.h"
#include "bounceback/types.h"

namespace bounceback::classify {

struct Evidence {
  std::string_view status;         // enhanced status as reported, "5.1.1", or empty
  std::optional<int> reply_code;   // basic reply code, if any
  std::string_view command;        // SMTP command that failed: "RCPT", "DATA", or empty
  std::string_view diagnostic;     // the server's own words
  std::string_view action;         // RFC 3464 action: "failed", "delayed", ... or empty
  std::string_view remote_mta;     // host that answered, for provider-specific wording
  std::string_view decoder;        // which extractor produced the evidence
  // A reason the extractor already knows from the format itself (e.g. an Exim "retry timeout
  // exceeded" section); wording in the diagnostic can still refine it.
  std::optional<Reason> format_reason;
  // The host that wrote the report: when no remote host is named, often the recipient's own
  // provider ("BAY004-OMC1S18.hotmail.com"), whose wording then applies.
  std::string_view reporting_mta;
};

struct Classification {
  Reason reason = Reason::kUndefined;
  bool hard_bounce = false;
  Side side = Side::kNone;
  std::optional<Blocklist> blocklist;
  std::string status;            // the reported status, or one inferred from the reason
  bool status_inferred = false;
};

// Specific wording beats a generic code; a specific status code beats generic wording.
Classification classify(const Evidence& evidence);
// The same for a caller that already holds find_codes(evidence.diagnostic).
Classification classify(const Evidence& evidence, std::span<const FoundCode> diagnostic_codes);

// Only the phrase rules; kUndefined when no rule matches.
Reason reason_from_text(std::string_view text);
// Only the status code (e.g. 5.1.1 -> userunknown); kUndefined for generic codes like 5.0.0.
Reason reason_from_status(std::string_view status);
// A DNS blocklist or reputation service named in the text, with the listed IP when given.
std::optional<Blocklist> find_blocklist(std::string_view text);
// Retrying can never succeed: userunknown, hostunknown, hasmoved; notaccept when permanent.
bool is_hard_bounce(Reason reason, std::string_view status, std::optional<int> reply_code);

}  // namespace bounceback::classify
