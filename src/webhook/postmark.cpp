// Postmark posts one flat object per event, named by "RecordType":
//   {"RecordType":"Bounce","Type":"HardBounce","TypeCode":1,"Email":"jane@example.com",
//    "Details":"smtp;550 5.1.1 The email account that you tried to reach does not exist.",
//    "Description":"The server was unable to deliver your message ...","BouncedAt":"...",
//    "From":"news@shop.example","MessageID":"...","Subject":"..."}
//   {"RecordType":"Delivery","Recipient":"jane@example.com","DeliveredAt":"...","Details":"..."}
#include <array>

#include "webhook/json_fields.h"
#include "webhook/providers.h"

namespace bounceback::webhook {
namespace {

// Keyed on "RecordType" and the bounce "Type" (Postmark's bounce-type reference). Postmark files
// some events that are no failure of the recipient's as bounces: those give no record (kNone),
// and the sender's own errors take a reason on the sender's side.
constexpr std::array<Classification, 22> kPostmarkTypes = {{
    // "Subscribe request from someone wanting to get added to the mailing list."
    {"Bounce", "Subscribe", Kind::kNone, std::nullopt},
    // "The NDR is actually a test email message to see if the mail server is an open relay."
    {"Bounce", "OpenRelayTest", Kind::kNone, std::nullopt},
    // "Unable to deliver inbound message to destination inbound hook." (mail Postmark received)
    {"Bounce", "InboundError", Kind::kNone, std::nullopt},
    // "The subscriber has not clicked on the confirmation link upon registration or import."
    {"Bounce", "Unconfirmed", Kind::kNone, std::nullopt},
    // "An error occurred while attempting to render your template." ("Template variable
    // 'first_name' was not provided"): the message the sender built is at fault.
    {"Bounce", "TemplateRenderingFailed", Kind::kBounce, Reason::kContentError},
    // "An error occurred while accepting an email through the SMTP API." ("Invalid 'To'
    // address: 'jane@'"): the sender's SMTP submission to Postmark was malformed.
    {"Bounce", "SMTPApiError", Kind::kBounce, Reason::kSyntaxError},
    {"Bounce", "Transient", Kind::kDelay, std::nullopt},
    {"Bounce", "DnsError", Kind::kBounce, Reason::kNetworkError},
    {"Bounce", "Blocked", Kind::kBounce, Reason::kBlocked},
    {"Bounce", "BadEmailAddress", Kind::kBounce, Reason::kUserUnknown},
    {"Bounce", "AddressChange", Kind::kBounce, Reason::kHasMoved},
    {"Bounce", "ManuallyDeactivated", Kind::kBounce, Reason::kSuppressed},
    {"Bounce", "Unsubscribe", Kind::kBounce, Reason::kSuppressed},
    {"Bounce", "VirusNotification", Kind::kBounce, Reason::kVirusDetected},
    {"Bounce", "ContentRelated", Kind::kBounce, Reason::kContentError},
    {"Bounce", "SpamNotification", Kind::kBounce, Reason::kSpamDetected},
    {"Bounce", "ChallengeVerification", Kind::kBounce, Reason::kFiltered},
    {"Bounce", "AutoResponder", Kind::kAutoreply, std::nullopt},
    {"Bounce", "SpamComplaint", Kind::kFeedback, std::nullopt},
    {"Bounce", "", Kind::kBounce, std::nullopt},
    {"SpamComplaint", "", Kind::kFeedback, std::nullopt},
    {"Delivery", "", Kind::kDelivered, std::nullopt},
}};

}  // namespace

bool read_postmark(std::string_view object, Events& events) {
  const std::string record_type = text(member(object, "RecordType"));
  if (record_type.empty()) return false;
  const std::string type = text(member(object, "Type"));
  const Classification* line = find_classification(kPostmarkTypes, record_type, type);
  if (skipped(line, type.empty() ? record_type : type, events)) return true;
  Event event;
  event.recipient = text(member(object, "Email"));
  if (event.recipient.empty()) event.recipient = text(member(object, "Recipient"));
  event.diagnostic = server_words(text(member(object, "Details")));
  event.sender = text(member(object, "From"));
  event.original_message_id = text(member(object, "MessageID"));
  event.subject = text(member(object, "Subject"));
  event.timestamp = rfc3339_utc(text(member(object, "BouncedAt")));
  if (event.timestamp.empty()) event.timestamp = rfc3339_utc(text(member(object, "DeliveredAt")));
  if (line->kind == Kind::kFeedback) event.feedback_type = "abuse";
  classify_as(*line, record_type, type, event);
  events.read.push_back(std::move(event));
  return true;
}

}  // namespace bounceback::webhook
