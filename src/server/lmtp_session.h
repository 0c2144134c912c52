// One LMTP (RFC 2033) conversation as a pure state machine: bytes from the client in, reply bytes
// out. No sockets and no clock here (lmtp_server.h moves the bytes and keeps the time), so every
// reply path is testable by feeding text.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "pipeline/ingest.h"

namespace bounceback::server {

struct LmtpLimits {
  // A message larger than this is read to its end and refused with 552 5.3.4; advertised as SIZE.
  // Default: 64 MiB, the decoder's own limit. CLI: --lmtp-max-message-size.
  size_t max_message_bytes = size_t{64} << 20;
  // A command line longer than this is refused with 500 5.5.2. RFC 5321 asks for at least 512.
  size_t max_command_line = 2048;
  // RCPT TO past this count get 452 4.5.3 (RFC 5321 asks for at least 100).
  size_t max_recipients = 1000;
  // After this many refused commands the session ends with 421: a confused or hostile client.
  int max_errors = 20;
};

// Takes one complete message (dot-unstuffed, LF line ends) and stores it; blocks until the store
// has answered, so that no recipient is told 250 before the records are committed.
using LmtpDeliver = std::function<pipeline::IngestOutcome(std::string_view message)>;

// Why the server, not the client, ends a session. Each is a 421: the client keeps the message and
// tries again later.
enum class LmtpClose {
  kTimeout,       // no command or data within the timeout
  kShuttingDown,  // serve was asked to stop
  kBusy,          // every session slot is taken
};

class LmtpSession {
 public:
  LmtpSession(std::string hostname, const LmtpLimits& limits, LmtpDeliver deliver);

  // "220 <hostname> LMTP bounceback ready", the first thing the server says.
  std::string greeting() const;

  // Consumes what the client sent and returns the replies it calls for, in order. Pipelined
  // commands get all their replies at once.
  std::string feed(std::string_view bytes);

  // The client said QUIT or the session gave up on it: send what feed returned, then close.
  bool closed() const { return closed_; }

  // The last words when the server ends the session itself; closes it.
  std::string close_with(LmtpClose reason);

 private:
  enum class State { kGreeted, kReady, kMail, kData };

  void hold_partial_line(std::string_view piece);
  void on_command(std::string_view line, std::string& out);
  void on_data_line(std::string_view line, std::string& out);
  void on_lhlo(std::string_view argument, std::string& out);
  void on_mail(std::string_view argument, std::string& out);
  void on_rcpt(std::string_view argument, std::string& out);
  void on_data(std::string_view argument, std::string& out);
  void finish_message(std::string& out);
  void refuse(std::string_view reply, std::string& out);
  void reset_transaction();

  std::string hostname_;
  LmtpLimits limits_;
  LmtpDeliver deliver_;
  State state_ = State::kGreeted;
  bool closed_ = false;
  int errors_ = 0;

  std::string pending_;           // the start of a line whose end has not arrived yet
  bool discarding_line_ = false;  // a command line over the limit: skip to its end
  std::vector<std::string> recipients_;
  std::string message_;
  bool message_too_large_ = false;
};

}  // namespace bounceback::server
