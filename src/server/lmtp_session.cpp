#include "server/lmtp_session.h"

#include <algorithm>
#include <charconv>
#include <optional>
#include <utility>

#include "util/text.h"

namespace bounceback::server {
namespace {

using pipeline::IngestOutcome;
using pipeline::IngestStatus;

constexpr std::string_view kCrlf = "\r\n";

void reply(std::string_view text, std::string& out) { out.append(text).append(kCrlf); }

// "MAIL FROM:<a@b> SIZE=10" -> verb "MAIL", argument "FROM:<a@b> SIZE=10".
std::pair<std::string_view, std::string_view> split_command(std::string_view line) {
  const size_t space = line.find(' ');
  if (space == std::string_view::npos) return {line, {}};
  return {line.substr(0, space), util::trim(line.substr(space + 1))};
}

// Bytes a reply may quote back: no line breaks or other controls that would forge a reply line.
bool printable(std::string_view text) {
  return std::none_of(text.begin(), text.end(),
                      [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
}

struct Path {
  std::string_view address;     // between the angle brackets, possibly empty (the null sender)
  std::string_view parameters;  // what follows the closing bracket, e.g. "SIZE=1000 BODY=8BITMIME"
};

// "FROM:<jane@example.com> SIZE=10" with keyword "FROM:"; RFC 5321 allows no space before the
// bracket, but Postfix and others accept one, and so does this.
std::optional<Path> parse_path(std::string_view argument, std::string_view keyword) {
  if (!util::istarts_with(argument, keyword)) return std::nullopt;
  const std::string_view rest = util::trim(argument.substr(keyword.size()));
  if (rest.empty() || rest.front() != '<') return std::nullopt;
  const size_t close = rest.find('>');
  if (close == std::string_view::npos) return std::nullopt;
  Path path{rest.substr(1, close - 1), util::trim(rest.substr(close + 1))};
  if (!printable(path.address) || path.address.find_first_of("<> ") != std::string_view::npos) return std::nullopt;
  return path;
}

// The space-separated parameters after a path.
std::vector<std::string_view> split_parameters(std::string_view text) {
  std::vector<std::string_view> words;
  size_t pos = 0;
  while (pos < text.size()) {
    const size_t end = std::min(text.find(' ', pos), text.size());
    if (end > pos) words.push_back(text.substr(pos, end - pos));
    pos = end + 1;
  }
  return words;
}

std::optional<size_t> parse_size(std::string_view digits) {
  size_t value = 0;
  const char* end = digits.data() + digits.size();
  const auto [stop, error] = std::from_chars(digits.data(), end, value);
  if (digits.empty() || error != std::errc() || stop != end) return std::nullopt;
  return value;
}

std::string too_big_reply(size_t limit) {
  return "552 5.3.4 Message too big: the limit is " + std::to_string(limit) + " bytes";
}

// The reply for one recipient once the message has been stored, or could not be.
std::string delivery_reply(std::string_view recipient, const IngestOutcome& outcome) {
  const std::string who = "<" + std::string(recipient) + "> ";
  switch (outcome.status) {
    case IngestStatus::kStored:
      return "250 2.0.0 " + who + "stored: " + std::to_string(outcome.records) +
             (outcome.records == 1 ? " record" : " records");
    case IngestStatus::kDuplicate:
      return "250 2.0.0 " + who + "stored before: nothing new";
    case IngestStatus::kNotAReport:
      return "250 2.0.0 " + who + "accepted and counted: not a delivery report, nothing to store";
    case IngestStatus::kUnprocessable:
      return "554 5.6.0 " + who +
             "cannot be processed: " + (printable(outcome.detail) ? outcome.detail : std::string("malformed"));
    case IngestStatus::kStoreFailed:
      break;
  }
  // The store's own words stay in the server's log: they name paths and hosts.
  return "451 4.3.0 " + who + "cannot be stored now: try again later";
}

}  // namespace

LmtpSession::LmtpSession(std::string hostname, const LmtpLimits& limits, LmtpDeliver deliver)
    : hostname_(std::move(hostname)), limits_(limits), deliver_(std::move(deliver)) {}

std::string LmtpSession::greeting() const { return "220 " + hostname_ + " LMTP bounceback ready\r\n"; }

std::string LmtpSession::close_with(LmtpClose reason) {
  closed_ = true;
  switch (reason) {
    case LmtpClose::kTimeout:
      return "421 4.4.2 " + hostname_ + " timeout waiting for the client: closing\r\n";
    case LmtpClose::kBusy:
      return "421 4.3.2 " + hostname_ + " too many sessions: try again later\r\n";
    case LmtpClose::kShuttingDown:
      break;
  }
  return "421 4.3.2 " + hostname_ + " shutting down: try again later\r\n";
}

std::string LmtpSession::feed(std::string_view bytes) {
  std::string out;
  size_t pos = 0;
  while (pos < bytes.size() && !closed_) {
    const size_t newline = bytes.find('\n', pos);
    const std::string_view piece =
        bytes.substr(pos, newline == std::string_view::npos ? bytes.size() - pos : newline - pos);
    if (newline == std::string_view::npos) {
      hold_partial_line(piece);
      break;
    }
    pos = newline + 1;
    if (discarding_line_) {
      discarding_line_ = false;
      pending_.clear();
      if (state_ != State::kData) refuse("500 5.5.2 Line too long", out);
      continue;
    }
    std::string_view line = piece;
    if (!pending_.empty()) line = pending_.append(piece);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (state_ == State::kData) {
      on_data_line(line, out);
    } else {
      on_command(line, out);
    }
    pending_.clear();
  }
  return out;
}

// Keeps the start of a line for the next feed, within the limit of what such a line may hold.
void LmtpSession::hold_partial_line(std::string_view piece) {
  if (discarding_line_) return;
  const size_t limit = state_ == State::kData
                           ? limits_.max_message_bytes - std::min(message_.size(), limits_.max_message_bytes)
                           : limits_.max_command_line;
  if (pending_.size() + piece.size() > limit) {
    discarding_line_ = true;
    if (state_ == State::kData) message_too_large_ = true;
    pending_.clear();
    return;
  }
  pending_.append(piece);
}

void LmtpSession::refuse(std::string_view text, std::string& out) {
  reply(text, out);
  if (++errors_ < limits_.max_errors) return;
  reply("421 4.7.0 " + hostname_ + " too many errors: closing", out);
  closed_ = true;
}

void LmtpSession::reset_transaction() {
  recipients_.clear();
  message_.clear();
  message_too_large_ = false;
}

void LmtpSession::on_command(std::string_view line, std::string& out) {
  if (line.size() > limits_.max_command_line) return refuse("500 5.5.2 Line too long", out);
  const auto [verb, argument] = split_command(line);
  if (util::iequals(verb, "LHLO")) return on_lhlo(argument, out);
  if (util::iequals(verb, "MAIL")) return on_mail(argument, out);
  if (util::iequals(verb, "RCPT")) return on_rcpt(argument, out);
  if (util::iequals(verb, "DATA")) return on_data(argument, out);
  if (util::iequals(verb, "RSET")) {
    if (!argument.empty()) return refuse("501 5.5.4 RSET takes no argument", out);
    reset_transaction();
    if (state_ != State::kGreeted) state_ = State::kReady;
    return reply("250 2.0.0 OK", out);
  }
  if (util::iequals(verb, "NOOP")) return reply("250 2.0.0 OK", out);
  if (util::iequals(verb, "QUIT")) {
    closed_ = true;
    return reply("221 2.0.0 " + hostname_ + " closing", out);
  }
  if (util::iequals(verb, "VRFY")) {
    if (argument.empty()) return refuse("501 5.5.4 VRFY needs an address", out);
    return reply("252 2.5.0 Cannot verify the address, but will take a message for it", out);
  }
  if (util::iequals(verb, "HELO") || util::iequals(verb, "EHLO")) {
    return refuse("500 5.5.1 This is LMTP (RFC 2033): say LHLO", out);
  }
  refuse("500 5.5.2 Command unrecognized", out);
}

void LmtpSession::on_lhlo(std::string_view argument, std::string& out) {
  if (argument.empty() || !printable(argument)) return refuse("501 5.5.4 LHLO needs the client's name", out);
  reset_transaction();
  state_ = State::kReady;
  reply("250-" + hostname_, out);
  reply("250-PIPELINING", out);
  reply("250-ENHANCEDSTATUSCODES", out);
  reply("250-8BITMIME", out);
  reply("250 SIZE " + std::to_string(limits_.max_message_bytes), out);
}

void LmtpSession::on_mail(std::string_view argument, std::string& out) {
  if (state_ == State::kGreeted) return refuse("503 5.5.1 Say LHLO first", out);
  if (state_ == State::kMail) return refuse("503 5.5.1 Nested MAIL command", out);
  const std::optional<Path> path = parse_path(argument, "FROM:");
  if (!path) return refuse("501 5.5.4 Syntax: MAIL FROM:<address>", out);
  for (const std::string_view parameter : split_parameters(path->parameters)) {
    if (util::istarts_with(parameter, "SIZE=")) {
      const std::optional<size_t> size = parse_size(parameter.substr(5));
      if (!size) return refuse("501 5.5.4 SIZE needs a number", out);
      if (*size > limits_.max_message_bytes) {
        return reply(too_big_reply(limits_.max_message_bytes), out);
      }
    } else if (!util::iequals(parameter, "BODY=7BIT") && !util::iequals(parameter, "BODY=8BITMIME")) {
      return refuse("555 5.5.4 MAIL parameter not recognized", out);
    }
  }
  state_ = State::kMail;
  reply("250 2.1.0 Sender OK", out);
}

void LmtpSession::on_rcpt(std::string_view argument, std::string& out) {
  if (state_ != State::kMail) return refuse("503 5.5.1 Need MAIL before RCPT", out);
  const std::optional<Path> path = parse_path(argument, "TO:");
  if (!path || path->address.empty()) return refuse("501 5.5.4 Syntax: RCPT TO:<address>", out);
  if (!path->parameters.empty()) return refuse("555 5.5.4 RCPT parameters not recognized", out);
  if (recipients_.size() >= limits_.max_recipients) return reply("452 4.5.3 Too many recipients", out);
  recipients_.emplace_back(path->address);
  reply("250 2.1.5 Recipient OK", out);
}

void LmtpSession::on_data(std::string_view argument, std::string& out) {
  if (state_ != State::kMail) return refuse("503 5.5.1 Need MAIL before DATA", out);
  if (recipients_.empty()) return refuse("503 5.5.1 No valid recipients", out);
  if (!argument.empty()) return refuse("501 5.5.4 DATA takes no argument", out);
  state_ = State::kData;
  reply("354 Start mail input; end with <CRLF>.<CRLF>", out);
}

void LmtpSession::on_data_line(std::string_view line, std::string& out) {
  if (line == ".") return finish_message(out);
  if (!line.empty() && line.front() == '.') line.remove_prefix(1);  // RFC 5321 4.5.2 transparency
  if (message_too_large_ || message_.size() + line.size() + 1 > limits_.max_message_bytes) {
    message_too_large_ = true;
    return;
  }
  message_.append(line).push_back('\n');
}

// RFC 2033 4.2: one reply per accepted recipient, in the order they were given.
void LmtpSession::finish_message(std::string& out) {
  if (message_too_large_) {
    const std::string too_big = too_big_reply(limits_.max_message_bytes);
    for (size_t i = 0; i < recipients_.size(); ++i) reply(too_big, out);
  } else {
    const IngestOutcome outcome = deliver_(message_);
    for (const std::string& recipient : recipients_) reply(delivery_reply(recipient, outcome), out);
  }
  reset_transaction();
  state_ = State::kReady;
}

}  // namespace bounceback::server
