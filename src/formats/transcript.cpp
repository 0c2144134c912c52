#include "formats/transcript.h"

#include <array>
#include <optional>

#include "mime/message.h"
#include "util/text.h"

namespace bounceback::formats {
namespace {

// The SMTP verbs a transcript may show the client sending.
constexpr std::array<std::string_view, 12> kVerbs = {
    "HELO", "EHLO", "MAIL", "RCPT", "DATA", "BDAT", "STARTTLS", "AUTH", "RSET", "QUIT", "LHLO", "XCLIENT"};

bool is_failure_reply(std::string_view reply) {
  return reply.size() >= 3 && (reply[0] == '4' || reply[0] == '5') && util::is_digit(reply[1]) &&
         util::is_digit(reply[2]);
}

// "550-First line" continues into the next line of the same code; "550 Last line" ends a reply.
bool continues(std::string_view reply_line) { return reply_line.size() > 3 && reply_line[3] == '-'; }

// The text after `mark` when the line opens with it, alone or after a time stamp; else nullopt.
std::optional<std::string_view> after_mark(std::string_view line, std::string_view mark) {
  const size_t at = line.find(mark);
  if (at == std::string_view::npos) return std::nullopt;
  if (at != 0 && !line.substr(0, at).ends_with(": ")) return std::nullopt;
  return util::trim(line.substr(at + mark.size()));
}

// The command a reply at `index` of `exchange` answered: all but the last reply after DATA
// answer the RCPT commands the client pipelined before it.
std::string answered_command(const SmtpExchange& exchange, size_t index) {
  // A reply before the first command is the server's greeting: "<-- 554 ... blocked" (MDaemon).
  if (exchange.command_line.empty()) return "CONN";
  std::string verb = command_verb(exchange.command_line);
  if (verb == "DATA" && index + 1 < exchange.replies.size()) return "RCPT";
  return verb;
}

// Whether `reply` is the one the report quotes: "550 not our customer" in "(reason: 550 not our
// customer)", or a long reply the report cut short.
bool quoted_by(std::string_view reply, std::string_view reported) {
  reported = util::trim(reported);
  if (reported.size() < 8) return false;
  return util::icontains(reported, reply) || util::icontains(reply, reported);
}

}  // namespace

std::string_view before_marker_line(std::string_view text, std::span<const std::string_view> markers) {
  size_t pos = 0;
  std::string_view line;
  while (true) {
    const size_t line_start = pos;
    if (!util::next_line(text, pos, line)) return text;
    const std::string_view trimmed = util::trim(line);
    if (trimmed.empty()) continue;
    // Most lines differ from every marker in their first byte, compared before the rest.
    const char first = util::ascii_lower(trimmed.front());
    for (std::string_view marker : markers) {
      if (first == util::ascii_lower(marker.front()) && util::istarts_with(trimmed, marker)) return text.substr(0, line_start);
    }
  }
}

size_t indentation(std::string_view line) {
  size_t n = 0;
  while (n < line.size() && (line[n] == ' ' || line[n] == '\t')) ++n;
  return n;
}

std::string address_in(std::string_view line) {
  std::vector<std::string> found = mime::find_addresses(line);
  if (found.empty()) return {};
  std::string_view address = util::trim(found.front());
  while (!address.empty() && (address.front() == '<' || address.front() == '"')) address.remove_prefix(1);
  while (!address.empty() && (address.back() == '>' || address.back() == '"')) address.remove_suffix(1);
  return std::string(address);
}

std::vector<SmtpExchange> smtp_transcript(std::string_view text, TranscriptMarks marks) {
  std::vector<SmtpExchange> exchanges;
  bool reply_open = false;  // the last reply line was a "550-" continuation
  size_t pos = 0;
  std::string_view line;
  while (util::next_line(text, pos, line)) {
    const std::string_view trimmed = util::trim(line);
    if (const auto command = after_mark(trimmed, marks.client)) {
      exchanges.push_back({*command, {}});
      reply_open = false;
    } else if (const auto reply = after_mark(trimmed, marks.server)) {
      if (exchanges.empty()) exchanges.emplace_back();
      std::vector<std::string>& replies = exchanges.back().replies;
      if (reply_open && !replies.empty()) {
        replies.back().push_back(' ');
        replies.back().append(*reply);
      } else {
        replies.emplace_back(*reply);
      }
      reply_open = continues(*reply);
    }
  }
  return exchanges;
}

std::string command_verb(std::string_view command_line) {
  const std::string_view trimmed = util::trim(command_line);
  const std::string_view word = trimmed.substr(0, trimmed.find_first_of(" :\t"));
  for (std::string_view verb : kVerbs) {
    if (util::iequals(word, verb)) return std::string(verb);
  }
  return {};
}

TranscriptRefusal refusal_for(const std::vector<SmtpExchange>& transcript, std::string_view recipient,
                              std::string_view reported) {
  TranscriptRefusal first;
  for (const SmtpExchange& exchange : transcript) {
    for (size_t i = 0; i < exchange.replies.size(); ++i) {
      const std::string& reply = exchange.replies[i];
      if (!is_failure_reply(reply)) continue;
      const bool names_recipient = !recipient.empty() && (util::icontains(reply, recipient) ||
                                                          util::icontains(exchange.command_line, recipient));
      if (names_recipient || quoted_by(reply, reported)) return {answered_command(exchange, i), reply, true};
      if (first.reply.empty()) first = {answered_command(exchange, i), reply, false};
    }
  }
  return first;
}

}  // namespace bounceback::formats
