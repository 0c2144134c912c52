// The small vocabularies shared by every layer: reasons, kinds, sides.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace bounceback {

// Why a delivery failed. Names follow Sisimai's public taxonomy (see DESIGN.md).
enum class Reason {
#define BB_REASON(id, name, side, description) id,
#include "bounceback/reasons.def"
#undef BB_REASON
};

// How many reasons there are (reasons.def), for tables with one entry per reason.
inline constexpr size_t kReasonCount = 0
// NOLINTNEXTLINE(bugprone-macro-parentheses): the X-macro adds one per reason; parentheses cannot hold a '+' left open
#define BB_REASON(id, name, side, description) +1
#include "bounceback/reasons.def"
#undef BB_REASON
    ;

// What a report says happened to a recipient.
enum class Kind { kNone, kBounce, kDelay, kDelivered, kRelayed, kExpanded, kFeedback, kAutoreply };

// Whose side the problem is on.
enum class Side { kNone, kSender, kRecipient, kNetwork };

std::string_view to_string(Reason reason);
std::string_view to_string(Kind kind);
std::string_view to_string(Side side);

std::optional<Reason> reason_from_string(std::string_view name);
// The one-line description of a reason from reasons.def.
std::string_view describe(Reason reason);
// The side a reason usually lies on.
Side usual_side(Reason reason);

}  // namespace bounceback
