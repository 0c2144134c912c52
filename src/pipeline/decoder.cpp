// The decode pipeline: message parser -> report extractors -> classifier -> explainer.
#include "bounceback/decoder.h"

#include "bounceback/codes.h"
#include "classify/classifier.h"
#include "explain/explainer.h"
#include "formats/format.h"
#include "mime/message.h"
#include "report/report.h"
#include "util/date.h"
#include "util/text.h"

namespace bounceback {
namespace {

// Lower-cases the domain of an address and drops the brackets and quotes MTAs wrap it in;
// nullopt when no address can be found at all.
std::optional<std::string> normalize_address(std::string_view raw) {
  std::string_view text = util::trim(raw);
  while (!text.empty() && (text.front() == '<' || text.front() == '"' || text.front() == '\'')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == '>' || text.back() == '"' || text.back() == '\'' || text.back() == '.')) {
    text.remove_suffix(1);
  }
  const size_t at = text.rfind('@');
  if (at == std::string_view::npos || at == 0 || at + 1 >= text.size() ||
      text.find_first_of(" \t<>,;") != std::string_view::npos) {
    const auto found = mime::first_address(raw);
    if (!found || *found == raw) return std::nullopt;
    return normalize_address(*found);
  }
  std::string out(text.substr(0, at + 1));
  out += util::to_lower(text.substr(at + 1));
  return out;
}

std::optional<std::string> non_empty(std::string value) {
  if (value.empty()) return std::nullopt;
  return value;
}

Kind kind_of(std::string_view action, Kind report_kind) {
  if (report_kind != Kind::kBounce) return report_kind;
  if (action == "delayed") return Kind::kDelay;
  if (action == "delivered") return Kind::kDelivered;
  if (action == "relayed") return Kind::kRelayed;
  if (action == "expanded") return Kind::kExpanded;
  return Kind::kBounce;
}

std::optional<int> first_reply_code(std::string_view text) {
  for (const FoundCode& code : find_codes(text)) {
    if (code.type == CodeType::kReply) return std::stoi(code.code);
  }
  return std::nullopt;
}

// The first failure status in the server's words; success codes in quoted transcripts
// ("250 2.1.0 Sender ok") are not the outcome.
std::string first_status(std::string_view text) {
  for (const FoundCode& code : find_codes(text)) {
    if (code.type == CodeType::kStatus && code.code[0] != '2') return code.code;
  }
  return {};
}

// Fields every record of one report shares.
Record base_record(std::string_view source, const report::Context& context, const report::Report& report,
                   const report::OriginalMessage& original) {
  const mime::Headers& headers = context.message.root().headers;
  Record r;
  r.source = std::string(source);
  r.decoder = report.decoder;
  r.reporting_mta = non_empty(report.reporting_mta);
  r.message_id = non_empty(std::string(util::trim(headers.get("Message-ID"))));
  r.original_message_id = non_empty(original.message_id);
  r.subject = non_empty(original.subject);
  r.timestamp = util::rfc5322_to_rfc3339(headers.get("Date"));
  r.sender = original.from.empty() ? std::nullopt : normalize_address(original.from);
  r.feedback_type = non_empty(report.feedback_type);
  return r;
}

void classify_into(const report::RecipientEvidence& e, Record& r) {
  const std::string status = e.status.empty() ? first_status(e.diagnostic) : e.status;
  const std::optional<int> reply = e.reply_code ? e.reply_code : first_reply_code(e.diagnostic);
  classify::Evidence evidence{status, reply, e.command, e.diagnostic, e.action, e.remote_mta, r.decoder,
                              e.format_reason};
  const classify::Classification c = classify::classify(evidence);
  r.reason = c.reason;
  r.hard_bounce = c.hard_bounce;
  r.side = c.side;
  r.blocklist = c.blocklist;
  r.status = non_empty(c.status);
  r.status_inferred = c.status_inferred;
  r.reply_code = reply;
}

// Reports that are not failures carry a fixed reason.
void set_fixed_reason(Record& r, Reason reason) {
  r.reason = reason;
  r.hard_bounce = false;
  r.side = Side::kNone;
}

Record make_record(const Record& base, const report::Report& report, const report::RecipientEvidence& e) {
  Record r = base;
  r.kind = kind_of(e.action, report.kind);
  r.recipient = normalize_address(e.recipient);
  r.original_recipient = e.original_recipient.empty() ? std::nullopt : normalize_address(e.original_recipient);
  r.action = non_empty(e.action);
  r.command = non_empty(e.command);
  r.diagnostic = non_empty(util::collapse_space(e.diagnostic));
  r.remote_mta = non_empty(e.remote_mta);
  r.remote_ip = non_empty(e.remote_ip);
  if (r.remote_ip.has_value() == false && !report.source_ip.empty()) r.remote_ip = report.source_ip;
  switch (r.kind) {
    case Kind::kFeedback: set_fixed_reason(r, Reason::kFeedback); break;
    case Kind::kAutoreply: set_fixed_reason(r, Reason::kVacation); break;
    case Kind::kDelivered:
    case Kind::kRelayed:
    case Kind::kExpanded:
      set_fixed_reason(r, Reason::kDelivered);
      r.status = non_empty(e.status);
      r.reply_code = e.reply_code ? e.reply_code : first_reply_code(e.diagnostic);
      break;
    default: classify_into(e, r); break;
  }
  explain::explain_record(r);
  return r;
}

// A report of its own kind when the message is an automatic reply: the replying address.
bool extract_auto_reply(const report::Context& context, report::Report& report) {
  if (!report::is_auto_reply(context)) return false;
  const auto address = mime::first_address(context.from);
  if (!address) return false;
  report.kind = Kind::kAutoreply;
  report.decoder = "rfc3834";
  report::RecipientEvidence r;
  r.recipient = *address;
  r.diagnostic = util::collapse_space(context.notice.substr(0, 400));
  report.recipients.push_back(std::move(r));
  return true;
}

bool extract_report(const report::Context& context, report::Report& report) {
  if (report::parse_feedback_report(context, report)) {
    report.decoder = "arf";
    return true;
  }
  if (context.delivery_status_part >= 0) {
    const mime::Part& part = context.message.parts[static_cast<size_t>(context.delivery_status_part)];
    report::parse_delivery_status(mime::decode_text(part), report);
  }
  if (formats::apply_formats(context, report)) return true;
  return extract_auto_reply(context, report);
}

}  // namespace

Decoder::Decoder(DecodeOptions options) : options_(options) {}

DecodeResult Decoder::decode(std::string_view message, std::string_view source) const {
  DecodeResult result;
  if (message.size() > options_.limits.max_message_bytes) {
    result.error = Error{ErrorCode::kTooLarge,
                         std::string(source) + ": message is " + std::to_string(message.size()) +
                             " bytes, over the limit of " + std::to_string(options_.limits.max_message_bytes) +
                             " bytes (raise it with --max-message-size)"};
    return result;
  }
  const mime::Message parsed = mime::parse_message(message, options_.limits);
  result.warnings = parsed.warnings;
  const report::Context context = report::make_context(parsed);
  report::Report report;
  if (!extract_report(context, report)) return result;

  result.is_report = true;
  const Record base = base_record(source, context, report, report::find_original_message(context));
  result.records.reserve(report.recipients.size());
  for (const report::RecipientEvidence& evidence : report.recipients) {
    result.records.push_back(make_record(base, report, evidence));
  }
  return result;
}

}  // namespace bounceback
