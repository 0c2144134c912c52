// Exim's main log: "2026-03-10 09:12:44 1w2x3y-000AbC-7Z ** a@b R=dnslookup T=remote_smtp
// H=mx.example.com [192.0.2.1]: SMTP error from remote mail server after RCPT TO:<a@b>: 550 ...".
// The two characters after the message id say what happened (Exim spec, "Log line flags").
#include <array>

#include "logs/fields.h"
#include "logs/log_line.h"
#include "util/text.h"

namespace bounceback::logs {
namespace {

constexpr std::string_view kDecoder = "exim-log";

enum class Flag { kArrival, kDelivery, kCompleted };
struct FlagWord {
  std::string_view word;
  Flag flag;
  Outcome outcome;  // of a delivery flag
};
constexpr std::array<FlagWord, 6> kFlags = {{
    {"<=", Flag::kArrival, Outcome::kDelivered},     // message arrival: sender, id=Message-ID
    {"=>", Flag::kDelivery, Outcome::kDelivered},    // normal delivery
    {"->", Flag::kDelivery, Outcome::kDelivered},    // another address in the same delivery
    {"**", Flag::kDelivery, Outcome::kFailed},       // delivery failed, address bounced
    {"==", Flag::kDelivery, Outcome::kDelayed},      // delivery deferred, temporary problem
    {"Completed", Flag::kCompleted, Outcome::kDelivered},
}};

// Exim gives up on an address retried past its retry rule: "** a@b: retry timeout exceeded".
constexpr std::array<std::string_view, 2> kExpiryWords = {
    "retry timeout exceeded",
    "retry time not reached for any host after a long failure period",
};

// A deferral Exim logs at each queue run while an address waits for its retry time: no delivery
// was tried, so it says nothing new ("== ex-defer@example.net R=dnslookup T=remote_smtp defer (-53):
// retry time not reached for any host for 'example.net'"; -52 for a local transport).
constexpr std::string_view kNotTriedWords = "retry time not reached";

// Old ids "1w2x3y-000AbC-7Z" (6-6-2) and Exim 4.97's "1w2x3y-0000000AbC-0000" (6-11-4).
bool looks_like_exim_id(std::string_view id) {
  const size_t first = id.find('-');
  const size_t second = first == std::string_view::npos ? first : id.find('-', first + 1);
  if (first != 6 || second == std::string_view::npos) return false;
  const size_t middle = second - first - 1;
  const size_t last = id.size() - second - 1;
  return looks_like_queue_id(id) && (middle == 6 || middle == 11) && (last == 2 || last == 4);
}

// The diagnostic follows the first ": " outside the bracketed host address (IPv6 has colons).
std::string_view after_fields(std::string_view text) {
  int depth = 0;
  for (size_t i = 0; i + 1 < text.size(); ++i) {
    if (text[i] == '[') ++depth;
    if (text[i] == ']' && depth > 0) --depth;
    if (depth == 0 && text[i] == ':' && text[i + 1] == ' ') return util::trim(text.substr(i + 2));
  }
  return {};
}

// "H=mx.example.com [192.0.2.1]" or "H=[192.0.2.1]:25", up to the closing bracket.
Relay host_field(std::string_view fields) {
  const Field h = find_field(fields, "H", FieldEnd::kSpace);
  if (!h.found) return {};
  const size_t start = static_cast<size_t>(h.value.data() - fields.data());
  const size_t close = fields.find(']', start);
  if (close == std::string_view::npos) return parse_relay(h.value);
  return parse_relay(fields.substr(start, close - start + 1));
}

bool names_expiry(std::string_view diagnostic) {
  for (const std::string_view words : kExpiryWords) {
    if (util::icontains(diagnostic, words)) return true;
  }
  return false;
}

void parse_delivery(Outcome outcome, std::string_view rest, LogLine& out) {
  std::string_view address = next_word(rest);
  const bool address_ends_fields = !address.empty() && address.back() == ':';
  if (address_ends_fields) address.remove_suffix(1);
  if (address.empty()) {
    out.type = LogLine::Type::kMalformed;
    out.problem = "an exim delivery line without an address";
    return;
  }
  out.type = LogLine::Type::kDelivery;
  out.outcome = outcome;
  out.recipients = address;
  // "** alias@example.com <jane@example.com> R=...": the address as the sender wrote it.
  std::string_view after_address = util::trim(rest);
  if (!address_ends_fields && !after_address.empty() && after_address.front() == '<') {
    const size_t close = after_address.find('>');
    if (close != std::string_view::npos) {
      out.original_recipient = after_address.substr(1, close - 1);
      after_address = after_address.substr(close + 1);
    }
  }
  if (outcome == Outcome::kDelivered) {
    out.diagnostic = find_field(after_address, "C", FieldEnd::kSpace).value;  // C="250 2.0.0 OK ..."
  } else {
    out.diagnostic = address_ends_fields ? after_address : after_fields(after_address);
  }
  if (outcome == Outcome::kFailed && names_expiry(out.diagnostic)) out.outcome = Outcome::kExpired;
  if (outcome == Outcome::kDelayed && util::icontains(out.diagnostic, kNotTriedWords)) {
    out.type = LogLine::Type::kIgnored;
    return;
  }
  out.command = command_in(out.diagnostic);
  const Relay relay = host_field(after_address);
  out.remote_mta = relay.host;
  out.remote_ip = relay.ip;
}

// Everything after the date (and the optional "[pid]"): "1w2x3y-000AbC-7Z ** a@b ...". False for
// lines about no message ("Start queue run", "exim 4.96 daemon started", ...).
bool parse_body(std::string_view body, LogLine& out) {
  out.decoder = kDecoder;
  std::string_view rest = body;
  std::string_view id = next_word(rest);
  if (id.size() > 2 && id.front() == '[' && id.back() == ']') id = next_word(rest);  // log_selector +pid
  if (!looks_like_exim_id(id)) return false;
  out.queue_id = id;
  const std::string_view word = next_word(rest);
  for (const FlagWord& flag : kFlags) {
    if (word != flag.word) continue;
    switch (flag.flag) {
      case Flag::kArrival:
        out.type = LogLine::Type::kMessageInfo;
        out.sender = next_word(rest);
        if (out.sender == "<>") out.sender = std::string_view();
        out.message_id = find_field(rest, "id", FieldEnd::kSpace).value;
        return true;
      case Flag::kDelivery: parse_delivery(flag.outcome, rest, out); return true;
      case Flag::kCompleted: out.type = LogLine::Type::kRemoved; return true;
    }
  }
  return true;
}

}  // namespace

bool parse_exim_mainlog(std::string_view line, LogTime& time, LogLine& out) {
  const std::optional<LogTime> parsed = parse_iso_time(line);
  if (!parsed) return false;
  time = *parsed;
  return parse_body(line, out);
}

// A line of no message ("Start queue run: pid=123") is unrecognised, as in the main log.
bool parse_exim_syslog(const SyslogLine& line, LogLine& out) {
  if (line.program != "exim" && line.program != "exim4") return false;
  // With syslog_timestamp (the default) Exim keeps its own date: "2026-11-29 22:50:02 [+0100] ...".
  std::string_view body = line.message;
  out.time = parse_iso_time(body);
  return parse_body(body, out);
}

}  // namespace bounceback::logs
