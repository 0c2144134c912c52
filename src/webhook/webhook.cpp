#include "webhook/webhook.h"

#include <algorithm>
#include <array>
#include <optional>
#include <string>
#include <utility>
#include <vector>

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
  bool (*read)(std::string_view object, Events& events);
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

// Providers put their own numbers where an SMTP reply goes (Mailgun's 605 for "not sent: on the
// suppression list", 498 for "Too old"): RFC 5321 reply codes are 2yz to 5yz with y from 0 to 5.
bool is_smtp_reply_code(int code) { return code >= 200 && code <= 599 && code / 10 % 10 <= 5; }

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
  if (event.reply_code && is_smtp_reply_code(*event.reply_code)) evidence.reply_code = event.reply_code;
  evidence.diagnostic = event.diagnostic;
  evidence.remote_mta = event.remote_mta;
  evidence.remote_ip = event.remote_ip;
  evidence.format_reason = event.hint;

  Record record = pipeline::make_record(base, report, evidence);
  if (record.kind == Kind::kBounce && event.hint == Reason::kSuppressed) set_suppressed(record);
  return record;
}

// The provider's type of each event that gave no record, and how many of each, in first-seen order.
using SkippedTypes = std::vector<std::pair<std::string, size_t>>;

void note_skipped(const std::string& type, SkippedTypes& skipped) {
  const auto seen = std::find_if(skipped.begin(), skipped.end(), [&](const auto& entry) { return entry.first == type; });
  if (seen != skipped.end()) {
    ++seen->second;
  } else {
    skipped.emplace_back(type, 1);
  }
}

// Reads one event object with the first provider that knows its shape; false when none does.
bool read_event(std::string_view object, std::string_view source, DecodeResult& result, SkippedTypes& skipped) {
  for (const Provider& provider : kProviders) {
    Events events;
    if (!provider.read(object, events)) continue;
    for (const Event& event : events.read) result.records.push_back(to_record(event, provider.decoder, source));
    for (const std::string& type : events.skipped) note_skipped(type, skipped);
    return true;
  }
  return false;
}

// A provider's type name in a warning: short, and with no control character (the text is hostile).
std::string printable_type(std::string_view type) {
  constexpr size_t kLongest = 40;
  std::string out;
  for (char c : type.substr(0, kLongest)) {
    const auto byte = static_cast<unsigned char>(c);
    out += byte < 0x20 || byte == 0x7F ? '?' : c;
  }
  while (!out.empty() && (static_cast<unsigned char>(out.back()) & 0xC0) == 0x80) out.pop_back();
  if (!out.empty() && static_cast<unsigned char>(out.back()) >= 0xC0) out.pop_back();
  return out;
}

// "2 events that are not delivery failures gave no record: open (1), Subscription (1)"
std::string skipped_warning(const SkippedTypes& skipped) {
  size_t total = 0;
  std::string types;
  for (const auto& [type, count] : skipped) {
    total += count;
    types += (types.empty() ? "" : ", ") + printable_type(type) + " (" + std::to_string(count) + ")";
  }
  return std::to_string(total) + (total == 1 ? " event" : " events") +
         " not about a delivery failure gave no record: " + types;
}

// Windows tools (PowerShell Out-File, Notepad) write a UTF-8 byte order mark before the text.
std::string_view without_bom(std::string_view bytes) {
  constexpr std::string_view kBom = "\xEF\xBB\xBF";
  return bytes.starts_with(kBom) ? bytes.substr(kBom.size()) : bytes;
}

std::string syntax_error_message(const json::SyntaxError& error) {
  return "not valid JSON at byte " + std::to_string(error.offset) + ": " + std::string(error.what);
}

// The event values of a JSON text, or why there are none.
struct EventValues {
  std::vector<std::string_view> values;
  std::optional<std::string> error;
};

// JSON lines, as webhook capture tools save them: one event object per line. Each line is checked
// on its own, and an error names its byte in the whole input.
EventValues json_lines(std::string_view json) {
  EventValues lines;
  size_t at = 0;
  while (at < json.size()) {
    const size_t end = std::min(json.find('\n', at), json.size());
    const std::string_view line = util::trim(json.substr(at, end - at));
    if (std::optional<json::SyntaxError> error = line.empty() ? std::nullopt : json::find_syntax_error(line)) {
      error->offset += static_cast<size_t>(line.data() - json.data());
      lines.error = syntax_error_message(*error) + " (JSON lines must hold one whole event object on each line)";
      return lines;
    }
    if (!line.empty()) lines.values.push_back(line);
    at = end + 1;
  }
  return lines;
}

// The event values of `json`: one value, the elements of an array, or one object per line.
EventValues event_values(std::string_view json) {
  const std::optional<json::SyntaxError> error = json::find_syntax_error(json);
  const std::string_view value = util::trim(json);
  if (!error) return {value.front() == '[' ? json::elements_of(value) : std::vector<std::string_view>{value}, {}};
  const bool more_after_an_object = !value.empty() && value.front() == '{' &&
                                    std::string_view(error->what).find("after the JSON value") != std::string_view::npos;
  return more_after_an_object ? json_lines(json) : EventValues{{}, syntax_error_message(*error)};
}

// Amazon SNS posts a confirmation to a new endpoint before any event: no event itself, but the
// subscription stays pending until someone opens its SubscribeURL, so it is worth a word.
bool is_sns_confirmation(std::string_view object) {
  const std::string type = text(member(object, "Type"));
  return type == "SubscriptionConfirmation" || type == "UnsubscribeConfirmation";
}

}  // namespace

bool looks_like_json(std::string_view bytes) {
  const std::string_view text = util::trim(without_bom(bytes));
  return !text.empty() && (text.front() == '{' || text.front() == '[');
}

DecodeResult decode(std::string_view json, std::string_view source) {
  DecodeResult result;
  const EventValues values = event_values(without_bom(json));
  if (values.error) {
    result.error = Error{ErrorCode::kInvalidArgument, *values.error};
    return result;
  }
  const std::vector<std::string_view>& objects = values.values;
  size_t unknown = 0;
  SkippedTypes skipped;
  for (std::string_view object : objects) {
    if (is_sns_confirmation(object)) {
      result.warnings.push_back("an Amazon SNS subscription message, not an event: to receive events, open its "
                                "SubscribeURL once");
    } else if (!read_event(object, source, result, skipped)) {
      ++unknown;
    }
  }
  if (!skipped.empty()) result.warnings.push_back(skipped_warning(skipped));
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
