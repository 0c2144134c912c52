#include "bounceback/types.h"

#include <array>

namespace bounceback {
namespace {

struct ReasonEntry {
  std::string_view name;
  Side side;
  std::string_view description;
};

constexpr std::array kReasons = {
#define BB_REASON(id, name, side, description) ReasonEntry{name, Side::side, description},
#include "bounceback/reasons.def"
#undef BB_REASON
};

}  // namespace

std::string_view to_string(Reason reason) { return kReasons[static_cast<size_t>(reason)].name; }
std::string_view describe(Reason reason) { return kReasons[static_cast<size_t>(reason)].description; }
Side usual_side(Reason reason) { return kReasons[static_cast<size_t>(reason)].side; }

std::optional<Reason> reason_from_string(std::string_view name) {
  for (size_t i = 0; i < kReasons.size(); ++i) {
    if (kReasons[i].name == name) return static_cast<Reason>(i);
  }
  return std::nullopt;
}

std::string_view to_string(Kind kind) {
  switch (kind) {
    case Kind::kNone: return "none";
    case Kind::kBounce: return "bounce";
    case Kind::kDelay: return "delay";
    case Kind::kDelivered: return "delivered";
    case Kind::kRelayed: return "relayed";
    case Kind::kExpanded: return "expanded";
    case Kind::kFeedback: return "feedback";
    case Kind::kAutoreply: return "autoreply";
  }
  return "none";
}

std::string_view to_string(Side side) {
  switch (side) {
    case Side::kNone: return "none";
    case Side::kSender: return "sender";
    case Side::kRecipient: return "recipient";
    case Side::kNetwork: return "network";
  }
  return "none";
}

}  // namespace bounceback
