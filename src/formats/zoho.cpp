// Zoho Mail (mailer-daemon@mail.zoho.com, X-ZohoMail), Exim-like wording without an RFC 3464
// part; one line per recipient with Zoho's labels around the server's reply:
//     jane@example.com Invalid Address, ERROR_CODE :550, ERROR_CODE :5.1.1 <jane@example.com>... User Unknown
// or
//     [Status: Error, Address: <jane@example.com>, ResponseCode 421, , Host not reachable.]
#include "formats/families.h"
#include "formats/sections.h"
#include "formats/signals.h"
#include "mime/message.h"
#include "util/text.h"

namespace bounceback::formats {
namespace {

constexpr std::string_view kErrorCodeLabel = "ERROR_CODE :";
constexpr std::string_view kStatusLine = "[Status:";

// The server's reply in Zoho's labelled fields, "Invalid Address, ERROR_CODE :550, ERROR_CODE
// :5.1.1 <...>... User Unknown" -> "550 5.1.1 <...>... User Unknown"; Zoho's own summary before
// the first label is dropped.
std::string labelled_reply(std::string_view words) {
  std::string out;
  size_t at = util::ifind(words, kErrorCodeLabel);
  while (at != std::string_view::npos) {
    const size_t from = at + kErrorCodeLabel.size();
    at = util::ifind(words, kErrorCodeLabel, from);
    std::string_view field = util::trim(words.substr(from, at == std::string_view::npos ? at : at - from));
    if (field.ends_with(',')) field.remove_suffix(1);
    out.append(field);
    out.push_back(' ');
  }
  return util::collapse_space(out);
}

// "jane@example.com Invalid Address, ..." or "[Status: Error, Address: <jane@example.com>, ...]".
bool read_line(std::string_view line, report::RecipientEvidence& r) {
  const std::string_view text = util::trim(line);
  if (text.starts_with(kStatusLine)) {
    const std::optional<std::string> address = mime::first_address(value_after(text, "Address:"));
    if (!address) return false;
    r.recipient = *address;
    r.diagnostic = util::collapse_space(text);
    return true;
  }
  if (!util::icontains(text, kErrorCodeLabel)) return false;
  const size_t space = text.find(' ');
  const std::string_view address = text.substr(0, space);
  if (space == std::string_view::npos || address.find('@') == std::string_view::npos) return false;
  r.recipient = std::string(address);
  r.diagnostic = labelled_reply(text.substr(space + 1));
  return true;
}

}  // namespace

bool claims_zoho(const report::Context& context) {
  // mailer-daemon@mail.zoho.com claims it too (senders.def).
  return context.message.root().headers.has("X-ZohoMail");
}

bool extract_zoho(const report::Context& context, report::Report& report) {
  if (!report.recipients.empty()) return false;
  size_t pos = 0;
  std::string_view line;
  while (util::next_line(context.notice, pos, line)) {
    report::RecipientEvidence r;
    if (!read_line(line, r)) continue;
    r.action = "failed";
    report.recipients.push_back(std::move(r));
  }
  return !report.recipients.empty();
}

}  // namespace bounceback::formats
