// The generic readers: an RFC 3464 report with no format of its own, and the plain-text notice
// of an MTA no specific format knows. They run after every specific format.
#include "formats/generic.h"

#include "bounceback/codes.h"
#include "formats/sections.h"
#include "formats/signals.h"
#include "formats/verp.h"
#include "util/text.h"

namespace bounceback::formats {
namespace {

void fill_from_block(const report::Context& context, const RecipientBlock& block, report::RecipientEvidence& r) {
  if (r.diagnostic.empty()) r.diagnostic = diagnostic_of(block.text);
  if (r.command.empty()) r.command = failed_command(context, block.text);
  if (r.remote_mta.empty() || r.remote_ip.empty()) {
    // Postfix's Remote-MTA field names the host alone; its notice adds the address:
    // "host mx3.qq.com[203.205.219.57] said: ...".
    const Host host = remote_host(block.text);
    if (r.remote_mta.empty()) r.remote_mta = host.name;
    if (r.remote_ip.empty() && util::iequals(host.name, r.remote_mta)) r.remote_ip = host.ip;
  }
}

// A notice that only words the failure has no reply to pick out: the paragraph that names the
// address says it all ("User's mailbox is full: <jane@example.com>\nUnable to deliver mail.",
// "宛先: taro@example.jp\n理由: メールボックスの容量がいっぱいです。").
std::string prose_diagnostic(std::string_view notice, std::string_view address) {
  if (!find_codes(notice).empty()) return diagnostic_of(notice);
  const size_t at = util::ifind(notice, address);
  if (at == std::string_view::npos) return util::collapse_space(first_paragraph(notice));
  size_t paragraph_start = 0;
  size_t pos = 0;
  std::string_view line;
  while (pos <= at && util::next_line(notice, pos, line)) {
    if (util::trim(line).empty()) paragraph_start = pos;
  }
  return util::collapse_space(first_paragraph(notice.substr(paragraph_start)));
}

report::RecipientEvidence* find_recipient(report::Report& report, std::string_view address) {
  for (report::RecipientEvidence& r : report.recipients) {
    if (util::iequals(r.recipient, address)) return &r;
  }
  return nullptr;
}

}  // namespace

bool claims_rfc3464(const report::Context& context) { return context.delivery_status_part >= 0; }

bool extract_rfc3464(const report::Context& context, report::Report& report) {
  if (report.recipients.empty()) return false;
  // The notice often holds the server's full words where the DSN part has none or a summary.
  for (const RecipientBlock& block : recipient_blocks(context.notice, OwnAddresses(context))) {
    if (report::RecipientEvidence* r = find_recipient(report, block.address)) fill_from_block(context, block, *r);
  }
  if (report.recipients.size() == 1) {
    report::RecipientEvidence& only = report.recipients.front();
    if (only.command.empty()) only.command = failed_command(context, context.notice);
  }
  return true;
}

bool claims_plain_text(const report::Context& context) { return looks_like_bounce(context); }

bool extract_plain_text(const report::Context& context, report::Report& report) {
  if (!report.recipients.empty()) return false;
  const OwnAddresses own(context);
  const std::vector<RecipientBlock> blocks = recipient_blocks(context.notice, own);
  const mime::FieldValues failed = context.message.root().headers.raw_all("X-Failed-Recipients");
  for (const RecipientBlock& block : blocks) {
    report::RecipientEvidence r;
    r.recipient = block.address;
    fill_from_block(context, block, r);
    report.recipients.push_back(std::move(r));
  }
  for (std::string_view value : failed) {
    for (const std::string& address : mime::find_addresses(value)) {
      if (find_recipient(report, address) != nullptr) continue;
      report::RecipientEvidence r;
      r.recipient = address;
      r.diagnostic = diagnostic_of(context.notice);
      report.recipients.push_back(std::move(r));
    }
  }
  if (report.recipients.empty()) {
    report::RecipientEvidence r;
    r.recipient = first_prose_recipient(context.notice, own);
    // A notice that names no one ("The user(s) account does not exist.") still came back to the
    // return path, which a VERP sender wrote the recipient into.
    if (r.recipient.empty()) r.recipient = verp_recipient(context);
    if (r.recipient.empty()) return false;
    r.diagnostic = prose_diagnostic(context.notice, r.recipient);
    r.command = failed_command(context, context.notice);
    const Host host = remote_host(context.notice);
    r.remote_mta = host.name;
    r.remote_ip = host.ip;
    report.recipients.push_back(std::move(r));
  }
  return true;
}

}  // namespace bounceback::formats
