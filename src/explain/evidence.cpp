#include "explain/evidence.h"

#include <algorithm>
#include <array>
#include <vector>

#include "classify/generated_automata.h"
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

// The phrases after which a diagnostic names the host it tried to reach (host_markers.def).
constexpr std::string_view kHostMarkers[] = {
#define BB_HOST_MARKER(marker) marker,
#include "explain/host_markers.def"
#undef BB_HOST_MARKER
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

// The host name (with its address when one follows) at `start`, or "" when there is none.
std::string host_at(std::string_view text, size_t start) {
  const std::string_view name = host_token_at(text, start);
  if (name.empty()) return {};
  const std::string_view ip = bracketed_ip_at(text, start + name.size());
  if (ip.empty() || ip == name) return std::string(name);
  return std::string(name) + " (" + std::string(ip) + ")";
}

// Compiled at build time (generated_automata.h), in the order of kHostMarkers.
const classify::PhraseMatcher& host_marker_matcher() {
  static const classify::PhraseMatcher matcher =
      classify::PhraseMatcher::from_tables(classify::host_marker_automaton_tables());
  return matcher;
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
  const std::vector<classify::PhraseMatcher::Match> found = host_marker_matcher().match(text);
  for (size_t marker = 0; marker < std::size(kHostMarkers); ++marker) {
    for (const classify::PhraseMatcher::Match& match : found) {
      if (match.index != marker) continue;
      std::string host = host_at(text, match.end);
      if (!host.empty()) return host;
    }
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
  return !util::has_control_or_blank_pair(value);
}

}  // namespace bounceback::explain
