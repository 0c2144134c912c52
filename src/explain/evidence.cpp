#include "explain/evidence.h"

#include <algorithm>
#include <array>

#include "util/text.h"

namespace bounceback::explain {
namespace {

using util::is_alnum;
using util::is_alpha;
using util::is_digit;

constexpr size_t kMaxValueBytes = 256;
constexpr size_t kMaxHostBytes = 253;  // RFC 1035
constexpr size_t kMaxNumberDigits = 6;
constexpr size_t kMaxBracketedIpBytes = 64;  // "[IPv6:" + 45 characters + "]"

// Phrases after which a diagnostic names the host it tried to reach. The first phrase (in this
// order) followed by a valid host name wins.
constexpr std::array<std::string_view, 11> kHostMarkers = {
    // Postfix: "connect to mx.example.com[192.0.2.1]:25: Connection timed out"
    "connect to ",
    // qmail: "unable to connect to remote server [192.0.2.222:25]: Operation timed out"
    "remote server [",
    // Oracle Messaging Server: "Failed connect() to TCP port 25 of 192.0.2.240"
    "port 25 of ",
    // Postfix: "conversation with mx.example.com[192.0.2.1] timed out while receiving ..."
    "conversation with ",
    // Postfix: "lost connection with mx.example.com[192.0.2.1] while sending RCPT TO"
    "connection with ",
    // Postfix: "host mx.example.com[192.0.2.1] said: 421 4.4.2 Timeout"
    "host ",
    // Gmail: "DNS type 'mx' lookup of example.jp responded with code NXDOMAIN"
    "lookup of ",
    // Postfix: "Name service error for name=example.org type=MX: Host not found, try again"
    "name=",
    // sendmail: "Deferred: Connection timed out during user open with example.com"
    "open with ",
    // Lotus Domino: "Error transferring to neko22.example.org; Maximum hop count exceeded"
    "transferring to ",
    // Exim: "all hosts for 'example.com' have been failing for a long time"
    "hosts for '",
};

constexpr std::array<std::string_view, 4> kDurationUnits = {"minute", "hour", "day", "week"};

bool is_host_char(char c) { return is_alnum(c) || c == '.' || c == '-' || c == '_'; }
bool is_ip_char(char c) {
  const char lower = util::ascii_lower(c);
  return is_digit(c) || c == '.' || c == ':' || (lower >= 'a' && lower <= 'f');
}
bool is_control(char c) {
  const auto byte = static_cast<unsigned char>(c);
  return byte < 0x20 || byte == 0x7f;
}
bool is_utf8_continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

// Shortens `text` to at most `max_bytes` without splitting a UTF-8 character.
void cut_on_char_boundary(std::string& text, size_t max_bytes) {
  if (text.size() <= max_bytes) return;
  size_t cut = max_bytes;
  while (cut > 0 && is_utf8_continuation(text[cut])) --cut;
  text.resize(cut);
}

// A host name or IPv4 address starting at `pos`, or "" when there is none.
std::string_view host_token_at(std::string_view text, size_t pos) {
  size_t end = pos;
  while (end < text.size() && end - pos <= kMaxHostBytes && is_host_char(text[end])) ++end;
  while (end > pos && text[end - 1] == '.') --end;  // the full stop after "example.com."
  const std::string_view token = text.substr(pos, end - pos);
  const bool valid = !token.empty() && token.size() <= kMaxHostBytes && is_alnum(token.front()) &&
                     token.find('.') != std::string_view::npos;
  return valid ? token : std::string_view{};
}

// The address in "[192.0.2.1]" or "[IPv6:2001:db8::1]" right after a host name, or "".
std::string_view bracketed_ip_at(std::string_view text, size_t pos) {
  if (pos >= text.size() || text[pos] != '[') return {};
  // Bounded, so that a text of many "[" without "]" stays linear.
  const size_t close = text.substr(pos, kMaxBracketedIpBytes).find(']');
  if (close == std::string_view::npos) return {};
  std::string_view ip = text.substr(pos + 1, close - 1);
  if (util::istarts_with(ip, "IPv6:")) ip.remove_prefix(5);
  for (char c : ip) {
    if (!is_ip_char(c)) return {};
  }
  return ip;
}

std::string host_after(std::string_view text, std::string_view marker) {
  for (size_t at = util::ifind(text, marker); at != std::string_view::npos;
       at = util::ifind(text, marker, at + 1)) {
    const size_t start = at + marker.size();
    const std::string_view name = host_token_at(text, start);
    if (name.empty()) continue;
    const std::string_view ip = bracketed_ip_at(text, start + name.size());
    if (ip.empty() || ip == name) return std::string(name);
    return std::string(name) + " (" + std::string(ip) + ")";
  }
  return {};
}

// The unit word at `pos` ("hours", "day"), singular, or "".
std::string_view duration_unit_at(std::string_view text, size_t pos) {
  for (std::string_view unit : kDurationUnits) {
    if (!util::istarts_with(text.substr(pos), unit)) continue;
    size_t end = pos + unit.size();
    if (end < text.size() && util::ascii_lower(text[end]) == 's') ++end;
    if (end < text.size() && is_alpha(text[end])) return {};
    return unit;
  }
  return {};
}

size_t skip_blanks(std::string_view text, size_t pos) {
  while (pos < text.size() && text[pos] == ' ') ++pos;
  return pos;
}

}  // namespace

std::string_view domain_of(std::string_view address) {
  const size_t at = address.rfind('@');
  return at == std::string_view::npos ? std::string_view{} : address.substr(at + 1);
}

std::string_view leading_host(std::string_view value) {
  const std::string_view trimmed = util::trim(value);
  const std::string_view host = host_token_at(trimmed, 0);
  return host.empty() ? trimmed : host;
}

std::string find_host(std::string_view text) {
  for (std::string_view marker : kHostMarkers) {
    std::string host = host_after(text, marker);
    if (!host.empty()) return host;
  }
  return {};
}

// Matches "unable to deliver in 840 minutes" (Amazon SES), "could not be delivered for 8 hours"
// (sendmail), "kept in the queue for up to 7 days" (OpenSMTPD), "retry for 47 more hours" (Gmail).
std::string find_duration(std::string_view text) {
  size_t pos = 0;
  while (pos < text.size()) {
    if (!is_digit(text[pos]) || (pos > 0 && (is_alnum(text[pos - 1]) || text[pos - 1] == '.'))) {
      ++pos;
      continue;
    }
    const size_t start = pos;
    while (pos < text.size() && (is_digit(text[pos]) || text[pos] == '.')) ++pos;
    const std::string_view number = text.substr(start, pos - start);
    if (number.size() > kMaxNumberDigits || number.back() == '.') continue;
    size_t unit_at = skip_blanks(text, pos);
    if (unit_at == pos) continue;
    if (util::istarts_with(text.substr(unit_at), "more ")) unit_at = skip_blanks(text, unit_at + 5);
    const std::string_view unit = duration_unit_at(text, unit_at);
    if (unit.empty()) continue;
    const bool singular = number == "1";
    return std::string(number) + " " + std::string(unit) + (singular ? "" : "s");
  }
  return {};
}

std::string sentence_value(std::string_view value) {
  // Work on a bounded prefix: a 1 MB "address" is cut anyway.
  const size_t bound = kMaxValueBytes * 4;
  std::string printable(value.substr(0, bound + 1));
  cut_on_char_boundary(printable, bound);
  for (char& c : printable) {
    if (is_control(c)) c = ' ';
  }
  std::string out = util::collapse_space(printable);
  cut_on_char_boundary(out, kMaxValueBytes);
  return std::string(util::trim(out));
}

bool fits_a_sentence(std::string_view value) {
  if (value.size() > kMaxValueBytes) return false;
  if (!value.empty() && (value.front() == ' ' || value.back() == ' ')) return false;
  return std::none_of(value.begin(), value.end(), is_control) &&
         value.find("  ") == std::string_view::npos;
}

}  // namespace bounceback::explain
