#include "formats/transcript.h"

#include <array>

#include "mime/message.h"
#include "util/text.h"

namespace bounceback::formats {
namespace {

// Transcript line prefixes: Sendmail "... while talking to mx:\n>>> RCPT To:<a@b>\n<<< 550 ...".
constexpr std::string_view kClientPrefix = ">>>";
constexpr std::string_view kServerPrefix = "<<<";

// The SMTP verbs a transcript may show the client sending.
constexpr std::array<std::string_view, 12> kVerbs = {
    "HELO", "EHLO", "MAIL", "RCPT", "DATA", "BDAT", "STARTTLS", "AUTH", "RSET", "QUIT", "LHLO", "XCLIENT"};

bool is_failure_reply(std::string_view reply) {
  reply = util::trim(reply);
  return reply.size() >= 3 && (reply[0] == '4' || reply[0] == '5') && util::is_digit(reply[1]) &&
         util::is_digit(reply[2]);
}

std::string joined(std::span<const std::string_view> lines) {
  std::string out;
  for (std::string_view line : lines) {
    if (!out.empty()) out.push_back(' ');
    out.append(util::trim(line));
  }
  return out;
}

// The command a reply at `index` of `exchange` answered: all but the last reply after DATA
// answer the RCPT commands the client pipelined before it.
std::string answered_command(const SmtpExchange& exchange, size_t index) {
  std::string verb = command_verb(exchange.command_line);
  if (verb == "DATA" && index + 1 < exchange.replies.size()) return "RCPT";
  return verb;
}

// The reply at `index` with the continuation lines of a multiline reply ("550-...", "550 ...").
std::string reply_at(const SmtpExchange& exchange, size_t index) {
  size_t end = index + 1;
  const std::string_view code = util::trim(exchange.replies[index]).substr(0, 3);
  if (exchange.replies[index].size() > 3 && util::trim(exchange.replies[index])[3] == '-') {
    while (end < exchange.replies.size() && util::istarts_with(util::trim(exchange.replies[end]), code)) {
      const bool last = util::trim(exchange.replies[end]).substr(3, 1) != "-";
      ++end;
      if (last) break;
    }
  }
  return joined(std::span(exchange.replies).subspan(index, end - index));
}

}  // namespace

std::string_view before_marker_line(std::string_view text, std::span<const std::string_view> markers) {
  size_t pos = 0;
  std::string_view line;
  while (true) {
    const size_t line_start = pos;
    if (!util::next_line(text, pos, line)) return text;
    const std::string_view trimmed = util::trim(line);
    for (std::string_view marker : markers) {
      if (util::istarts_with(trimmed, marker)) return text.substr(0, line_start);
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

std::vector<SmtpExchange> smtp_transcript(std::string_view text) {
  std::vector<SmtpExchange> exchanges;
  size_t pos = 0;
  std::string_view line;
  while (util::next_line(text, pos, line)) {
    const std::string_view trimmed = util::trim(line);
    if (trimmed.starts_with(kClientPrefix)) {
      exchanges.push_back({util::trim(trimmed.substr(kClientPrefix.size())), {}});
    } else if (trimmed.starts_with(kServerPrefix)) {
      if (exchanges.empty()) exchanges.emplace_back();
      exchanges.back().replies.push_back(util::trim(trimmed.substr(kServerPrefix.size())));
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

TranscriptRefusal refusal_for(const std::vector<SmtpExchange>& transcript, std::string_view recipient) {
  const SmtpExchange* first_exchange = nullptr;
  size_t first_index = 0;
  for (const SmtpExchange& exchange : transcript) {
    for (size_t i = 0; i < exchange.replies.size(); ++i) {
      if (!is_failure_reply(exchange.replies[i])) continue;
      const bool names_recipient = !recipient.empty() && (util::icontains(exchange.replies[i], recipient) ||
                                                          util::icontains(exchange.command_line, recipient));
      if (names_recipient) return {answered_command(exchange, i), reply_at(exchange, i)};
      if (first_exchange == nullptr) {
        first_exchange = &exchange;
        first_index = i;
      }
    }
  }
  if (first_exchange == nullptr) return {};
  return {answered_command(*first_exchange, first_index), reply_at(*first_exchange, first_index)};
}

}  // namespace bounceback::formats
