// RFC 5965 Abuse Reporting Format (feedback loops), and Microsoft's JMRP variant that carries
// the complained-about message without a feedback-report part.
#include "report/report.h"
#include "util/text.h"

namespace bounceback::report {
namespace {

std::string recipient_in(const mime::Headers& headers) {
  for (std::string_view name : {"X-HmXmrOriginalRecipient", "To", "Delivered-To"}) {
    if (const auto value = headers.raw(name)) {
      if (auto address = mime::first_address(*value)) return *address;
    }
  }
  return {};
}

// The recipient of the complained-about message, from the attached original when the report
// names none: To, or the X-HmXmrOriginalRecipient header of Microsoft JMRP reports. A message/rfc822
// original has its headers parsed already; a text/rfc822-headers one holds them as its text.
std::string complained_recipient(const Context& context) {
  if (context.original_part < 0) return {};
  const mime::Part& original = context.message.parts[static_cast<size_t>(context.original_part)];
  if (!original.children.empty()) {
    return recipient_in(context.message.parts[static_cast<size_t>(original.children.front())].headers);
  }
  std::string decoded;
  const std::string_view text = mime::transfer_decoded_body(original, decoded);
  return recipient_in(mime::parse_header_block(text, text.size(), nullptr).headers);
}


// Microsoft's Junk Mail Reporting Program (Outlook.com/Hotmail) sends the complained-about message
// as message/rfc822 without a feedback-report part: From staff@hotmail.com, Subject "complaint
// about message from 192.0.2.1", the original carrying X-HmXmrOriginalRecipient.
bool is_jmrp_report(const Context& context) {
  if (context.original_part < 0) return false;
  if (!util::istarts_with(util::trim(context.subject), "complaint about message from")) return false;
  const mime::Part& original = context.message.parts[static_cast<size_t>(context.original_part)];
  if (original.children.empty()) return false;
  return context.message.parts[static_cast<size_t>(original.children.front())].headers.has("X-HmXmrOriginalRecipient");
}

// The IP address a JMRP subject names: "complaint about message from 192.0.2.222".
std::string jmrp_source_ip(std::string_view subject) {
  const size_t from = util::ifind(subject, "from ");
  return from == std::string_view::npos ? std::string() : std::string(util::trim(subject.substr(from + 5)));
}

bool parse_jmrp_report(const Context& context, Report& report) {
  if (!is_jmrp_report(context)) return false;
  report.kind = Kind::kFeedback;
  report.feedback_type = "abuse";
  report.source_ip = jmrp_source_ip(context.subject);
  RecipientEvidence r;
  r.recipient = complained_recipient(context);
  report.recipients.push_back(std::move(r));
  return true;
}

}  // namespace

bool parse_feedback_report(const Context& context, Report& report) {
  if (context.feedback_report_part < 0) return parse_jmrp_report(context, report);
  const mime::Part& part = context.message.parts[static_cast<size_t>(context.feedback_report_part)];
  const std::string body = mime::decode_transfer(part.raw_body, part.transfer_encoding);
  const mime::HeaderBlock fields = mime::parse_header_block(body, body.size(), nullptr);

  report.kind = Kind::kFeedback;
  report.feedback_type = util::to_lower(fields.headers.get("Feedback-Type"));
  if (report.feedback_type.empty()) report.feedback_type = "other";
  report.source_ip = fields.headers.get("Source-IP");
  report.reporting_mta = std::string(field_text(fields.headers.get("Reporting-MTA")));
  report.arrival_date = fields.headers.get("Arrival-Date");

  for (std::string_view value : fields.headers.raw_all("Original-Rcpt-To")) {
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
