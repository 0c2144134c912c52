// The LMTP listener's conversation: bytes from an MTA fed to an LmtpSession in pieces of the sizes
// the first byte picks (pipelined commands, a line cut across reads), each message decoded as the
// listener would and "stored" by a counter. Checks every reply is whole lines of a three-digit code.
#include <cstdlib>
#include <string>

#include "bounceback/decoder.h"
#include "entry_points.h"
#include "server/lmtp_session.h"

namespace bounceback::fuzz {
namespace {

// A property of the session does not hold: stop here so libFuzzer keeps the input.
void require(bool property) {
  if (!property) std::abort();
}

// Small limits, so that inputs of the fuzzer's size reach the refusals.
server::LmtpLimits small_limits() {
  server::LmtpLimits limits;
  limits.max_message_bytes = 4096;
  limits.max_command_line = 256;
  limits.max_recipients = 8;
  limits.max_errors = 6;
  return limits;
}

// Every reply line: three digits, a space or a hyphen, text, CRLF.
bool replies_are_whole_lines(std::string_view replies) {
  while (!replies.empty()) {
    const size_t end = replies.find("\r\n");
    if (end == std::string_view::npos || end < 3) return false;
    const std::string_view line = replies.substr(0, end);
    for (size_t i = 0; i < 3; ++i) {
      if (line[i] < '0' || line[i] > '9') return false;
    }
    if (line.size() > 3 && line[3] != ' ' && line[3] != '-') return false;
    replies.remove_prefix(end + 2);
  }
  return true;
}

}  // namespace

void lmtp(std::string_view input) {
  if (input.empty()) return;
  const size_t piece = 1 + static_cast<unsigned char>(input.front()) % 64;
  input.remove_prefix(1);
  const Decoder decoder;
  server::LmtpSession session("fuzz.example", small_limits(), [&](std::string_view message) {
    pipeline::IngestOutcome outcome;
    const DecodeResult result = decoder.decode(message, "lmtp");
    outcome.status = result.records.empty() ? pipeline::IngestStatus::kNotAReport : pipeline::IngestStatus::kStored;
    outcome.records = result.records.size();
    return outcome;
  });
  require(replies_are_whole_lines(session.greeting()));
  while (!input.empty() && !session.closed()) {
    const std::string_view bytes = input.substr(0, piece);
    input.remove_prefix(bytes.size());
    require(replies_are_whole_lines(session.feed(bytes)));
  }
  if (!session.closed()) require(replies_are_whole_lines(session.close_with(server::LmtpClose::kShuttingDown)));
  require(session.closed());
}

}  // namespace bounceback::fuzz
