// The per-MTA and per-provider bounce formats: how each is recognised and read.
#pragma once

#include <span>
#include <string_view>

#include "report/report.h"

namespace bounceback::formats {

struct Format {
  std::string_view name;  // the record's `decoder` field
  // Cheap signals only (From, Subject, a few headers, the first lines of the notice): may this
  // format have produced the message? Several formats may claim one message; the first whose
  // extract succeeds wins. A From listed in senders.def claims the message for its format too.
  bool (*claims)(const report::Context& context);
  // Fills the report, or refines one already filled from its RFC 3464 part (report.recipients
  // is then non-empty): better diagnostics, the failed SMTP command, a reason the format states.
  // Returns false when the message is not in this format after all; the report must then be
  // left as it was.
  bool (*extract)(const report::Context& context, report::Report& report);
};

// Every format in the order they are tried: specific MTAs and providers first, the generic
// readers of bounce text last. Defined in registry.cpp, the one table to extend.
std::span<const Format> all_formats();

// Runs the formats over a message whose RFC 3464 part (if any) is already in `report`.
// Returns whether the report now holds recipients.
bool apply_formats(const report::Context& context, report::Report& report);

}  // namespace bounceback::formats
