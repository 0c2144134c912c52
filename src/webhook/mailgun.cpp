// Mailgun webhooks post {"signature":{...},"event-data":{...}}; the event data alone is also
// accepted, as the events API returns it:
//   {"event":"failed","severity":"permanent","reason":"bounce","recipient":"jane@example.com",
//    "timestamp":1772446503.41,"delivery-status":{"code":550,"message":"5.1.1 The email account
//    ... does not exist.","description":"","mx-host":"mx.example.com"},
//    "envelope":{"sender":"news@shop.example"},"message":{"headers":{"message-id":"...","subject":"..."}}}
#include <array>
#include <utility>

#include "util/text.h"
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

// Mailgun's "reason" when Mailgun itself decided: the address is on one of its suppression lists
// ("suppress-bounce", ...), the receiving provider blocked it ("espblock"), or the message
// stayed queued past its retry time ("old", code 498 "Too old"). The reason is kept as the
// record's provider_subtype, where it says more than the severity, e.g. why an address is
// suppressed.
constexpr std::array<std::pair<std::string_view, Reason>, 5> kMailgunReasons = {{
    {"suppress-bounce", Reason::kSuppressed},
    {"suppress-complaint", Reason::kSuppressed},
    {"suppress-unsubscribe", Reason::kSuppressed},
    {"espblock", Reason::kBlocked},
    {"old", Reason::kExpired},
}};

std::optional<Reason> reason_hint(std::string_view reason) {
  for (const auto& [name, hint] : kMailgunReasons) {
    if (name == reason) return hint;
  }
  return std::nullopt;
}

// Mailgun puts its own numbers where the SMTP reply goes (498 "Too old", 605 "Not delivering to
// previously unsubscribed address"); a code is the server's reply only when the server's words
// came with it and do not begin with a status of another class ("5.2.2 ..." under 552).
std::optional<int> reply_code_of(std::string_view status) {
  const std::optional<int> code = integer(member(status, "code"));
  const std::string message = text(member(status, "message"));
  const std::string described = text(member(status, "description"));
  const std::string_view words = message.empty() ? described : message;
  if (!code || words.empty()) return std::nullopt;
  const char code_class = static_cast<char>('0' + *code / 100);
  const bool other_class = words.size() > 1 && words[1] == '.' && util::is_digit(words[0]) && words[0] != code_class;
  return other_class ? std::nullopt : code;
}

std::string_view event_data(std::string_view object) {
  const std::string_view wrapped = member(object, "event-data");
  if (!wrapped.empty()) return wrapped;
  const bool bare = !member(object, "recipient").empty() &&
                    (!member(object, "log-level").empty() || !member(object, "delivery-status").empty());
  return bare ? object : std::string_view{};
}

}  // namespace

bool read_mailgun(std::string_view object, Events& events) {
  const std::string_view data = event_data(object);
  if (data.empty()) return false;
  const std::string type = text(member(data, "event"));
  const std::string severity = text(member(data, "severity"));
  const Classification* line = find_classification(kMailgunEvents, type, severity);
  if (skipped(line, type, events)) return true;
  const std::string_view status = member(data, "delivery-status");
  Event event;
  event.recipient = text(member(data, "recipient"));
  event.reply_code = reply_code_of(status);
  event.status = text(member(status, "enhanced-code"));
  event.diagnostic = server_words(text(member(status, "message")));
  if (event.diagnostic.empty()) event.diagnostic = server_words(text(member(status, "description")));
  event.remote_mta = text(member(status, "mx-host"));
  event.sender = text(member(data, {"envelope"}, "sender"));
  event.original_message_id = text(member(data, {"message", "headers"}, "message-id"));
  event.subject = text(member(data, {"message", "headers"}, "subject"));
  event.timestamp = rfc3339_utc(text(member(data, "timestamp")));
  if (line->kind == Kind::kFeedback) event.feedback_type = "abuse";
  const std::string reason = text(member(data, "reason"));
  const std::optional<Reason> mailgun_decided = reason_hint(reason);
  classify_as(*line, type, mailgun_decided ? std::string_view(reason) : std::string_view(severity), event);
  if (!event.hint) event.hint = mailgun_decided;
  events.read.push_back(std::move(event));
  return true;
}

}  // namespace bounceback::webhook
