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
};

// An empty or blank text is a kInvalidArgument error.
Result<TextExplanation> explain_text(std::string_view text);

}  // namespace bounceback
