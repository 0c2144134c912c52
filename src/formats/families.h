// Declarations of every specific format family listed in families.def.
#pragma once

#include "report/report.h"

namespace bounceback::formats {

#define BB_FORMAT(name, fn)                                   \
  bool claims_##fn(const report::Context& context);           \
  bool extract_##fn(const report::Context& context, report::Report& report);
#include "formats/families.def"
#undef BB_FORMAT

}  // namespace bounceback::formats
