// Brevo (formerly Sendinblue) posts one flat object per transactional event:
//   {"event":"hard_bounce","email":"jane@example.com","id":26224,"date":"2026-03-02 11:15:03",
//    "ts_event":1772446503,"message-id":"<...>","subject":"...","reason":"550 5.1.1 ..."}
#include <array>

#include "webhook/json_fields.h"
#include "webhook/providers.h"

namespace bounceback::webhook {
namespace {

// Keyed on "event"; "blocked" is Brevo refusing to send to a blocklisted contact.
constexpr std::array<Classification, 8> kBrevoEvents = {{
    {"hard_bounce", "", Kind::kBounce, std::nullopt},
    {"soft_bounce", "", Kind::kBounce, std::nullopt},
    {"blocked", "", Kind::kBounce, Reason::kSuppressed},
    {"invalid_email", "", Kind::kBounce, Reason::kUserUnknown},
    {"deferred", "", Kind::kDelay, std::nullopt},
    {"spam", "", Kind::kFeedback, std::nullopt},
    {"complaint", "", Kind::kFeedback, std::nullopt},
    {"delivered", "", Kind::kDelivered, std::nullopt},
}};

}  // namespace

bool read_brevo(std::string_view object, Events& events) {
  const bool brevo_fields = !member(object, "ts_event").empty() || !member(object, "message-id").empty();
  if (member(object, "event").empty() || member(object, "email").empty() || !brevo_fields) return false;
  const std::string type = text(member(object, "event"));
  const Classification* line = find_classification(kBrevoEvents, type, "");
  if (skipped(line, type, events)) return true;
  Event event;
  event.recipient = text(member(object, "email"));
  event.diagnostic = server_words(text(member(object, "reason")));
  event.original_message_id = text(member(object, "message-id"));
  event.subject = text(member(object, "subject"));
  event.timestamp = rfc3339_utc(text(member(object, "ts_event")));
  if (event.timestamp.empty()) event.timestamp = rfc3339_utc(text(member(object, "date")));
  if (line->kind == Kind::kFeedback) event.feedback_type = "abuse";
  classify_as(*line, type, "", event);
  events.read.push_back(std::move(event));
  return true;
}

}  // namespace bounceback::webhook
