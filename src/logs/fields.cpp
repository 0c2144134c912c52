// Field scanning shared by the MTA log parsers.
#include "logs/fields.h"

#include <array>

#include "util/text.h"

namespace bounceback::logs {
namespace {

bool starts_field(std::string_view fields, size_t pos) {
  if (pos == 0) return true;
  const char before = fields[pos - 1];
  return before == ' ' || before == '\t' || before == ',';
}

// Angle-bracket values end at a '>' that ends the field; Sendmail lists several addresses in one
// field: "to=<a@example.com>,<b@example.com>, delay=...".
std::string_view angle_value(std::string_view rest) {
  for (size_t close = rest.find('>'); close != std::string_view::npos; close = rest.find('>', close + 1)) {
    const std::string_view after = rest.substr(close + 1);
    const bool ends_field = after.empty() || util::is_space(after.front()) ||
                            (after.front() == ',' && (after.size() == 1 || util::is_space(after[1])));
    if (ends_field) return rest.substr(1, close - 1);
  }
  return rest.substr(1);
}

std::string_view unquoted_value(std::string_view rest, FieldEnd end) {
  size_t stop = 0;
  while (stop < rest.size()) {
    const char c = rest[stop];
    if (end == FieldEnd::kSpace && util::is_space(c)) break;
    if (end == FieldEnd::kComma && c == ',' && (stop + 1 == rest.size() || util::is_space(rest[stop + 1]))) break;
    ++stop;
  }
  return util::trim(rest.substr(0, stop));
}

bool is_ip_char(char c) {
  return util::is_digit(c) || c == '.' || c == ':' || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// "192.0.2.1", "2001:db8::1", "IPv6:2001:db8::1" (Sendmail); empty for anything else, such as
// Postfix's "private/dovecot-lmtp" socket names.
std::string_view as_ip(std::string_view text) {
  text = util::trim(text);
  if (util::istarts_with(text, "IPv6:")) text.remove_prefix(5);
  if (text.empty() || text.find_first_of(".:") == std::string_view::npos) return {};
  for (const char c : text) {
    if (!is_ip_char(c)) return {};
  }
  return text;
}

std::string_view host_name(std::string_view text) {
  text = util::trim(text);
  // Sendmail writes the fully qualified name with its root dot: "mx.example.com."
  while (!text.empty() && text.back() == '.') text.remove_suffix(1);
  return text;
}

}  // namespace

Field find_field(std::string_view fields, std::string_view key, FieldEnd end) {
  for (size_t pos = fields.find(key); pos != std::string_view::npos; pos = fields.find(key, pos + 1)) {
    const size_t equals = pos + key.size();
    if (!starts_field(fields, pos) || equals >= fields.size() || fields[equals] != '=') continue;
    const std::string_view rest = fields.substr(equals + 1);
    if (!rest.empty() && rest.front() == '"') {
      const size_t close = rest.find('"', 1);
      return {true, close == std::string_view::npos ? rest.substr(1) : rest.substr(1, close - 1)};
    }
    if (!rest.empty() && rest.front() == '<') return {true, angle_value(rest)};
    return {true, unquoted_value(rest, end)};
  }
  return {};
}

Relay parse_relay(std::string_view text) {
  text = util::trim(text);
  for (const auto& [open, close] : std::array<std::pair<char, char>, 2>{{{'[', ']'}, {'(', ')'}}}) {
    const size_t start = text.find(open);
    if (start == std::string_view::npos) continue;
    const size_t stop = text.find(close, start + 1);
    if (stop == std::string_view::npos) continue;
    return {host_name(text.substr(0, start)), as_ip(text.substr(start + 1, stop - start - 1))};
  }
  if (!as_ip(text).empty()) return {{}, as_ip(text)};
  return {host_name(text), {}};
}

std::string_view command_in(std::string_view diagnostic) {
  struct Phrase {
    std::string_view words;
    std::string_view command;
  };
  // Postfix: "... (in reply to RCPT TO command)"; Exim: "SMTP error from remote mail server after
  // RCPT TO:<jane@example.com>: 550 ..." and "... after pipelined end of data: 554 ...".
  static constexpr std::array<Phrase, 16> kPhrases = {{
      {"in reply to RCPT TO command", "RCPT"},
      {"in reply to end of DATA command", "DATA"},
      {"in reply to DATA command", "DATA"},
      {"in reply to MAIL FROM command", "MAIL"},
      {"in reply to EHLO command", "EHLO"},
      {"in reply to HELO command", "HELO"},
      {"in reply to STARTTLS command", "STARTTLS"},
      {"in reply to AUTH command", "AUTH"},
      {"after RCPT TO", "RCPT"},
      {"after pipelined RCPT TO", "RCPT"},
      {"after MAIL FROM", "MAIL"},
      {"after pipelined MAIL FROM", "MAIL"},
      {"after end of data", "DATA"},
      {"after pipelined end of data", "DATA"},
      {"after DATA", "DATA"},
      {"after EHLO", "EHLO"},
  }};
  for (const Phrase& phrase : kPhrases) {
    if (util::icontains(diagnostic, phrase.words)) return phrase.command;
  }
  return {};
}

std::string_view next_word(std::string_view& text) {
  text = util::trim(text);
  size_t end = 0;
  while (end < text.size() && !util::is_space(text[end])) ++end;
  const std::string_view word = text.substr(0, end);
  text.remove_prefix(end);
  return word;
}

bool looks_like_queue_id(std::string_view text) {
  if (text.size() < 5 || text.size() > 40) return false;
  for (const char c : text) {
    if (!util::is_alnum(c) && c != '-') return false;
  }
  return true;
}

}  // namespace bounceback::logs
