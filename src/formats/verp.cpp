#include "formats/verp.h"

#include <algorithm>
#include <array>

#include "mime/message.h"
#include "util/text.h"

namespace bounceback::formats {
namespace {

bool is_host_name(std::string_view domain) {
  const bool host_chars = std::ranges::all_of(domain, [](char c) { return util::is_alnum(c) || c == '.' || c == '-'; });
  return host_chars && domain.find('.') != std::string_view::npos && domain.front() != '.' && domain.front() != '-' &&
         domain.back() != '.' && domain.back() != '-';
}

// RFC 5322 atext and the dot: what a mailbox written into a return path holds.
bool is_local_part(std::string_view local) {
  constexpr std::string_view kSigns = "!#$%&'*+-/=?^_`{|}~.";
  const bool atext = std::ranges::all_of(
      local, [&](char c) { return util::is_alnum(c) || kSigns.find(c) != std::string_view::npos; });
  return atext && !local.empty() && local.front() != '.' && local.back() != '.';
}

// Where the recipient's local part starts in the part before '=': after the first '+' (Mailman's
// "bounces+jane=example.net", Postfix's default VERP delimiters "+="), after ezmlm's
// "-return-NUMBER-" ("list-return-12-jane=example.net"), else after the prefix's '-'
// ("news-jane=example.net"); npos when there is no prefix.
size_t local_part_start(std::string_view head) {
  if (const size_t plus = head.find('+'); plus != std::string_view::npos) return plus + 1;
  constexpr std::string_view kEzmlmReturn = "-return-";
  if (const size_t ret = util::ifind(head, kEzmlmReturn); ret != std::string_view::npos) {
    size_t i = ret + kEzmlmReturn.size();
    const size_t digits = i;
    while (i < head.size() && util::is_digit(head[i])) ++i;
    if (i > digits && i < head.size() && head[i] == '-') return i + 1;
  }
  const size_t dash = head.find('-');
  return dash == std::string_view::npos ? dash : dash + 1;
}

// The address of one entry of an address list: "<a@b>", "Name <a@b>" or "a@b". Not
// mime::find_addresses, which reads "bounces+jane.doe=example.net@" as a "key.name=" property
// (Authentication-Results' "smtp.mailfrom=jane@example.org") and keeps only what follows the '='.
std::string_view entry_address(std::string_view entry) {
  const size_t open = entry.rfind('<');
  if (open != std::string_view::npos) {
    const size_t close = entry.find('>', open);
    return util::trim(entry.substr(open + 1, close == std::string_view::npos ? close : close - open - 1));
  }
  return util::trim(entry);
}

}  // namespace

std::string decode_verp(std::string_view address) {
  const size_t at = address.rfind('@');
  if (at == std::string_view::npos) return {};
  const std::string_view local = address.substr(0, at);
  const size_t equals = local.rfind('=');
  if (equals == std::string_view::npos) return {};
  const std::string_view domain = local.substr(equals + 1);
  const std::string_view head = local.substr(0, equals);
  const size_t start = local_part_start(head);
  const bool has_prefix = start != std::string_view::npos && start > 1;
  if (!has_prefix || !is_host_name(domain)) return {};
  const std::string_view mailbox = head.substr(start);
  if (!is_local_part(mailbox)) return {};
  std::string recipient(mailbox);
  recipient.push_back('@');
  recipient.append(domain);
  return recipient;
}

std::string verp_recipient(const report::Context& context) {
  // The envelope fields the receiving MTA wrote first: a To header may name the list, not the
  // return path (Mailman reads To, Delivered-To, Envelope-To and Apparently-To alike).
  static constexpr std::array<std::string_view, 4> kFields = {"X-Original-To", "Delivered-To", "Envelope-To", "To"};
  const mime::Headers& headers = context.message.root().headers;
  for (std::string_view name : kFields) {
    for (std::string_view value : headers.raw_all(name)) {
      for (size_t start = 0; start <= value.size();) {
        const size_t comma = std::min(value.find(',', start), value.size());
        std::string recipient = decode_verp(entry_address(value.substr(start, comma - start)));
        if (!recipient.empty()) return recipient;
        start = comma + 1;
      }
    }
  }
  return {};
}

}  // namespace bounceback::formats
