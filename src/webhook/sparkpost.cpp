// SparkPost (now Bird) posts an array of {"msys":{"<class>_event":{...}}}; message events carry
// delivery outcomes:
//   {"msys":{"message_event":{"type":"bounce","bounce_class":"10","rcpt_to":"jane@example.com",
//    "raw_reason":"550 5.1.1 ... does not exist","reason":"550 5.1.1 ...","error_code":"550",
//    "message_id":"...","timestamp":"1772446503","msg_from":"...","subject":"..."}}}
// Policy rejections and generation failures (SparkPost could not build or would not send the
// message) count as bounces; track, unsubscribe and relay events are skipped and counted.
#include <array>

#include "webhook/json_fields.h"
#include "webhook/providers.h"

namespace bounceback::webhook {
namespace {

// Keyed on the event "type" and SparkPost's numeric "bounce_class" (its bounce-classification
// reference); an out-of-band bounce is looked up as a bounce.
constexpr std::array<Classification, 16> kSparkPostTypes = {{
    // "554 5.3.3 [internal] Error while rendering part html: substitution language errors in
    // template": the sender's template is broken.
    {"generation_failure", "", Kind::kBounce, Reason::kContentError},
    // "554 5.7.1 recipient address suppressed due to customer policy" (bounce_class 25):
    // SparkPost's own refusal, as for a policy rejection.
    {"generation_rejection", "", Kind::kBounce, Reason::kSuppressed},
    {"bounce", "10", Kind::kBounce, Reason::kUserUnknown},       // Invalid Recipient
    {"bounce", "21", Kind::kBounce, Reason::kNetworkError},      // DNS Failure
    {"bounce", "22", Kind::kBounce, Reason::kMailboxFull},       // Mailbox Full
    {"bounce", "23", Kind::kBounce, Reason::kMesgTooBig},        // Too Large
    {"bounce", "24", Kind::kBounce, Reason::kExpired},           // Timeout
    {"bounce", "25", Kind::kBounce, Reason::kSuppressed},        // Admin Failure: SparkPost's policy
    {"bounce", "50", Kind::kBounce, Reason::kBlocked},           // Mail Block
    {"bounce", "51", Kind::kBounce, Reason::kBlocked},           // Spam Block
    {"bounce", "52", Kind::kBounce, Reason::kSpamDetected},      // Spam Content
    {"bounce", "53", Kind::kBounce, Reason::kPolicyViolation},   // Prohibited Attachment
    {"bounce", "", Kind::kBounce, std::nullopt},
    {"delay", "", Kind::kDelay, std::nullopt},
    {"delivery", "", Kind::kDelivered, std::nullopt},
    {"spam_complaint", "", Kind::kFeedback, std::nullopt},
}};

// An out-of-band bounce is a bounce that came back later; a policy rejection is SparkPost's own
// refusal to send ("550 5.7.1 [internal] Recipient address was suppressed due to system policy",
// bounce_class 25), looked up by its class as a bounce.
std::string_view table_type(std::string_view type) {
  return type == "out_of_band" || type == "policy_rejection" ? "bounce" : type;
}

// The event classes SparkPost posts under "msys"; the first one present holds the event.
constexpr std::array<std::string_view, 7> kEventClasses = {
    "message_event", "gen_event", "track_event", "unsubscribe_event", "relay_event", "ab_test_event", "ingest_event",
};

std::string_view event_of(std::string_view msys) {
  for (std::string_view event_class : kEventClasses) {
    const std::string_view event = member(msys, event_class);
    if (!event.empty()) return event;
  }
  return {};
}

}  // namespace

bool read_sparkpost(std::string_view object, Events& events) {
  const std::string_view msys = member(object, "msys");
  if (msys.empty() || msys.front() != '{') return false;
  const std::string_view message = event_of(msys);
  const std::string type = text(member(message, "type"));
  const std::string bounce_class = text(member(message, "bounce_class"));
  const Classification* line = find_classification(kSparkPostTypes, table_type(type), bounce_class);
  if (skipped(line, type, events)) return true;
  Event event;
  event.recipient = text(member(message, "rcpt_to"));
  if (event.recipient.empty()) event.recipient = text(member(message, "raw_rcpt_to"));
  event.diagnostic = server_words(text(member(message, "raw_reason")));
  if (event.diagnostic.empty()) event.diagnostic = server_words(text(member(message, "reason")));
  event.reply_code = integer(member(message, "error_code"));
  event.sender = text(member(message, "msg_from"));
  event.original_message_id = text(member(message, "message_id"));
  event.subject = text(member(message, "subject"));
  event.timestamp = rfc3339_utc(text(member(message, "timestamp")));
  event.feedback_type = text(member(message, "fbtype"));
  classify_as(*line, type, bounce_class, event);
  events.read.push_back(std::move(event));
  return true;
}

}  // namespace bounceback::webhook
