// SendGrid's event webhook posts an array of flat events:
//   {"email":"jane@example.com","event":"bounce","type":"bounce","status":"5.1.1",
//    "reason":"550 5.1.1 The email account that you tried to reach does not exist.",
//    "sg_event_id":"...","sg_message_id":"...","smtp-id":"<...>","timestamp":1772446503}
// "dropped" events are SendGrid refusing to send ("reason":"Bounced Address"), "deferred" ones
// carry the temporary reply in "response".
#include <array>

#include "webhook/json_fields.h"
#include "webhook/providers.h"

namespace bounceback::webhook {
namespace {

// Keyed on "event" and, for bounces, "type" (bounce: the receiver refused; blocked: it refused
// for now, usually over reputation or content).
constexpr std::array<Classification, 6> kSendGridEvents = {{
    {"bounce", "blocked", Kind::kBounce, Reason::kBlocked},
    {"bounce", "", Kind::kBounce, std::nullopt},
    {"dropped", "", Kind::kBounce, Reason::kSuppressed},
    {"deferred", "", Kind::kDelay, std::nullopt},
    {"delivered", "", Kind::kDelivered, std::nullopt},
    {"spamreport", "", Kind::kFeedback, std::nullopt},
}};

}  // namespace

bool read_sendgrid(std::string_view object, std::vector<Event>& events) {
  if (member(object, "sg_event_id").empty() && member(object, "sg_message_id").empty()) return false;
  const std::string type = text(member(object, "event"));
  const std::string subtype = text(member(object, "type"));
  const Classification* line = find_classification(kSendGridEvents, type, subtype);
  if (line == nullptr) return true;
  Event event;
  event.recipient = text(member(object, "email"));
  event.status = text(member(object, "status"));
  event.diagnostic = server_words(text(member(object, "reason")));
  if (event.diagnostic.empty()) event.diagnostic = server_words(text(member(object, "response")));
  event.original_message_id = text(member(object, "smtp-id"));
  if (event.original_message_id.empty()) event.original_message_id = text(member(object, "sg_message_id"));
  event.timestamp = rfc3339_utc(text(member(object, "timestamp")));
  if (line->kind == Kind::kFeedback) event.feedback_type = "abuse";
  classify_as(*line, type, subtype, event);
  events.push_back(std::move(event));
  return true;
}

}  // namespace bounceback::webhook
