// SendGrid's event webhook posts an array of flat events:
//   {"email":"jane@example.com","event":"bounce","type":"bounce","status":"5.1.1",
//    "reason":"550 5.1.1 The email account that you tried to reach does not exist.",
//    "sg_event_id":"...","sg_message_id":"...","smtp-id":"<...>","timestamp":1772446503}
// "dropped" events are SendGrid refusing to send, for the cause its "reason" names ("Bounced
// Address", "Spam Content (if spam checker app enabled)"); "deferred" ones carry the temporary
// reply in "response".
#include <array>

#include "util/text.h"
#include "webhook/json_fields.h"
#include "webhook/providers.h"

namespace bounceback::webhook {
namespace {

// Keyed on "event" and, for bounces, "type" (bounce: the receiver refused; blocked: it refused
// for now, usually over reputation or content); for drops, on the drop reason's leading words
// (drop_cause()).
constexpr std::array<Classification, 12> kSendGridEvents = {{
    {"bounce", "blocked", Kind::kBounce, Reason::kBlocked},
    {"bounce", "", Kind::kBounce, std::nullopt},
    // The address is on one of SendGrid's suppression lists: "Bounced Address", "Invalid" (its
    // invalid-address list), "Unsubscribed Address" (from all mail or from the message's
    // unsubscribe group) or "Spam Reporting Address".
    {"dropped", "Bounced Address", Kind::kBounce, Reason::kSuppressed},
    {"dropped", "Invalid", Kind::kBounce, Reason::kSuppressed},
    {"dropped", "Unsubscribed", Kind::kBounce, Reason::kSuppressed},
    {"dropped", "Spam Reporting Address", Kind::kBounce, Reason::kSuppressed},
    // "Spam Content (if spam checker app enabled)": SendGrid's own spam check refused the content.
    {"dropped", "Spam Content", Kind::kBounce, Reason::kSpamDetected},
    // "Invalid SMTPAPI header": the X-SMTPAPI header the sender put in the message is not valid
    // JSON for SendGrid, so the message as submitted is malformed (contenterror); no SMTP
    // dialogue with a receiver went wrong, and the address is fine.
    {"dropped", "Invalid SMTPAPI header", Kind::kBounce, Reason::kContentError},
    {"dropped", "", Kind::kBounce, Reason::kSuppressed},
    {"deferred", "", Kind::kDelay, std::nullopt},
    {"delivered", "", Kind::kDelivered, std::nullopt},
    {"spamreport", "", Kind::kFeedback, std::nullopt},
}};

// The table's subtype for a drop reason that starts with it ("Spam Content (if spam checker app
// enabled)" -> "Spam Content"), the longest first so that "Invalid SMTPAPI header" is not
// "Invalid"; the reason itself when no line starts it.
std::string_view drop_cause(std::string_view reason) {
  std::string_view cause;
  for (const Classification& line : kSendGridEvents) {
    if (line.type == "dropped" && !line.subtype.empty() && line.subtype.size() > cause.size() &&
        util::istarts_with(reason, line.subtype)) {
      cause = line.subtype;
    }
  }
  return cause.empty() ? reason : cause;
}

}  // namespace

bool read_sendgrid(std::string_view object, Events& events) {
  if (member(object, "sg_event_id").empty() && member(object, "sg_message_id").empty()) return false;
  const std::string type = text(member(object, "event"));
  const std::string reason = text(member(object, "reason"));
  const std::string subtype = type == "dropped" ? reason : text(member(object, "type"));
  const Classification* line = find_classification(kSendGridEvents, type, drop_cause(subtype));
  if (skipped(line, type, events)) return true;
  Event event;
  event.recipient = text(member(object, "email"));
  event.status = text(member(object, "status"));
  event.diagnostic = server_words(reason);
  if (event.diagnostic.empty()) event.diagnostic = server_words(text(member(object, "response")));
  event.original_message_id = text(member(object, "smtp-id"));
  if (event.original_message_id.empty()) event.original_message_id = text(member(object, "sg_message_id"));
  event.timestamp = rfc3339_utc(text(member(object, "timestamp")));
  if (line->kind == Kind::kFeedback) event.feedback_type = "abuse";
  classify_as(*line, type, subtype, event);
  events.read.push_back(std::move(event));
  return true;
}

}  // namespace bounceback::webhook
