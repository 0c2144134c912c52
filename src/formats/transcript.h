// Line-oriented pieces that the notices of classic MTAs share: a notice cut at a marker line,
// indentation, an address alone on a line, and the SMTP session transcripts that Sendmail,
// Courier and their imitators print (">>> RCPT TO:<a@b>" / "<<< 550 5.1.1 ...").
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace bounceback::formats {

// `text` up to the first line whose trimmed start is one of `markers` (none empty; ASCII case
// ignored); the whole text when no line is.
std::string_view before_marker_line(std::string_view text, std::span<const std::string_view> markers);

// Count of leading blanks (space or tab) of a line.
size_t indentation(std::string_view line);

// The first address in a line, without brackets: "  <a@b>:" and "Unknown user: a@b" give
// "a@b"; "" when the line holds none.
std::string address_in(std::string_view line);

// One exchange of an SMTP session transcript: what the client sent and the server's replies.
struct SmtpExchange {
  std::string_view command_line;     // "RCPT TO:<a@b>", without ">>> "
  std::vector<std::string> replies;  // "550 5.1.1 <a@b>... User unknown", without "<<< "; the
                                     // lines of a multiline reply ("550-...", "550 ...") joined
};

// How a transcript marks what the client sent and what the server replied. The marks open the
// line, or follow a time stamp ending in ": " ("Sun 2012-03-11 12:00:00: --> RCPT To:<a@b>").
struct TranscriptMarks {
  std::string_view client;
  std::string_view server;
};
constexpr TranscriptMarks kSendmailMarks = {">>>", "<<<"};  // Sendmail, Courier, Bigfoot
constexpr TranscriptMarks kArrowMarks = {"-->", "<--"};     // MDaemon's session transcript

// The "command" / "reply" exchanges of a transcript, in order. Replies before any command (a
// refused greeting) form an exchange with an empty command line.
std::vector<SmtpExchange> smtp_transcript(std::string_view text, TranscriptMarks marks = kSendmailMarks);

// The verb of a command line, upper-cased and as failed_command() names it: "RCPT To:<a@b>" gives
// "RCPT", "MAIL From:<a@b>" "MAIL", "DATA" "DATA"; "" for an empty line.
std::string command_verb(std::string_view command_line);

// What a transcript says about one recipient's refusal.
struct TranscriptRefusal {
  std::string command;  // RCPT, MAIL, DATA, ...; "" when the transcript has no failed reply
  std::string reply;    // the refusing reply
  bool certain = false; // the reply names the recipient or is the reported one; else it is
                        // only the session's first failure
};

// The refusal a transcript records for `recipient`: the failed (4xx/5xx) reply that names it or
// that `reported` (the report's own diagnostic, may be empty) quotes, else the first failed reply.
// Replies that follow ">>> DATA" but precede its own (last) reply answer the RCPT commands
// pipelined before it (RFC 2920), so they are attributed to RCPT.
TranscriptRefusal refusal_for(const std::vector<SmtpExchange>& transcript, std::string_view recipient,
                              std::string_view reported);

}  // namespace bounceback::formats
