// Amazon SES. Two kinds of message:
//  - bounce, complaint and delivery notifications that SES publishes through SNS and SNS mails
//    as JSON ("From: no-reply@sns.amazonaws.com", "Subject: AWS Notification Message"):
//      {"notificationType":"Bounce","bounce":{"bounceType":"Permanent","bounceSubType":"General",
//       "bouncedRecipients":[{"emailAddress":"jane@example.com","action":"failed",
//       "status":"5.1.1","diagnosticCode":"smtp; 550 5.1.1 user unknown"}], ...}, "mail":{...}}
//    either bare or as the string "Message" of an SNS envelope;
//  - RFC 3464 reports from MAILER-DAEMON@amazonses.com whose Diagnostic-Code quotes the remote
//    server inside SES's own summary (see amazonses.h).
#include <array>

#include "bounceback/codes.h"
#include "formats/amazonses.h"
#include "formats/families.h"
#include "formats/generic.h"
#include "formats/json_scan.h"
#include "formats/signals.h"
#include "util/text.h"

namespace bounceback::formats {
namespace {

using report::RecipientEvidence;

constexpr std::string_view kNotificationType = "notificationType";

// What SES's bounce classification states, where it states more than the status code does.
struct BounceType {
  std::string_view type;
  std::string_view subtype;
  Reason reason;
};
constexpr std::array<BounceType, 5> kBounceTypes = {{
    {"Permanent", "NoEmail", Reason::kUserUnknown},  // the receiver said the address does not exist
    {"Permanent", "Suppressed", Reason::kSuppressed},  // on SES's global suppression list
    {"Permanent", "OnAccountSuppressionList", Reason::kSuppressed},
    {"Transient", "MailboxFull", Reason::kMailboxFull},
    {"Transient", "MessageTooLarge", Reason::kMesgTooBig},
}};

std::optional<int> reply_code_at_start(std::string_view text) {
  if (text.size() < 3 || (text[0] != '2' && text[0] != '4' && text[0] != '5') || !util::is_digit(text[1]) ||
      !util::is_digit(text[2]) || (text.size() > 3 && util::is_digit(text[3]))) {
    return std::nullopt;
  }
  return (text[0] - '0') * 100 + (text[1] - '0') * 10 + (text[2] - '0');
}

std::string status_in(std::string_view text) {
  for (const FoundCode& code : find_codes(text)) {
    if (code.type == CodeType::kStatus) return code.code;
  }
  return {};
}

// "... 550-'5.7.1 <jane@example.com>... Access denied' (delivery attempts: 0)": the remote's reply
// is the code before "-'" and the words up to the closing quote.
struct QuotedReply {
  int code;
  std::string_view words;
};
std::optional<QuotedReply> quoted_reply(std::string_view text) {
  const size_t dash = text.find("-'");
  if (dash == std::string_view::npos || dash < 3) return std::nullopt;
  if (dash > 3 && !util::is_space(text[dash - 4])) return std::nullopt;
  const std::optional<int> code = reply_code_at_start(text.substr(dash - 3, 3));
  if (!code) return std::nullopt;
  const std::string_view words = text.substr(dash + 2);
  return QuotedReply{*code, words.substr(0, words.find('\''))};
}

// "Message expired: unable to deliver in 840 minutes.<421 4.4.2 Connection timed out>": the last
// reply SES got before giving up, in angle brackets at the end.
std::optional<std::string_view> last_reply_before_expiry(std::string_view text) {
  if (!util::icontains(text, "Message expired")) return std::nullopt;
  const size_t open = text.rfind('<');
  if (open == std::string_view::npos) return std::nullopt;
  const size_t close = text.find('>', open);
  if (close == std::string_view::npos) return std::nullopt;
  const std::string_view inside = text.substr(open + 1, close - open - 1);
  if (!reply_code_at_start(inside)) return std::nullopt;
  return inside;
}

void take_reply(std::string_view reply, RecipientEvidence& r) {
  r.reply_code = reply_code_at_start(reply);
  const std::string status = status_in(reply);
  if (!status.empty()) r.status = status;
}

// SNS mail wraps long lines with a '!' at the end and a space at the start of the continuation.
// A notification holds no raw line breaks, so all of them are dropped; the SNS footer after a
// "--" line is not part of it.
std::string unwrapped_json(std::string_view notice) {
  std::string json;
  size_t pos = 0;
  std::string_view line;
  bool continued = false;
  while (util::next_line(notice, pos, line)) {
    if (util::trim(line) == "--") break;
    if (continued && line.starts_with(' ')) line.remove_prefix(1);
    continued = line.ends_with('!');
    if (continued) line.remove_suffix(1);
    json.append(line);
  }
  const size_t open = json.find('{');
  return open == std::string::npos ? std::string() : json.substr(open);
}

// The SES notification itself, unwrapped from an SNS envelope ("Message" : "{\"notificationType\"...").
std::string notification_of(std::string_view notice) {
  std::string json = unwrapped_json(notice);
  std::optional<std::string> inner = json::string_of(json, "Message");
  if (inner && util::trim(*inner).starts_with('{')) return std::move(*inner);
  return json;
}

std::optional<Reason> bounce_type_reason(std::string_view bounce) {
  const std::string type = json::string_of(bounce, "bounceType").value_or("");
  const std::string subtype = json::string_of(bounce, "bounceSubType").value_or("");
  for (const BounceType& entry : kBounceTypes) {
    if (entry.type == type && entry.subtype == subtype) return entry.reason;
  }
  return std::nullopt;
}

void read_bounce(std::string_view notification, report::Report& report) {
  const std::string_view bounce = json::composite_of(notification, "bounce");
  const std::optional<Reason> stated = bounce_type_reason(bounce);
  report.reporting_mta = std::string(report::field_text(json::string_of(bounce, "reportingMTA").value_or("")));
  for (std::string_view element : json::elements_of(json::composite_of(bounce, "bouncedRecipients"))) {
    const std::optional<std::string> address = json::string_of(element, "emailAddress");
    if (!address) continue;
    RecipientEvidence r;
    r.recipient = *address;
    r.action = util::to_lower(json::string_of(element, "action").value_or("failed"));
    r.status = report::leading_status(json::string_of(element, "status").value_or(""));
    r.diagnostic = std::string(report::field_text(json::string_of(element, "diagnosticCode").value_or("")));
    r.format_reason = stated;
    report.recipients.push_back(std::move(r));
  }
}

void read_complaint(std::string_view notification, report::Report& report) {
  const std::string_view complaint = json::composite_of(notification, "complaint");
  for (std::string_view element : json::elements_of(json::composite_of(complaint, "complainedRecipients"))) {
    const std::optional<std::string> address = json::string_of(element, "emailAddress");
    if (!address) continue;
    report.recipients.emplace_back().recipient = *address;
  }
  report.kind = Kind::kFeedback;
  report.feedback_type = json::string_of(complaint, "complaintFeedbackType").value_or("");
}

void read_delivery(std::string_view notification, report::Report& report) {
  const std::string_view delivery = json::composite_of(notification, "delivery");
  const std::string response = json::string_of(delivery, "smtpResponse").value_or("");
  report.reporting_mta = json::string_of(delivery, "reportingMTA").value_or("");
  for (std::string_view element : json::elements_of(json::composite_of(delivery, "recipients"))) {
    const std::optional<std::string> address = json::as_string(element);
    if (!address) continue;
    RecipientEvidence r;
    r.recipient = *address;
    r.action = "delivered";
    r.diagnostic = response;
    take_reply(response, r);
    r.remote_ip = json::string_of(delivery, "remoteMtaIp").value_or("");
    report.recipients.push_back(std::move(r));
  }
}

bool read_notification(std::string_view notice, report::Report& report) {
  const std::string notification = notification_of(notice);
  const std::string type = json::string_of(notification, kNotificationType).value_or("");
  report::Report read;
  if (type == "Bounce") read_bounce(notification, read);
  if (type == "Complaint") read_complaint(notification, read);
  if (type == "Delivery") read_delivery(notification, read);
  if (read.recipients.empty()) return false;
  report = std::move(read);
  return true;
}

bool is_notification(const report::Context& context) {
  return util::trim(context.notice).starts_with('{') && notice_contains(context, ClaimPhrase(kNotificationType));
}

}  // namespace

void read_ses_remote_reply(RecipientEvidence& r) {
  if (const std::optional<QuotedReply> reply = quoted_reply(r.diagnostic)) {
    r.reply_code = reply->code;
    // Without a status of the server's own, SES's summary status ("5.3.0 - Other mail system
    // problem 550-'Unknown user ...'") is closer than the report's 5.0.0.
    const std::string status = status_in(reply->words);
    const std::string summary_status = report::leading_status(r.diagnostic);
    if (!status.empty()) r.status = status;
    else if (!summary_status.empty()) r.status = summary_status;
    // SES's summary and attempt count are not the server's words.
    r.diagnostic = std::to_string(reply->code) + " " + util::collapse_space(reply->words);
  } else if (const auto last = last_reply_before_expiry(r.diagnostic)) {
    take_reply(*last, r);
    r.format_reason = Reason::kExpired;
  }
}

bool claims_amazonses(const report::Context& context) {
  // MAILER-DAEMON@amazonses.com claims it too (senders.def).
  return is_notification(context) ||
         context.message.root().headers.has("X-SES-Outgoing");
}

bool extract_amazonses(const report::Context& context, report::Report& report) {
  if (report.recipients.empty()) return is_notification(context) && read_notification(context.notice, report);
  for (RecipientEvidence& r : report.recipients) read_ses_remote_reply(r);
  return extract_rfc3464(context, report);
}

}  // namespace bounceback::formats
