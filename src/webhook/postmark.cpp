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

// Keyed on "RecordType" and the bounce "Type" (Postmark's bounce-type reference).
constexpr std::array<Classification, 16> kPostmarkTypes = {{
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

bool read_postmark(std::string_view object, std::vector<Event>& events) {
  const std::string record_type = text(member(object, "RecordType"));
  if (record_type.empty()) return false;
  const std::string type = text(member(object, "Type"));
  const Classification* line = find_classification(kPostmarkTypes, record_type, type);
  if (line == nullptr) return true;
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
  events.push_back(std::move(event));
  return true;
}

}  // namespace bounceback::webhook
