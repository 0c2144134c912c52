// What one MTA log line says, as views into the line, and the parsers that say it.
#pragma once

#include <optional>
#include <string_view>

#include "logs/log_time.h"

namespace bounceback::logs {

// The syslog frame around a daemon's message: "Mar 10 09:12:44 mail1 postfix/smtp[123]: ...".
struct SyslogLine {
  LogTime time;
  std::string_view host;
  std::string_view program;  // "postfix/smtp", "sendmail", "smtpd"
  std::string_view message;  // after "program[pid]: "
  bool continued = false;    // the message started with an extra blank, as the rest of a split line does
};

// Splits the frame off; nullopt for lines that are not syslog lines.
std::optional<SyslogLine> parse_syslog(std::string_view line);

// What a delivery attempt came to.
enum class Outcome {
  kFailed,     // bounced: given up for this recipient
  kDelayed,    // deferred: will be retried
  kDelivered,  // accepted by the next hop or the mailbox
  kExpired,    // given up because it stayed queued too long
};

struct LogLine {
  enum class Type {
    kIgnored,       // a line of a known MTA that says nothing about delivery (connections, ...): skipped
    kMalformed,     // a delivery line of a known MTA missing what it must carry: see `problem`
    kDelivery,      // one delivery attempt for the recipients in `recipients`
    kMessageInfo,   // what the queue knows of a message: sender and/or Message-ID
    kRemoved,       // the message left the queue: forget it
    kQueueExpired,  // the message expired: every recipient still deferred bounces (Postfix qmgr)
  };
  Type type = Type::kIgnored;
  std::string_view decoder;     // "postfix-log", ...
  std::string_view queue_id;    // joins the lines of one message; empty when the line has none
  std::string_view problem;     // kMalformed: what is wrong, for the report
  // A date inside the message, written by the MTA itself: Exim's through syslog, exact when it
  // carries log_timezone's zone; it replaces the frame's.
  std::optional<LogTime> time;
  // kMessageInfo, and kDelivery lines that name the sender themselves (OpenSMTPD)
  std::optional<std::string_view> sender;  // present and empty: the null sender <>
  std::string_view message_id;
  // kDelivery
  Outcome outcome = Outcome::kFailed;
  std::string_view recipients;  // one address, or Sendmail's comma-separated list
  std::string_view original_recipient;
  std::string_view status;      // "5.1.1"
  std::string_view diagnostic;  // the server's or the delivery agent's words
  std::string_view command;     // "RCPT"
  std::string_view remote_mta;
  std::string_view remote_ip;
};

// One function per MTA; each returns false when the line is not one of its lines.
bool parse_postfix(const SyslogLine& line, LogLine& out);
bool parse_sendmail(const SyslogLine& line, LogLine& out);
bool parse_opensmtpd(const SyslogLine& line, LogLine& out);
// Exim writes its own main log ("2026-03-10 09:12:44 1w2x3y-000AbC-7Z ** ...") or, to syslog, the
// same text with the date (syslog_timestamp, the default) or without it.
bool parse_exim_mainlog(std::string_view line, LogTime& time, LogLine& out);
bool parse_exim_syslog(const SyslogLine& line, LogLine& out);

}  // namespace bounceback::logs
