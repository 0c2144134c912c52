// Amazon SES notifications, bare (event publishing, "eventType") or inside an SNS envelope whose
// "Message" is the notification as a JSON string (SNS topics, "notificationType"):
//   {"Type":"Notification","TopicArn":"arn:aws:sns:...","Message":"{\"notificationType\":\"Bounce\",...}"}
//   {"eventType":"Bounce","bounce":{"bounceType":"Permanent","bounceSubType":"General",
//    "bouncedRecipients":[{"emailAddress":"jane@example.com","action":"failed","status":"5.1.1",
//    "diagnosticCode":"smtp; 550 5.1.1 user unknown"}],"reportingMTA":"dsn; a8-1.smtp-out.amazonses.com",
//    "remoteMtaIp":"192.0.2.7","timestamp":"..."},"mail":{"source":"...","commonHeaders":{...}}}
#include <array>

#include "formats/json_scan.h"
#include "util/text.h"
#include "webhook/json_fields.h"
#include "webhook/providers.h"

namespace bounceback::webhook {
namespace {

namespace json = formats::json;

// SES's classification: bounceType and bounceSubType for bounces, the event type and its
// subtype (delayType) otherwise. Documented in the SES "notification contents" reference.
// Reject and Rendering Failure are SES refusing to send at all; "Reject" only ever has the
// reason "Bad content", which SES documents as a virus found in the message.
constexpr std::array<Classification, 19> kSesTypes = {{
    {"Permanent", "NoEmail", Kind::kBounce, Reason::kUserUnknown},
    {"Permanent", "Suppressed", Kind::kBounce, Reason::kSuppressed},
    {"Permanent", "OnAccountSuppressionList", Kind::kBounce, Reason::kSuppressed},
    {"Permanent", "", Kind::kBounce, std::nullopt},
    {"Transient", "MailboxFull", Kind::kBounce, Reason::kMailboxFull},
    {"Transient", "MessageTooLarge", Kind::kBounce, Reason::kMesgTooBig},
    {"Transient", "ContentRejected", Kind::kBounce, Reason::kContentError},
    {"Transient", "AttachmentRejected", Kind::kBounce, Reason::kPolicyViolation},
    {"Transient", "", Kind::kBounce, std::nullopt},
    {"Undetermined", "", Kind::kBounce, std::nullopt},
    {"Complaint", "", Kind::kFeedback, std::nullopt},
    {"Delivery", "", Kind::kDelivered, std::nullopt},
    {"DeliveryDelay", "MailboxFull", Kind::kDelay, Reason::kMailboxFull},
    {"DeliveryDelay", "SpamDetected", Kind::kDelay, Reason::kSpamDetected},
    {"DeliveryDelay", "IPFailure", Kind::kDelay, Reason::kBlocked},
    {"DeliveryDelay", "TransientCommunicationFailure", Kind::kDelay, Reason::kNetworkError},
    {"DeliveryDelay", "", Kind::kDelay, std::nullopt},
    // {"eventType":"Reject","reject":{"reason":"Bad content"}}
    {"Reject", "", Kind::kBounce, Reason::kVirusDetected},
    // {"eventType":"Rendering Failure","failure":{"errorMessage":"Attribute 'attributeName' is
    // not present in the rendering data.","templateName":"MyTemplate"}}
    {"Rendering Failure", "", Kind::kBounce, Reason::kContentError},
}};

// "dsn; a8-1.smtp-out.amazonses.com" -> the host.
std::string without_type(std::string raw) {
  const size_t semicolon = raw.find(';');
  if (semicolon == std::string::npos) return raw;
  return std::string(util::trim(std::string_view(raw).substr(semicolon + 1)));
}

// The sender's own Message-ID, from mail.headers ([{"name":"Message-ID","value":"<a1@shop.example>"}]);
// commonHeaders.messageId often holds SES's id instead, the same as mail.messageId.
std::string sent_message_id(std::string_view notification) {
  for (std::string_view header : json::elements_of(member(notification, {"mail"}, "headers"))) {
    if (util::iequals(text(member(header, "name")), "Message-ID")) return text(member(header, "value"));
  }
  return {};
}

// What every recipient of one notification shares: the sent mail and the reporting host.
Event common_fields(std::string_view notification, std::string_view detail) {
  Event event;
  event.sender = text(member(notification, {"mail"}, "source"));
  event.original_message_id = sent_message_id(notification);
  if (event.original_message_id.empty()) {
    event.original_message_id = text(member(notification, {"mail", "commonHeaders"}, "messageId"));
  }
  if (event.original_message_id.empty()) event.original_message_id = text(member(notification, {"mail"}, "messageId"));
  event.subject = text(member(notification, {"mail", "commonHeaders"}, "subject"));
  event.reporting_mta = without_type(text(member(detail, "reportingMTA")));
  event.remote_ip = text(member(detail, "remoteMtaIp"));
  event.timestamp = rfc3339_utc(text(member(detail, "timestamp")));
  return event;
}

// Bounce and DeliveryDelay list recipients as objects with the remote server's words.
void read_recipient_objects(std::string_view list, const Event& common, const Classification& line,
                            std::string_view type, std::string_view subtype, std::vector<Event>& events) {
  for (std::string_view recipient : json::elements_of(list)) {
    Event event = common;
    event.recipient = text(member(recipient, "emailAddress"));
    event.action = text(member(recipient, "action"));
    event.status = text(member(recipient, "status"));
    event.diagnostic = server_words(text(member(recipient, "diagnosticCode")));
    classify_as(line, type, subtype, event);
    events.push_back(std::move(event));
  }
}

// Delivery lists bare addresses and one SMTP response for all of them.
void read_delivered(std::string_view delivery, const Event& common, const Classification& line,
                    std::vector<Event>& events) {
  for (std::string_view recipient : json::elements_of(member(delivery, "recipients"))) {
    Event event = common;
    event.recipient = json::as_string(recipient).value_or(std::string{});
    event.diagnostic = server_words(text(member(delivery, "smtpResponse")));
    classify_as(line, "Delivery", "", event);
    events.push_back(std::move(event));
  }
}

// Reject and Rendering Failure name no recipient of their own: the message was for every
// address of mail.destination, and the words are SES's.
void read_refusal(std::string_view notification, std::string_view words, const Classification& line,
                  std::string_view type, std::vector<Event>& events) {
  Event common = common_fields(notification, {});
  common.timestamp = rfc3339_utc(text(member(notification, {"mail"}, "timestamp")));
  common.diagnostic = server_words(words);
  for (std::string_view recipient : json::elements_of(member(notification, {"mail"}, "destination"))) {
    Event event = common;
    event.recipient = json::as_string(recipient).value_or(std::string{});
    classify_as(line, type, "", event);
    events.push_back(std::move(event));
  }
}

void read_complaint(std::string_view complaint, const Event& common, const Classification& line,
                    std::vector<Event>& events) {
  const std::string subtype = text(member(complaint, "complaintSubType"));
  for (std::string_view recipient : json::elements_of(member(complaint, "complainedRecipients"))) {
    Event event = common;
    event.recipient = text(member(recipient, "emailAddress"));
    event.feedback_type = text(member(complaint, "complaintFeedbackType"));
    classify_as(line, "Complaint", subtype, event);
    events.push_back(std::move(event));
  }
}

bool read_notification(std::string_view notification, Events& found) {
  std::vector<Event>& events = found.read;
  std::string type = text(member(notification, "notificationType"));
  if (type.empty()) type = text(member(notification, "eventType"));
  if (type.empty() || member(notification, "mail").empty()) return false;

  if (type == "Bounce") {
    const std::string_view bounce = member(notification, "bounce");
    const std::string bounce_type = text(member(bounce, "bounceType"));
    const std::string subtype = text(member(bounce, "bounceSubType"));
    const Classification* line = find_classification(kSesTypes, bounce_type, subtype);
    if (line == nullptr) line = find_classification(kSesTypes, "Undetermined", "");
    read_recipient_objects(member(bounce, "bouncedRecipients"), common_fields(notification, bounce), *line,
                           bounce_type, subtype, events);
  } else if (type == "DeliveryDelay") {
    const std::string_view delay = member(notification, "deliveryDelay");
    const std::string subtype = text(member(delay, "delayType"));
    read_recipient_objects(member(delay, "delayedRecipients"), common_fields(notification, delay),
                           *find_classification(kSesTypes, type, subtype), type, subtype, events);
  } else if (type == "Delivery") {
    const std::string_view delivery = member(notification, "delivery");
    read_delivered(delivery, common_fields(notification, delivery), *find_classification(kSesTypes, type, ""),
                   events);
  } else if (type == "Complaint") {
    const std::string_view complaint = member(notification, "complaint");
    read_complaint(complaint, common_fields(notification, complaint), *find_classification(kSesTypes, type, ""),
                   events);
  } else if (type == "Reject") {
    read_refusal(notification, text(member(notification, {"reject"}, "reason")),
                 *find_classification(kSesTypes, type, ""), type, events);
  } else if (type == "Rendering Failure") {
    read_refusal(notification, text(member(notification, {"failure"}, "errorMessage")),
                 *find_classification(kSesTypes, type, ""), type, events);
  } else {
    found.skipped.push_back(type);
  }
  return true;
}

}  // namespace

bool read_ses(std::string_view object, Events& events) {
  if (text(member(object, "Type")) != "Notification" || member(object, "TopicArn").empty()) {
    return read_notification(object, events);
  }
  // The events keep their own copies of every string, so the unescaped message may go.
  const std::string message = text(member(object, "Message"));
  if (json::find_syntax_error(message)) return false;
  return read_notification(util::trim(message), events);
}

}  // namespace bounceback::webhook
