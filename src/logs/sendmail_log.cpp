// Sendmail: "sendmail[pid]: QID: to=<a@b>, delay=..., mailer=esmtp, relay=mx. [ip], dsn=5.1.1,
// stat=User unknown" per attempt, and "QID: from=<s>, size=..., msgid=<...>" per message.
#include <array>

#include "logs/fields.h"
#include "logs/log_line.h"
#include "util/text.h"

namespace bounceback::logs {
namespace {

constexpr std::string_view kDecoder = "sendmail-log";

// Debian runs the daemon as "sm-mta" and the submission queue as "sm-msp-queue".
bool is_sendmail_program(std::string_view program) {
  static constexpr std::array<std::string_view, 3> kPrograms = {"sendmail", "sm-mta", "sm-msp-queue"};
  for (const std::string_view name : kPrograms) {
    if (program == name) return true;
  }
  return false;
}

// The stat= text runs to the end of the line and may contain ", ".
std::string_view stat_text(std::string_view rest) {
  constexpr std::string_view kKey = "stat=";
  for (size_t pos = rest.find(kKey); pos != std::string_view::npos; pos = rest.find(kKey, pos + 1)) {
    if (pos > 0 && (rest[pos - 1] == ' ' || rest[pos - 1] == ',')) return util::trim(rest.substr(pos + kKey.size()));
  }
  return {};
}

// The DSN class decides when present; otherwise the stat wording: "Sent (...)", "Deferred: ...".
std::optional<Outcome> outcome_of(std::string_view dsn, std::string_view stat) {
  if (util::istarts_with(stat, "queued")) return std::nullopt;  // accepted for a later queue run
  if (!dsn.empty() && dsn.front() == '2') return Outcome::kDelivered;
  if (!dsn.empty() && dsn.front() == '4') return Outcome::kDelayed;
  if (!dsn.empty() && dsn.front() == '5') return Outcome::kFailed;
  if (util::istarts_with(stat, "Sent")) return Outcome::kDelivered;
  if (util::istarts_with(stat, "Deferred")) return Outcome::kDelayed;
  return Outcome::kFailed;
}

void parse_delivery(std::string_view rest, LogLine& out) {
  const std::string_view stat = stat_text(rest);
  const std::string_view fields = rest.substr(0, rest.size() - stat.size());
  out.recipients = find_field(fields, "to", FieldEnd::kComma).value;
  if (stat.empty() || out.recipients.empty()) {
    out.type = LogLine::Type::kMalformed;
    out.problem =
        stat.empty() ? "a sendmail delivery line without stat=" : "a sendmail delivery line without a recipient";
    return;
  }
  out.status = find_field(fields, "dsn", FieldEnd::kComma).value;
  const std::optional<Outcome> outcome = outcome_of(out.status, stat);
  if (!outcome) return;
  out.type = LogLine::Type::kDelivery;
  out.outcome = *outcome;
  // Sendmail 8.15 adds the server's reply: "reply=550 5.1.1 <a@b>... User unknown".
  const Field reply = find_field(fields, "reply", FieldEnd::kComma);
  out.diagnostic = reply.found ? reply.value : stat;
  const Relay relay = parse_relay(find_field(fields, "relay", FieldEnd::kComma).value);
  if (!util::iequals(relay.host, "local")) out.remote_mta = relay.host;
  out.remote_ip = relay.ip;
}

}  // namespace

bool parse_sendmail(const SyslogLine& line, LogLine& out) {
  if (!is_sendmail_program(line.program)) return false;
  out.decoder = kDecoder;
  const size_t colon = line.message.find(':');
  if (colon == std::string_view::npos) return true;
  const std::string_view queue_id = line.message.substr(0, colon);
  if (!looks_like_queue_id(queue_id)) return true;
  out.queue_id = queue_id;
  const std::string_view rest = util::trim(line.message.substr(colon + 1));
  if (util::istarts_with(rest, "to=")) {
    parse_delivery(rest, out);
  } else if (util::istarts_with(rest, "from=")) {
    out.type = LogLine::Type::kMessageInfo;
    out.sender = find_field(rest, "from", FieldEnd::kComma).value;
    out.message_id = find_field(rest, "msgid", FieldEnd::kComma).value;
  }
  return true;
}

}  // namespace bounceback::logs
