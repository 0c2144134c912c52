// The one table of formats. To add a family: write src/formats/<family>.cpp with its claims and
// extract functions and add one line to formats/families.def (formats/families.h declares them);
// a From that names the family by itself goes in formats/senders.def.
#include <array>
#include <bitset>

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

// A sender's From fragment and the format it claims the message for (senders.def).
struct Sender {
  std::string_view fragment;
  size_t format;  // index in kFormats
};

consteval size_t format_index(std::string_view name) {
  for (size_t i = 0; i != kFormats.size(); ++i) {
    if (kFormats[i].name == name) return i;
  }
  throw "senders.def names a format that is not in the table";
}

constexpr std::array kSenders = {
#define BB_SENDER(fragment, name) Sender{fragment, format_index(name)},
#include "formats/senders.def"
#undef BB_SENDER
};

const classify::PhraseMatcher& sender_matcher() {
  static const classify::PhraseMatcher matcher = [] {
    classify::PhraseMatcher built(classify::Spacing::kExact);
    for (const Sender& sender : kSenders) built.add(sender.fragment);
    built.compile();
    return built;
  }();
  return matcher;
}

using FormatSet = std::bitset<kFormats.size()>;

FormatSet claimed_by_sender(std::string_view from) {
  FormatSet claimed;
  sender_matcher().match(from, [&claimed](size_t index, size_t) { claimed.set(kSenders[index].format); });
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
