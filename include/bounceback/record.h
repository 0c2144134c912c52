// The result record: one per recipient per report (DESIGN.md, "The result record").
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "bounceback/types.h"

namespace bounceback {

struct Blocklist {
  std::string name;       // "Spamhaus"
  std::string zone;       // "zen.spamhaus.org", empty when only the operator is named
  std::string listed_ip;  // the sending address the list names, empty when not given
};

struct Record {
  std::string source;  // "mail/bounces.mbox#17", a path, or "-"
  Kind kind = Kind::kNone;
  std::optional<std::string> recipient;
  std::optional<std::string> original_recipient;
  std::optional<std::string> sender;
  std::optional<std::string> action;  // failed, delayed, delivered, relayed, expanded
  std::optional<std::string> status;  // "5.1.1"
  bool status_inferred = false;
  std::optional<int> reply_code;      // 550
  std::optional<std::string> command; // RCPT
  Reason reason = Reason::kUndefined;
  bool hard_bounce = false;
  Side side = Side::kNone;
  std::optional<std::string> diagnostic;
  std::optional<std::string> reporting_mta;
  std::optional<std::string> remote_mta;
  std::optional<std::string> remote_ip;
  std::optional<Blocklist> blocklist;
  std::string decoder;  // which extractor decoded the report
  std::optional<std::string> message_id;
  std::optional<std::string> original_message_id;
  std::optional<std::string> subject;
  std::optional<std::string> timestamp;  // RFC 3339 UTC
  std::optional<std::string> feedback_type;
  // A sending service's own classification, for records decoded from its webhook JSON:
  // SES "Permanent"/"NoEmail", SendGrid "bounce"/"blocked", Postmark "Bounce"/"HardBounce".
  std::optional<std::string> provider_type;
  std::optional<std::string> provider_subtype;
  std::string summary;
  std::vector<std::string> advice;
};

}  // namespace bounceback
