#include "classify/reply_text.h"

#include "util/text.h"

namespace bounceback::classify {
namespace {

bool is_reply_code_at(std::string_view text, size_t at) {
  return at + 3 <= text.size() && (text[at] == '2' || text[at] == '4' || text[at] == '5') &&
         util::is_digit(text[at + 1]) && util::is_digit(text[at + 2]) &&
         (at == 0 || !util::is_alnum(text[at - 1]));
}

// The length of "d.d.d" (up to three digits after each dot) at `at`, or 0.
size_t status_length_at(std::string_view text, size_t at) {
  if (at + 5 > text.size() || !util::is_digit(text[at]) || text[at + 1] != '.') return 0;
  size_t end = at + 2;
  for (int group = 0; group < 2; ++group) {
    const size_t digits_start = end;
    while (end < text.size() && end - digits_start < 3 && util::is_digit(text[end])) ++end;
    if (end == digits_start) return 0;
    if (group == 0) {
      if (end >= text.size() || text[end] != '.') return 0;
      ++end;
    }
  }
  return end - at;
}

// The length of a repeated line prefix "550-5.7.1 " or "550 5.7.1 " or "550-" at `at`, or 0.
size_t prefix_length_at(std::string_view text, size_t at, std::string_view code) {
  if (text.substr(at, 3) != code || !is_reply_code_at(text, at) || at + 3 >= text.size()) return 0;
  if (text[at + 3] != '-' && text[at + 3] != ' ') return 0;
  size_t end = at + 4;
  if (const size_t status = status_length_at(text, end); status != 0) end += status;
  while (end < text.size() && text[end] == ' ') ++end;
  return end - at;
}

// Found from the dashes: a reply holds few of them, and memchr skips the rest quickly.
size_t first_continuation(std::string_view text) {
  for (size_t dash = text.find('-', 3); dash != std::string_view::npos; dash = text.find('-', dash + 1)) {
    if (is_reply_code_at(text, dash - 3)) return dash - 3;
  }
  return std::string_view::npos;
}

}  // namespace

std::string_view join_reply_lines(std::string_view reply, std::string& storage) {
  const size_t first = first_continuation(reply);
  if (first == std::string_view::npos) return reply;
  const std::string_view code = reply.substr(first, 3);
  const size_t kept_prefix_end = first + prefix_length_at(reply, first, code);
  std::string& joined = storage;
  joined.assign(reply.substr(0, kept_prefix_end));
  joined.reserve(reply.size());
  size_t at = kept_prefix_end;
  while (at < reply.size()) {
    const bool line_start = util::is_space(reply[at - 1]);
    const size_t prefix = line_start ? prefix_length_at(reply, at, code) : 0;
    if (prefix != 0) {
      at += prefix;
      continue;
    }
    // A prefix follows white space only: the word up to the next one is copied whole.
    size_t end = at;
    while (end < reply.size() && !util::is_space(reply[end])) ++end;
    if (end < reply.size()) ++end;
    joined.append(reply, at, end - at);
    at = end;
  }
  return joined;
}

}  // namespace bounceback::classify
