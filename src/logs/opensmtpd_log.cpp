// OpenSMTPD: one "mta delivery" (remote) or "mda delivery" (local) line per attempt:
// "smtpd[pid]: 1a2b3c4d5e6f7a8b mta delivery evpid=... from=<s> to=<a@b> rcpt=<-> source="..."
// relay="mx.example.com (192.0.2.1)" delay=2s result="PermFail" stat="550 5.1.1 User unknown"".
#include <array>

#include "logs/fields.h"
#include "logs/log_line.h"
#include "util/text.h"

namespace bounceback::logs {
namespace {

constexpr std::string_view kDecoder = "opensmtpd-log";

struct ResultWord {
  std::string_view word;
  Outcome outcome;
};
// smtpd/mta.c and mda.c: result="Ok" | "TempFail" | "PermFail" | "Loop".
constexpr std::array<ResultWord, 4> kResults = {{
    {"Ok", Outcome::kDelivered},
    {"TempFail", Outcome::kDelayed},
    {"PermFail", Outcome::kFailed},
    {"Loop", Outcome::kFailed},
}};

}  // namespace

bool parse_opensmtpd(const SyslogLine& line, LogLine& out) {
  if (line.program != "smtpd") return false;
  out.decoder = kDecoder;
  std::string_view rest = line.message;
  next_word(rest);  // the session id
  const std::string_view agent = next_word(rest);
  if ((agent != "mta" && agent != "mda") || next_word(rest) != "delivery") return true;
  const std::string_view result = find_field(rest, "result", FieldEnd::kSpace).value;
  const ResultWord* outcome = nullptr;
  for (const ResultWord& candidate : kResults) {
    if (util::iequals(result, candidate.word)) outcome = &candidate;
  }
  out.recipients = find_field(rest, "to", FieldEnd::kSpace).value;
  if (outcome == nullptr || out.recipients.empty()) {
    out.type = LogLine::Type::kMalformed;
    out.problem = outcome == nullptr ? "an opensmtpd delivery line without a known result="
                                     : "an opensmtpd delivery line without a recipient";
    return true;
  }
  out.type = LogLine::Type::kDelivery;
  out.outcome = outcome->outcome;
  if (const Field from = find_field(rest, "from", FieldEnd::kSpace); from.found) out.sender = from.value;
  // rcpt=<-> when the recipient was not rewritten on the way.
  const std::string_view rcpt = find_field(rest, "rcpt", FieldEnd::kSpace).value;
  if (rcpt != "-" && rcpt != out.recipients) out.original_recipient = rcpt;
  out.diagnostic = find_field(rest, "stat", FieldEnd::kSpace).value;
  out.command = command_in(out.diagnostic);
  const Relay relay = parse_relay(find_field(rest, "relay", FieldEnd::kSpace).value);
  out.remote_mta = relay.host;
  out.remote_ip = relay.ip;
  return true;
}

}  // namespace bounceback::logs
