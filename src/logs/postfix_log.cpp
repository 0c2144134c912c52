// Postfix: the delivery agents (smtp, lmtp, local, virtual, error, pipe) log one line per recipient
// and attempt; qmgr and cleanup log the sender and Message-ID under the same queue id.
#include <array>

#include "logs/fields.h"
#include "logs/log_line.h"
#include "util/text.h"

namespace bounceback::logs {
namespace {

constexpr std::string_view kDecoder = "postfix-log";
constexpr std::string_view kStatusKey = "status=";
constexpr std::string_view kMessageIdKey = "message-id=";

struct StatusWord {
  std::string_view word;
  std::optional<Outcome> outcome;  // none: an address-verification probe, not a delivery
};
// "status=bounced (...)" and its siblings, as written by Postfix's log_adhoc.c.
constexpr std::array<StatusWord, 6> kStatusWords = {{
    {"bounced", Outcome::kFailed},
    {"deferred", Outcome::kDelayed},
    {"sent", Outcome::kDelivered},
    {"expired", Outcome::kExpired},
    {"deliverable", std::nullopt},    // "sendmail -bv" probes
    {"undeliverable", std::nullopt},
}};

// Only the network agents name a remote host in relay=; local, virtual, pipe and error write
// "relay=local", "relay=virtual", a transport name ("relay=mailman") or "relay=none".
bool relays_to_a_host(std::string_view service) { return service == "smtp" || service == "lmtp"; }

// "postfix/smtp", "postfix-out/lmtp", "postfix/submission/smtpd" (multi-instance and master.cf
// service names).
bool is_postfix_program(std::string_view program) {
  const size_t slash = program.find('/');
  return slash != std::string_view::npos && util::istarts_with(program.substr(0, slash), "postfix");
}

// " status=" at a field start: what precedes it are the fields, what follows the outcome.
size_t status_position(std::string_view rest) {
  for (size_t pos = rest.find(kStatusKey); pos != std::string_view::npos; pos = rest.find(kStatusKey, pos + 1)) {
    if (pos == 0 || rest[pos - 1] == ' ' || rest[pos - 1] == ',') return pos;
  }
  return std::string_view::npos;
}

// "bounced (host mx.example.com[192.0.2.1] said: 550 ... (in reply to RCPT TO command))":
// the words in the outer parentheses.
std::string_view parenthesised(std::string_view text) {
  const size_t open = text.find('(');
  if (open == std::string_view::npos) return {};
  const size_t close = text.rfind(')');
  if (close == std::string_view::npos || close < open) return util::trim(text.substr(open + 1));
  return util::trim(text.substr(open + 1, close - open - 1));
}

void mark_malformed(LogLine& out, std::string_view problem) {
  out.type = LogLine::Type::kMalformed;
  out.problem = problem;
}

// With relay=none Postfix names the host it could not reach in its words: "connect to
// mx.example.com[192.0.2.1]:25: Connection timed out".
void take_unreached_host(LogLine& out) {
  constexpr std::string_view kConnectTo = "connect to ";
  if (!util::istarts_with(out.diagnostic, kConnectTo)) return;
  const std::string_view target = out.diagnostic.substr(kConnectTo.size());
  const size_t close = target.find(']');
  if (close == std::string_view::npos) return;
  const Relay host = parse_relay(target.substr(0, close + 1));
  out.remote_mta = host.host;
  out.remote_ip = host.ip;
}

void parse_delivery(std::string_view service, std::string_view rest, LogLine& out) {
  const size_t status_at = status_position(rest);
  if (status_at == std::string_view::npos) return mark_malformed(out, "a postfix delivery line without status=");
  const std::string_view fields = rest.substr(0, status_at);
  const std::string_view outcome = rest.substr(status_at + kStatusKey.size());
  const std::string_view word = outcome.substr(0, outcome.find_first_of(" \t("));
  const StatusWord* status = nullptr;
  for (const StatusWord& candidate : kStatusWords) {
    if (word == candidate.word) status = &candidate;
  }
  if (status == nullptr) return mark_malformed(out, "a postfix delivery line with an unknown status");
  if (!status->outcome) return;
  out.recipients = find_field(fields, "to", FieldEnd::kComma).value;
  if (out.recipients.empty()) return mark_malformed(out, "a postfix delivery line without a recipient");
  out.type = LogLine::Type::kDelivery;
  out.outcome = *status->outcome;
  out.original_recipient = find_field(fields, "orig_to", FieldEnd::kComma).value;
  out.status = find_field(fields, "dsn", FieldEnd::kComma).value;
  out.diagnostic = parenthesised(outcome);
  out.command = command_in(out.diagnostic);
  const Relay relay = parse_relay(find_field(fields, "relay", FieldEnd::kComma).value);
  if (relays_to_a_host(service) && relay.host != "none") out.remote_mta = relay.host;
  out.remote_ip = relay.ip;
  if (relays_to_a_host(service) && out.remote_mta.empty() && out.remote_ip.empty()) take_unreached_host(out);
}

void parse_queue_line(std::string_view service, std::string_view rest, LogLine& out) {
  if (util::istarts_with(rest, "to=")) {
    parse_delivery(service, rest, out);
  } else if (util::istarts_with(rest, "from=")) {
    // qmgr: "from=<s@example.com>, size=1234, nrcpt=1 (queue active)", and on expiry
    // "from=<s@example.com>, status=expired, returned to sender".
    const size_t status_at = status_position(rest);
    const bool expired =
        status_at != std::string_view::npos && util::istarts_with(rest.substr(status_at + kStatusKey.size()), "expired");
    out.type = expired ? LogLine::Type::kQueueExpired : LogLine::Type::kMessageInfo;
    out.sender = find_field(rest, "from", FieldEnd::kComma).value;
  } else if (util::istarts_with(rest, kMessageIdKey)) {
    // cleanup: "message-id=<20260310.abc@shop.example>"
    out.type = LogLine::Type::kMessageInfo;
    out.message_id = util::trim(rest.substr(kMessageIdKey.size()));
  } else if (rest == "removed") {
    out.type = LogLine::Type::kRemoved;
  }
}

}  // namespace

bool parse_postfix(const SyslogLine& line, LogLine& out) {
  if (!is_postfix_program(line.program)) return false;
  out.decoder = kDecoder;
  const size_t colon = line.message.find(':');
  if (colon == std::string_view::npos) return true;
  const std::string_view queue_id = line.message.substr(0, colon);
  // "NOQUEUE: reject: ...", "connect from ...", "warning: ...": not about a queued message.
  if (!looks_like_queue_id(queue_id) || util::iequals(queue_id, "NOQUEUE")) return true;
  out.queue_id = queue_id;
  const std::string_view service = line.program.substr(line.program.rfind('/') + 1);
  parse_queue_line(service, util::trim(line.message.substr(colon + 1)), out);
  return true;
}

}  // namespace bounceback::logs
