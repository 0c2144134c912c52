// The generic readers, exposed so that specific formats can fall back on their pieces.
#pragma once

#include "report/report.h"

namespace bounceback::formats {

bool claims_rfc3464(const report::Context& context);
bool extract_rfc3464(const report::Context& context, report::Report& report);

bool claims_plain_text(const report::Context& context);
bool extract_plain_text(const report::Context& context, report::Report& report);

}  // namespace bounceback::formats
