// The one table of formats. To add a family: write src/formats/<family>.cpp with its claims and
// extract functions and add one line to formats/families.def (formats/families.h declares them);
// a From that names the family by itself goes in formats/senders.def.
#include <array>
#include <bitset>

#include "classify/generated_automata.h"
#include "classify/matcher.h"
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

consteval size_t format_index(std::string_view name) {
  for (size_t i = 0; i != kFormats.size(); ++i) {
    if (kFormats[i].name == name) return i;
  }
  throw "senders.def names a format that is not in the table";
}

// The format each From fragment of senders.def claims the message for (an index in kFormats), in
// the table's order: the order of sender_matcher()'s phrases.
constexpr std::array kSenderFormats = {
#define BB_SENDER(fragment, name) format_index(name),
#include "formats/senders.def"
#undef BB_SENDER
};

// Compiled at build time from the same table (classify/generated_automata.h).
const classify::PhraseMatcher& sender_matcher() {
  static const classify::PhraseMatcher matcher =
      classify::PhraseMatcher::from_tables(classify::sender_automaton_tables());
  return matcher;
}

using FormatSet = std::bitset<kFormats.size()>;

FormatSet claimed_by_sender(std::string_view from) {
  FormatSet claimed;
  sender_matcher().match(from, [&claimed](size_t index, size_t) { claimed.set(kSenderFormats[index]); });
  return claimed;
}

}  // namespace

std::span<const Format> all_formats() { return kFormats; }

bool apply_formats(const report::Context& context, report::Report& report) {
  if (is_person_quoting_a_bounce(context)) return false;
  const FormatSet by_sender = claimed_by_sender(context.from);
  for (size_t i = 0; i != kFormats.size(); ++i) {
    const Format& format = kFormats[i];
    if (!by_sender[i] && !format.claims(context)) continue;
    if (format.extract(context, report)) {
      report.decoder = std::string(format.name);
      break;
    }
  }
  return !report.recipients.empty();
}

}  // namespace bounceback::formats
