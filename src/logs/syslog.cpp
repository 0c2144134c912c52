// The syslog frame: "Mar 10 09:12:44 mail1 postfix/smtp[123]: message", or with an RFC 3339 date
// ("2026-03-10T09:12:44.123456+01:00 mail1 ...") as rsyslog writes by default on newer systems,
// or RFC 5424 as central receivers (rsyslog, syslog-ng) write it to file:
// "<22>1 2026-03-10T09:12:44+01:00 mail1 postfix/smtp 123 - - message".
#include "logs/fields.h"
#include "logs/log_line.h"
#include "util/text.h"

namespace bounceback::logs {
namespace {

constexpr std::string_view kNil = "-";  // RFC 5424's NILVALUE
constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";

// "postfix/smtp[123]:" or "sendmail:" -> the program name; empty when the token is no tag.
std::string_view program_of(std::string_view tag) {
  if (tag.size() < 2 || tag.back() != ':') return {};
  tag.remove_suffix(1);
  if (tag.back() == ']') {
    const size_t open = tag.rfind('[');
    if (open == std::string_view::npos) return {};
    tag = tag.substr(0, open);
  }
  return tag;
}

// A logger that splits a long message writes the rest on a line of its own whose message starts
// with a blank: "postfix/smtp[3005]:  mailbox has been disabled (in reply to RCPT TO command))".
bool starts_with_blank(std::string_view text) { return !text.empty() && util::is_space(text.front()); }

// "<22>": the priority a receiver may keep in front of the line (one to three digits).
void skip_priority(std::string_view& text) {
  if (text.empty() || text.front() != '<') return;
  size_t close = 1;
  while (close < text.size() && close <= 3 && util::is_digit(text[close])) ++close;
  if (close > 1 && close < text.size() && text[close] == '>') text.remove_prefix(close + 1);
}

// RFC 5424's VERSION ("1") and the blank after it; false for any other frame.
bool skip_version(std::string_view& text) {
  size_t digits = 0;
  while (digits < text.size() && digits < 3 && util::is_digit(text[digits])) ++digits;
  if (digits == 0 || digits >= text.size() || text[digits] != ' ') return false;
  text.remove_prefix(digits + 1);
  return true;
}

// RFC 5424 STRUCTURED-DATA: "-" or elements such as [origin ip="192.0.2.1"], where a quoted
// value may escape '"', '\' and ']' with a backslash. False when an element is not closed.
bool skip_structured_data(std::string_view& text) {
  if (text.starts_with(kNil)) {
    text.remove_prefix(kNil.size());
    return true;
  }
  size_t at = 0;
  while (at < text.size() && text[at] == '[') {
    bool quoted = false;
    for (++at; at < text.size(); ++at) {
      if (quoted && text[at] == '\\') {
        ++at;
      } else if (text[at] == '"') {
        quoted = !quoted;
      } else if (!quoted && text[at] == ']') {
        break;
      }
    }
    if (at >= text.size()) return false;
    ++at;
  }
  if (at == 0) return false;
  text.remove_prefix(at);
  return true;
}

// After "<PRI>VERSION ": TIMESTAMP HOSTNAME APP-NAME PROCID MSGID STRUCTURED-DATA [MSG].
std::optional<SyslogLine> parse_rfc5424(std::string_view rest) {
  SyslogLine out;
  const std::optional<LogTime> time = parse_iso_time(rest);
  if (!time || !starts_with_blank(rest)) return std::nullopt;
  out.time = *time;
  const std::string_view host = next_word(rest);
  out.program = next_word(rest);
  const bool has_process_id = !next_word(rest).empty();  // "2107" or "-"
  const bool has_message_type = !next_word(rest).empty();
  if (!has_process_id || !has_message_type || out.program == kNil) return std::nullopt;
  out.host = host == kNil ? std::string_view() : host;
  if (!starts_with_blank(rest)) return std::nullopt;
  rest.remove_prefix(1);
  if (!skip_structured_data(rest)) return std::nullopt;
  if (!rest.empty() && !starts_with_blank(rest)) return std::nullopt;
  if (!rest.empty()) rest.remove_prefix(1);
  if (rest.starts_with(kByteOrderMark)) rest.remove_prefix(kByteOrderMark.size());
  out.continued = starts_with_blank(rest);
  out.message = util::trim(rest);
  return out;
}

}  // namespace

std::optional<SyslogLine> parse_syslog(std::string_view line) {
  skip_priority(line);
  if (std::string_view rest = line; skip_version(rest)) return parse_rfc5424(rest);
  SyslogLine out;
  std::optional<LogTime> time = parse_syslog_time(line);
  if (!time) time = parse_iso_time(line);
  if (!time) return std::nullopt;
  out.time = *time;
  out.host = next_word(line);
  out.program = program_of(next_word(line));
  if (out.host.empty() || out.program.empty()) return std::nullopt;
  // One blank separates the tag from the message; a second one marks a continuation.
  if (starts_with_blank(line)) line.remove_prefix(1);
  out.continued = starts_with_blank(line);
  out.message = util::trim(line);
  return out;
}

}  // namespace bounceback::logs
