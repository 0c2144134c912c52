#include "webhook/webhook.h"

#include <array>

#include "classify/classifier.h"
#include "explain/explainer.h"
#include "formats/json_scan.h"
#include "pipeline/record_builder.h"
#include "report/report.h"
#include "util/text.h"
#include "webhook/json_fields.h"
#include "webhook/providers.h"

namespace bounceback::webhook {
namespace {

namespace json = formats::json;

struct Provider {
  std::string_view decoder;
  bool (*read)(std::string_view object, std::vector<Event>& events);
};

// Most specific shape first: SendGrid and Brevo events both have "event" and "email", so each
// reader asks for the members only its own provider sends.
constexpr std::array<Provider, 6> kProviders = {{
    {"ses", read_ses},
    {"postmark", read_postmark},
    {"sparkpost", read_sparkpost},
    {"mailgun", read_mailgun},
    {"sendgrid", read_sendgrid},
    {"brevo", read_brevo},
}};

using pipeline::non_empty;

// The provider refused to send because the address is on its suppression list: no server was
// asked, and the provider's note ("Not delivering to previously bounced address") recalls the
// old failure rather than stating a new one, so its wording must not decide the reason.
void set_suppressed(Record& record) {
  record.reason = Reason::kSuppressed;
  record.side = usual_side(Reason::kSuppressed);
  record.hard_bounce = classify::is_hard_bounce(Reason::kSuppressed, record.status.value_or(""), record.reply_code);
  explain::explain_record(record);
}

// What the record builder needs: the fields all records of the event share, the report's kind
// (a delay or a delivery is a bounce report whose action says so), and the recipient's evidence.
Record to_record(const Event& event, std::string_view decoder, std::string_view source) {
  Record base;
  base.source = std::string(source);
  base.decoder = std::string(decoder);
  base.sender = event.sender.empty() ? std::nullopt : pipeline::normalize_address(event.sender);
  base.reporting_mta = non_empty(event.reporting_mta);
  base.original_message_id = non_empty(event.original_message_id);
  base.subject = non_empty(event.subject);
  base.timestamp = non_empty(event.timestamp);
  base.feedback_type = non_empty(event.feedback_type);
  base.provider_type = non_empty(event.provider_type);
  base.provider_subtype = non_empty(event.provider_subtype);

  report::Report report;
  report.kind = event.kind == Kind::kFeedback || event.kind == Kind::kAutoreply ? event.kind : Kind::kBounce;
  report::RecipientEvidence evidence;
  evidence.recipient = event.recipient;
  evidence.action = event.action;
  evidence.status = event.status;
  // Providers put their own numbers where an SMTP reply goes (Mailgun's 605 for "not sent: on the
  // suppression list"): only a reply code's range is one.
  if (event.reply_code && *event.reply_code >= 200 && *event.reply_code <= 599) evidence.reply_code = event.reply_code;
  evidence.diagnostic = event.diagnostic;
  evidence.remote_mta = event.remote_mta;
  evidence.remote_ip = event.remote_ip;
  evidence.format_reason = event.hint;

  Record record = pipeline::make_record(base, report, evidence);
  if (record.kind == Kind::kBounce && event.hint == Reason::kSuppressed) set_suppressed(record);
  return record;
}

// Reads one event object with the first provider that knows its shape; false when none does.
bool read_event(std::string_view object, std::string_view source, DecodeResult& result) {
  for (const Provider& provider : kProviders) {
    std::vector<Event> events;
    if (!provider.read(object, events)) continue;
    for (const Event& event : events) result.records.push_back(to_record(event, provider.decoder, source));
    return true;
  }
  return false;
}

// Amazon SNS posts a confirmation to a new endpoint before any event: no event itself, but the
// subscription stays pending until someone opens its SubscribeURL, so it is worth a word.
bool is_sns_confirmation(std::string_view object) {
  const std::string type = text(member(object, "Type"));
  return type == "SubscriptionConfirmation" || type == "UnsubscribeConfirmation";
}

std::string syntax_error_message(const json::SyntaxError& error) {
  return "not valid JSON at byte " + std::to_string(error.offset) + ": " + std::string(error.what);
}

}  // namespace

bool looks_like_json(std::string_view bytes) {
  const std::string_view text = util::trim(bytes);
  return !text.empty() && (text.front() == '{' || text.front() == '[');
}

DecodeResult decode(std::string_view json, std::string_view source) {
  DecodeResult result;
  if (const std::optional<json::SyntaxError> error = json::find_syntax_error(json)) {
    result.error = Error{ErrorCode::kInvalidArgument, syntax_error_message(*error)};
    return result;
  }
  const std::string_view value = util::trim(json);
  const std::vector<std::string_view> objects =
      value.front() == '[' ? json::elements_of(value) : std::vector<std::string_view>{value};
  size_t unknown = 0;
  for (std::string_view object : objects) {
    if (is_sns_confirmation(object)) {
      result.warnings.push_back("an Amazon SNS subscription message, not an event: to receive events, open its "
                                "SubscribeURL once");
    } else if (!read_event(object, source, result)) {
      ++unknown;
    }
  }
  if (unknown > 0) {
    result.warnings.push_back(std::to_string(unknown) + " of " +
                              std::to_string(objects.size()) +
                              " JSON values match no known webhook (Amazon SES, SendGrid, Mailgun, Postmark, "
                              "SparkPost, Brevo)");
  }
  result.is_report = !result.records.empty();
  return result;
}

}  // namespace bounceback::webhook
