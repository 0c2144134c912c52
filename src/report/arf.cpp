// RFC 5965 Abuse Reporting Format (feedback loops), and Microsoft's JMRP variant that carries
// the complained-about message without a feedback-report part.
#include "report/report.h"
#include "util/text.h"

namespace bounceback::report {
namespace {

// The recipient of the complained-about message, from the attached original when the report
// names none: To, or the X-HmXmrOriginalRecipient header of Microsoft JMRP reports.
std::string complained_recipient(const Context& context) {
  if (context.original_part < 0) return {};
  const mime::Part& original = context.message.parts[static_cast<size_t>(context.original_part)];
  const mime::Headers* headers = &original.headers;
  if (!original.children.empty()) {
    headers = &context.message.parts[static_cast<size_t>(original.children.front())].headers;
  }
  for (std::string_view name : {"X-HmXmrOriginalRecipient", "To", "Delivered-To"}) {
    if (const auto value = headers->raw(name)) {
      if (auto address = mime::first_address(*value)) return *address;
    }
  }
  return {};
}

}  // namespace

bool parse_feedback_report(const Context& context, Report& report) {
  if (context.feedback_report_part < 0) return false;
  const mime::Part& part = context.message.parts[static_cast<size_t>(context.feedback_report_part)];
  const std::string body = mime::decode_transfer(part.raw_body, part.transfer_encoding);
  const mime::HeaderBlock fields = mime::parse_header_block(body, body.size(), nullptr);

  report.kind = Kind::kFeedback;
  report.feedback_type = util::to_lower(fields.headers.get("Feedback-Type"));
  if (report.feedback_type.empty()) report.feedback_type = "other";
  report.source_ip = fields.headers.get("Source-IP");
  report.reporting_mta = std::string(field_text(fields.headers.get("Reporting-MTA")));
  report.arrival_date = fields.headers.get("Arrival-Date");

  std::vector<std::string_view> rcpts = fields.headers.raw_all("Original-Rcpt-To");
  for (std::string_view value : rcpts) {
    RecipientEvidence r;
    if (auto address = mime::first_address(value)) r.recipient = *address;
    if (!r.recipient.empty()) report.recipients.push_back(std::move(r));
  }
  if (report.recipients.empty()) {
    RecipientEvidence r;
    r.recipient = complained_recipient(context);
    if (r.recipient.empty()) {
      if (auto removal = mime::first_address(fields.headers.get("Removal-Recipient"))) r.recipient = *removal;
    }
    report.recipients.push_back(std::move(r));
  }
  return true;
}

}  // namespace bounceback::report
