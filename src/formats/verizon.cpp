// Verizon Wireless mail gateways, no RFC 3464 part. The SMS gateway (post_master@vtext.com):
//     Error: Invalid user address
//     Error message below:
//     550 - Requested action not taken: no such user here
//     Message details:
//       RCPT TO: 2025550123@vtext.com
// and the MMS gateway (sysadmin@...vzwpix.com):
//     Message could not be delivered to mobile.
//     Error: No valid recipients for this MM
//     Original Message:
//     To: 2025550123@vzwpix.com
#include <array>

#include "formats/families.h"
#include "formats/sections.h"
#include "formats/signals.h"
#include "mime/message.h"
#include "util/text.h"

namespace bounceback::formats {
namespace {

// The gateways' own "Error:" headline names the failure: the number is not a subscriber's.
constexpr std::array<StatedReason, 2> kGatewayErrors = {{
    {"Error: Invalid user address", Reason::kUserUnknown},         // SMS gateway
    {"Error: No valid recipients for this MM", Reason::kUserUnknown},  // MMS gateway
}};

bool read_sms_gateway(std::string_view notice, report::RecipientEvidence& r) {
  const std::optional<std::string_view> details = after_marker(notice, "Message details:");
  const std::optional<std::string_view> error = after_line_with(notice, "Error message below:");
  if (!details || !error) return false;
  const std::optional<std::string> address = mime::first_address(value_after(*details, "RCPT TO:"));
  if (!address) return false;
  r.recipient = *address;
  r.diagnostic = util::collapse_space(first_paragraph(*error));
  return true;
}

// "Message could not be delivered to mobile.\nError: ...\n\nOriginal Message:\nFrom: ...\nTo: <phone>@vzwpix.com":
// the phone is the copy's To, and the copy is split off the notice (report::make_context).
bool read_mms_gateway(const report::Context& context, report::RecipientEvidence& r) {
  if (!util::icontains(context.notice, "Message could not be delivered to mobile")) return false;
  const std::optional<std::string> address = mime::first_address(value_after(context.inline_original, "To:"));
  if (!address) return false;
  r.recipient = *address;
  r.diagnostic = std::string(value_after(context.notice, "Error:"));
  return true;
}

}  // namespace

// The gateways' notices have no wording of their own to be known by: their senders,
// post_master@vtext.com and sysadmin@...vzwpix.com, claim them (senders.def).
bool claims_verizon(const report::Context&) { return false; }

bool extract_verizon(const report::Context& context, report::Report& report) {
  if (!report.recipients.empty()) return false;
  report::RecipientEvidence r;
  if (!read_sms_gateway(context.notice, r) && !read_mms_gateway(context, r)) return false;
  r.action = "failed";
  r.format_reason = stated_reason(context.notice, kGatewayErrors);
  report.recipients.push_back(std::move(r));
  return true;
}

}  // namespace bounceback::formats
