// Mailgun webhooks post {"signature":{...},"event-data":{...}}; the event data alone is also
// accepted, as the events API returns it:
//   {"event":"failed","severity":"permanent","reason":"bounce","recipient":"jane@example.com",
//    "timestamp":1772446503.41,"delivery-status":{"code":550,"message":"5.1.1 The email account
//    ... does not exist.","description":"","mx-host":"mx.example.com"},
//    "envelope":{"sender":"news@shop.example"},"message":{"headers":{"message-id":"...","subject":"..."}}}
#include <array>
#include <utility>

#include "webhook/json_fields.h"
#include "webhook/providers.h"

namespace bounceback::webhook {
namespace {

// Keyed on "event" and "severity": a temporary failure is retried, so it is a delay.
constexpr std::array<Classification, 4> kMailgunEvents = {{
    {"failed", "temporary", Kind::kDelay, std::nullopt},
    {"failed", "", Kind::kBounce, std::nullopt},
    {"complained", "", Kind::kFeedback, std::nullopt},
    {"delivered", "", Kind::kDelivered, std::nullopt},
}};

// Mailgun's "reason" when Mailgun itself refused to send: the address is on one of its
// suppression lists ("suppress-bounce", ...) or the receiving provider blocked it ("espblock").
constexpr std::array<std::pair<std::string_view, Reason>, 4> kMailgunReasons = {{
    {"suppress-bounce", Reason::kSuppressed},
    {"suppress-complaint", Reason::kSuppressed},
    {"suppress-unsubscribe", Reason::kSuppressed},
    {"espblock", Reason::kBlocked},
}};

std::optional<Reason> reason_hint(std::string_view reason) {
  for (const auto& [name, hint] : kMailgunReasons) {
    if (name == reason) return hint;
  }
  return std::nullopt;
}

std::string_view event_data(std::string_view object) {
  const std::string_view wrapped = member(object, "event-data");
  if (!wrapped.empty()) return wrapped;
  const bool bare = !member(object, "recipient").empty() &&
                    (!member(object, "log-level").empty() || !member(object, "delivery-status").empty());
  return bare ? object : std::string_view{};
}

}  // namespace

bool read_mailgun(std::string_view object, std::vector<Event>& events) {
  const std::string_view data = event_data(object);
  if (data.empty()) return false;
  const std::string type = text(member(data, "event"));
  const std::string severity = text(member(data, "severity"));
  const Classification* line = find_classification(kMailgunEvents, type, severity);
  if (line == nullptr) return true;
  const std::string_view status = member(data, "delivery-status");
  Event event;
  event.recipient = text(member(data, "recipient"));
  event.reply_code = integer(member(status, "code"));
  event.status = text(member(status, "enhanced-code"));
  event.diagnostic = server_words(text(member(status, "message")));
  if (event.diagnostic.empty()) event.diagnostic = server_words(text(member(status, "description")));
  event.remote_mta = text(member(status, "mx-host"));
  event.sender = text(member(data, {"envelope"}, "sender"));
  event.original_message_id = text(member(data, {"message", "headers"}, "message-id"));
  event.subject = text(member(data, {"message", "headers"}, "subject"));
  event.timestamp = rfc3339_utc(text(member(data, "timestamp")));
  if (line->kind == Kind::kFeedback) event.feedback_type = "abuse";
  classify_as(*line, type, severity, event);
  if (!event.hint) event.hint = reason_hint(text(member(data, "reason")));
  events.push_back(std::move(event));
  return true;
}

}  // namespace bounceback::webhook
