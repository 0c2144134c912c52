// The decode pipeline: message parser -> report extractors -> classifier -> explainer.
#include "bounceback/decoder.h"

#include <algorithm>
#include <iterator>
#include <span>
#include <utility>

#include "formats/format.h"
#include "formats/lists.h"
#include "formats/signals.h"
#include "mime/message.h"
#include "pipeline/record_builder.h"
#include "report/report.h"
#include "util/date.h"
#include "util/text.h"
#include "webhook/webhook.h"

namespace bounceback {
namespace {

using pipeline::complete_record;
using pipeline::non_empty;
using pipeline::take_normalized_address;

// What Headers::get gives for the raw value, without a copy when the value is plain; `decoded`
// holds it otherwise.
std::string_view header_text(std::optional<std::string_view> raw, std::string& decoded) {
  return raw ? mime::decode_header_value(*raw, decoded) : std::string_view();
}

// Fields every record of one report shares, into a record as default-constructed. The report's
// own strings are taken over: complete_record reads only its kind and source address.
void fill_base_record(Record& r, std::string_view source, const report::Context& context, report::Report& report,
                      report::OriginalMessage original) {
  r.source = std::string(source);
  r.decoder = std::move(report.decoder);
  r.reporting_mta = non_empty(std::move(report.reporting_mta));
  std::string decoded;
  r.message_id = non_empty(std::string(header_text(context.message_id_field, decoded)));
  r.original_message_id = non_empty(std::move(original.message_id));
  if (original.subject.empty()) original.subject = std::move(report.quoted_subject);
  if (original.from.empty()) original.from = std::move(report.quoted_sender);
  r.subject = non_empty(std::move(original.subject));
  r.timestamp = util::rfc5322_to_rfc3339(header_text(context.date_field, decoded));
  r.sender = original.from.empty() ? std::nullopt : take_normalized_address(std::move(original.from));
  r.feedback_type = non_empty(std::move(report.feedback_type));
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

bool extract_report(const report::Context& context, formats::ListNotice list_notice, report::Report& report) {
  if (report::parse_feedback_report(context, report)) {
    report.decoder = "arf";
    return true;
  }
  // A list manager's notice is no report of its own, and its only addresses are the list's and the
  // site administrator's: the bounce it attaches, if any, is the report (decode_message opens it).
  if (list_notice == formats::ListNotice::kOwnerNotice) return false;
  if (context.delivery_status_part >= 0) {
    const mime::Part& part = context.message.parts[static_cast<size_t>(context.delivery_status_part)];
    std::string storage;
    report::parse_delivery_status(mime::text_view(part, storage), report);
  } else if (formats::looks_like_bounce(context)) {
    report::parse_inline_delivery_status(context.notice, report);
  }
  if (list_notice == formats::ListNotice::kRefusedPost) return formats::extract_refused_post(context, report);
  if (formats::apply_formats(context, report)) return true;
  return extract_auto_reply(context, report);
}

// The returned headers' X-Original-To (Postfix: "X-Original-To: info@example.org" above
// "Delivered-To: u1043@mbox.example.org") names the address the sender used when the report names
// none: the one a suppression list must hold. Only for a report of one recipient, since the header
// tells of one delivery.
void adopt_x_original_to(std::vector<report::RecipientEvidence>& recipients, report::OriginalMessage& original) {
  if (recipients.size() != 1 || !recipients.front().original_recipient.empty()) return;
  recipients.front().original_recipient = std::move(original.x_original_to);
}

// A relay that could not deliver a bounce sends its own notice with the whole bounce attached
// (message/rfc822 holding a multipart/report): the attached report is the evidence. So is the
// message a list manager's owner notice attaches, in whatever form: it took it for a bounce.
std::optional<std::string_view> wrapped_report(const report::Context& context, formats::ListNotice list_notice) {
  const bool owner_notice = list_notice == formats::ListNotice::kOwnerNotice;
  if (context.original_part < 0 || !(owner_notice || formats::looks_like_bounce(context))) return std::nullopt;
  const mime::Part& part = context.message.parts[static_cast<size_t>(context.original_part)];
  if (!part.is_embedded_message() || part.children.empty()) return std::nullopt;
  const mime::Part& inner = context.message.parts[static_cast<size_t>(part.children.front())];
  if (!owner_notice && !inner.content_type.is("multipart", "report")) return std::nullopt;
  return part.raw_body;
}

// Classic Mac OS and some gateways end lines with a CR alone; every layer after the MIME parser
// reads lines ending in LF, so such a message is read as a copy with LF line ends.
bool ends_lines_with_bare_cr(std::string_view message) {
  // The first line end tells. (find_first_of("\r\n") calls memchr once per byte of the line.)
  const auto end = std::find_if(message.begin(), message.end(), [](char c) { return c == '\r' || c == '\n'; });
  return end != message.end() && *end == '\r' && (end + 1 == message.end() || end[1] != '\n');
}

std::string bare_cr_to_lf(std::string_view message) {
  std::string out(message);
  for (size_t i = 0; i < out.size(); ++i) {
    if (out[i] == '\r' && (i + 1 == out.size() || out[i + 1] != '\n')) out[i] = '\n';
  }
  return out;
}

// Text parts in a charset only ICU decodes, when ICU cannot be loaded: their wording is then lost
// to the classifier, which the user must hear of.
void warn_of_undecodable_text(const mime::Message& message, std::vector<std::string>& warnings) {
  for (const mime::Part& part : message.parts) {
    if (std::string_view(part.content_type.type) != "text") continue;
    if (std::optional<std::string> why = mime::charset_unavailable(part.content_type.param("charset"))) {
      warnings.push_back(std::move(*why));
    }
  }
}

// The parser's warnings are the result's: moved, not copied (a wrapped report adds to its outer
// report's).
void take_warnings(std::vector<std::string>& from, std::vector<std::string>& to) {
  if (to.empty()) {
    to = std::move(from);
  } else {
    to.insert(to.end(), std::make_move_iterator(from.begin()), std::make_move_iterator(from.end()));
  }
}

// How many bounces wrapped in bounces are opened, at most.
constexpr int kMaxWrappedReports = 1;

void decode_message(std::string_view message, std::string_view source, const Limits& limits, int unwrap,
                    DecodeResult& result) {
  mime::MessageArena arena;
  mime::Message parsed = mime::parse_message(message, limits, mime::EmbeddedBodies::kHeadersOnly, arena);
  take_warnings(parsed.warnings, result.warnings);
  warn_of_undecodable_text(parsed, result.warnings);
  report::Context context = report::make_context(parsed);
  context.claim_phrases = formats::find_claim_phrases(context.notice);
  report::Report report;
  const formats::ListNotice list_notice = formats::list_notice(context);
  if (!extract_report(context, list_notice, report)) {
    const std::optional<std::string_view> wrapped = wrapped_report(context, list_notice);
    if (wrapped && unwrap > 0) decode_message(*wrapped, source, limits, unwrap - 1, result);
    return;
  }
  result.is_report = true;
  std::vector<report::RecipientEvidence>& recipients = report.recipients;
  if (recipients.empty()) return;
  // The shared fields are written where the last record is kept and copied to the others: a
  // report's one record (most have one) is built in place, never moved.
  const size_t first = result.records.size();
  result.records.resize(first + recipients.size());
  const std::span<Record> records(result.records.data() + first, recipients.size());
  report::OriginalMessage original = report::find_original_message(context, report::OriginalTo::kSkip);
  adopt_x_original_to(recipients, original);
  fill_base_record(records.back(), source, context, report, std::move(original));
  for (size_t i = 0; i + 1 < records.size(); ++i) records[i] = records.back();
  // Each recipient's evidence is used once: its strings move into the record (complete_record
  // reads only the report's kind and source address besides).
  for (size_t i = 0; i < records.size(); ++i) complete_record(records[i], report, std::move(recipients[i]));
}

}  // namespace

Decoder::Decoder(const DecodeOptions& options) : options_(options) {}

DecodeResult Decoder::decode(std::string_view message, std::string_view source) const {
  DecodeResult result;
  if (message.size() > options_.limits.max_message_bytes) {
    result.error = Error{ErrorCode::kTooLarge,
                         "message is " + std::to_string(message.size()) +
                             " bytes, over the limit of " + std::to_string(options_.limits.max_message_bytes) +
                             " bytes (raise it with --max-message-size)"};
    return result;
  }
  // Events a sending service posts to a webhook arrive as JSON, which no mail message starts with.
  if (webhook::looks_like_json(message)) return webhook::decode(message, source);
  if (ends_lines_with_bare_cr(message)) {
    decode_message(bare_cr_to_lf(message), source, options_.limits, kMaxWrappedReports, result);
  } else {
    decode_message(message, source, options_.limits, kMaxWrappedReports, result);
  }
  return result;
}

}  // namespace bounceback
