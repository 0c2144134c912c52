// The syslog frame: "Mar 10 09:12:44 mail1 postfix/smtp[123]: message", or with an RFC 3339 date
// ("2026-03-10T09:12:44.123456+01:00 mail1 ...") as rsyslog writes by default on newer systems.
#include "logs/fields.h"
#include "logs/log_line.h"
#include "util/text.h"

namespace bounceback::logs {
namespace {

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

}  // namespace

std::optional<SyslogLine> parse_syslog(std::string_view line) {
  SyslogLine out;
  std::optional<LogTime> time = parse_syslog_time(line);
  if (!time) time = parse_iso_time(line);
  if (!time) return std::nullopt;
  out.time = *time;
  out.host = next_word(line);
  out.program = program_of(next_word(line));
  if (out.host.empty() || out.program.empty()) return std::nullopt;
  out.message = util::trim(line);
  return out;
}

}  // namespace bounceback::logs
