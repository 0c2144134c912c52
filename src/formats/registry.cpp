// The one table of formats. To add a family: write src/formats/<family>.cpp with its claims and
// extract functions, declare them in formats/families.h, and add one line here.
#include <array>

#include "formats/families.h"
#include "formats/format.h"
#include "formats/generic.h"
#include "formats/signals.h"

namespace bounceback::formats {
namespace {

constexpr std::array kFormats = {
    // Specific MTAs and providers: most recognisable first.
#define BB_FORMAT(name, fn) Format{name, claims_##fn, extract_##fn},
#include "formats/families.def"
#undef BB_FORMAT
    // Generic readers last.
    Format{"rfc3464", claims_rfc3464, extract_rfc3464},
    Format{"text", claims_plain_text, extract_plain_text},
};

}  // namespace

std::span<const Format> all_formats() { return kFormats; }

bool apply_formats(const report::Context& context, report::Report& report) {
  if (is_person_quoting_a_bounce(context)) return false;
  for (const Format& format : kFormats) {
    if (!format.claims(context)) continue;
    if (format.extract(context, report)) {
      report.decoder = std::string(format.name);
      break;
    }
  }
  return !report.recipients.empty();
}

}  // namespace bounceback::formats
