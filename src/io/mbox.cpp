#include "io/mbox.h"

#include <algorithm>

namespace bounceback::io {
namespace {

constexpr std::string_view kSeparator = "\nFrom ";
constexpr std::string_view kQuotedEnvelope = ">From ";
// Bytes kept before the unscanned part of the buffer: a separator split across two feeds is
// "\r\n" + "\nFrom" before its last byte arrives.
constexpr size_t kLookback = 2 + kSeparator.size();

bool blank_line_before(std::string_view data, size_t newline) {
  if (newline >= 1 && data[newline - 1] == '\n') return true;
  return newline >= 2 && data[newline - 2] == '\n' && data[newline - 1] == '\r';
}

// Position of the next envelope line that starts at or after `from` and follows a blank line.
size_t find_envelope(std::string_view data, size_t from) {
  for (size_t newline = data.find(kSeparator, from == 0 ? 0 : from - 1); newline != std::string_view::npos;
       newline = data.find(kSeparator, newline + 1)) {
    if (blank_line_before(data, newline)) return newline + 1;
  }
  return std::string_view::npos;
}

// Start of the next line at or after `from` that is a quoted envelope: ">From ", ">>From ", ...
size_t find_quoted_envelope(std::string_view body, size_t from) {
  for (size_t hit = body.find(kQuotedEnvelope, from); hit != std::string_view::npos;
       hit = body.find(kQuotedEnvelope, hit + 1)) {
    size_t line = hit;
    while (line > from && body[line - 1] == '>') --line;
    if (line == 0 || body[line - 1] == '\n') return line;
  }
  return std::string_view::npos;
}

// Drops the line ending of the blank line that separates a message from the next envelope.
std::string_view drop_separating_blank_line(std::string_view raw) {
  if (raw.ends_with("\n\n")) return raw.substr(0, raw.size() - 1);
  if (raw.ends_with("\n\r\n")) return raw.substr(0, raw.size() - 2);
  return raw;
}

}  // namespace

std::string unquote_mbox_message(std::string_view raw) {
  const std::string_view message_lines = drop_separating_blank_line(raw);
  // The envelope line ends with LF, CRLF, or (a lone message saved on classic Mac OS) CR.
  size_t body_start = message_lines.find_first_of("\r\n");
  if (body_start == std::string_view::npos) return {};
  body_start += message_lines.compare(body_start, 2, "\r\n") == 0 ? 2 : 1;
  const std::string_view body = message_lines.substr(body_start);

  std::string message;
  message.reserve(body.size());
  size_t copied = 0;
  for (size_t line = find_quoted_envelope(body, 0); line != std::string_view::npos;
       line = find_quoted_envelope(body, copied)) {
    message.append(body, copied, line - copied);
    copied = line + 1;  // one level of quoting goes
  }
  message.append(body, copied);
  return message;
}

void MboxSplitter::feed(std::string_view bytes) {
  if (start_ > 0) {
    buffer_.erase(0, start_);
    scan_ -= std::min(scan_, start_);
    start_ = 0;
  }
  buffer_.append(bytes);
}

std::optional<MboxEntry> MboxSplitter::next() {
  while (start_ < buffer_.size()) {
    const size_t envelope = find_envelope(buffer_, std::max(scan_, start_ + 1));
    if (envelope != std::string::npos) {
      if (auto entry = take(envelope)) return entry;
      continue;
    }
    if (finished_) return take(buffer_.size());
    wait_for_more();
    // The last kLookback bytes may be the start of the next envelope line, not of this message.
    if (!skipping_ && buffer_.size() - start_ > max_message_bytes_ + kLookback) {
      skipping_ = true;
      return MboxEntry{++number_, {}, true};
    }
    return std::nullopt;
  }
  return std::nullopt;
}

// Ends the current message at `end`; nothing when it was already reported as too large.
std::optional<MboxEntry> MboxSplitter::take(size_t end) {
  const size_t begin = start_;
  start_ = end;
  scan_ = end + 1;
  if (skipping_) {
    skipping_ = false;
    return std::nullopt;
  }
  if (end - begin > max_message_bytes_) return MboxEntry{++number_, {}, true};
  return MboxEntry{++number_, unquote_mbox_message(std::string_view(buffer_).substr(begin, end - begin)), false};
}

// Nothing more is complete: remember where to resume the search, and let an oversize message's
// bytes go (all but the lookback) so that it never has to fit in memory.
void MboxSplitter::wait_for_more() {
  const size_t resume = buffer_.size() > kLookback ? buffer_.size() - kLookback : 0;
  scan_ = std::max(start_ + 1, resume);
  if (skipping_) start_ = std::max(start_, resume);
}

}  // namespace bounceback::io
