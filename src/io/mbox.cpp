#include "io/mbox.h"

#include <algorithm>
#include <cstring>
#include <utility>

namespace bounceback::io {
namespace {

constexpr std::string_view kQuotedEnvelope = ">From ";
// Bytes kept before the unscanned part of the buffer: a separator split across two feeds is
// "\r\n" + "\nFrom" before its last byte arrives.
constexpr size_t kLookback = 8;
// A buffer grown past this for a large message is let go rather than kept for the next mbox.
constexpr size_t kLargestKeptBuffer = size_t{4} << 20;

bool blank_line_before(const char* data, size_t newline) {
  if (newline >= 1 && data[newline - 1] == '\n') return true;
  return newline >= 2 && data[newline - 2] == '\n' && data[newline - 1] == '\r';
}

// REQUIRES: at >= 1.
bool starts_after_blank_line(const char* data, size_t at) {
  return data[at - 1] == '\n' && blank_line_before(data, at - 1);
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

void unquote_envelopes(std::string_view body, std::string& message) {
  message.clear();
  message.reserve(body.size());
  size_t copied = 0;
  for (size_t line = find_quoted_envelope(body, 0); line != std::string_view::npos;
       line = find_quoted_envelope(body, copied)) {
    message.append(body, copied, line - copied);
    copied = line + 1;  // one level of quoting goes
  }
  message.append(body, copied);
}

// Drops the line ending of the blank line that separates a message from the next envelope.
std::string_view drop_separating_blank_line(std::string_view raw) {
  if (raw.ends_with("\n\n")) return raw.substr(0, raw.size() - 1);
  if (raw.ends_with("\n\r\n")) return raw.substr(0, raw.size() - 2);
  return raw;
}

// Where the line after the first one starts. The envelope line ends with LF, CRLF, or (a lone
// message saved on classic Mac OS) CR.
size_t after_first_line(std::string_view lines) {
  const size_t lf = lines.find('\n');
  const size_t cr = lines.substr(0, lf).find('\r');
  if (cr != std::string_view::npos) return cr + 1 == lf ? lf + 1 : cr + 1;
  return lf == std::string_view::npos ? lf : lf + 1;
}

// The message in `raw` without its envelope line and the blank line after it, still quoted.
std::string_view quoted_body(std::string_view raw) {
  const std::string_view message_lines = drop_separating_blank_line(raw);
  const size_t body_start = after_first_line(message_lines);
  if (body_start == std::string_view::npos) return {};
  return message_lines.substr(body_start);
}

}  // namespace

std::string unquote_mbox_message(std::string_view raw) {
  std::string message;
  unquote_envelopes(quoted_body(raw), message);
  return message;
}

void MboxSplitter::restart() {
  if (capacity_ > kLargestKeptBuffer) {
    buffer_.reset();
    capacity_ = 0;
  }
  size_ = start_ = scan_ = number_ = 0;
  quoted_envelope_seen_ = skipping_ = finished_ = false;
}

std::span<char> MboxSplitter::space_for(size_t bytes) {
  if (capacity_ - size_ < bytes) {
    const size_t kept = size_ - start_;
    if (kept + bytes > capacity_) {
      capacity_ = std::max(kept + bytes, 2 * capacity_);
      auto grown = std::make_unique_for_overwrite<char[]>(capacity_);
      if (kept > 0) std::memcpy(grown.get(), buffer_.get() + start_, kept);
      buffer_ = std::move(grown);
    } else if (kept > 0) {
      std::memmove(buffer_.get(), buffer_.get() + start_, kept);
    }
    scan_ -= std::min(scan_, start_);
    size_ = kept;
    start_ = 0;
  }
  return {buffer_.get() + size_, capacity_ - size_};
}

void MboxSplitter::feed(std::string_view bytes) {
  if (bytes.empty()) return;
  std::memcpy(space_for(bytes.size()).data(), bytes.data(), bytes.size());
  appended(bytes.size());
}

std::optional<MboxEntry> MboxSplitter::next(std::string& memory) {
  while (start_ < size_) {
    const size_t envelope = find_envelope(std::max(scan_, start_ + 1));
    if (envelope != std::string::npos) {
      if (auto entry = take(envelope, memory)) return entry;
      continue;
    }
    if (finished_) return take(size_, memory);
    wait_for_more();
    // The last kLookback bytes may be the start of the next envelope line, not of this message.
    if (!skipping_ && size_ - start_ > max_message_bytes_ + kLookback) {
      skipping_ = true;
      return MboxEntry{++number_, {}, true};
    }
    return std::nullopt;
  }
  return std::nullopt;
}

// Position of the next envelope line at or after `from` (>= 1). It looks for 'F', the rarest byte
// of "From ", rather than at every line, and notes on the way whether a "From " follows a '>': only
// then can the message have quoted envelopes to undo, otherwise it is copied as it is.
size_t MboxSplitter::find_envelope(size_t from) {
  const char* data = buffer_.get();
  for (size_t at = from; at + kMboxEnvelope.size() <= size_; ++at) {
    const void* hit = std::memchr(data + at, 'F', size_ - kMboxEnvelope.size() + 1 - at);
    if (hit == nullptr) break;
    at = static_cast<size_t>(static_cast<const char*>(hit) - data);
    if (std::memcmp(data + at + 1, kMboxEnvelope.data() + 1, kMboxEnvelope.size() - 1) != 0) continue;
    if (data[at - 1] == '>') {
      quoted_envelope_seen_ = true;
    } else if (starts_after_blank_line(data, at)) {
      return at;
    }
  }
  return std::string::npos;
}

// Ends the current message at `end`; nothing when it was already reported as too large.
std::optional<MboxEntry> MboxSplitter::take(size_t end, std::string& memory) {
  const size_t begin = start_;
  const bool quoted = std::exchange(quoted_envelope_seen_, false);
  start_ = end;
  scan_ = end + 1;
  if (skipping_) {
    skipping_ = false;
    return std::nullopt;
  }
  if (end - begin > max_message_bytes_) return MboxEntry{++number_, {}, true};
  const std::string_view body = quoted_body(std::string_view(buffer_.get() + begin, end - begin));
  if (quoted) {
    unquote_envelopes(body, memory);
  } else {
    memory.assign(body);
  }
  return MboxEntry{++number_, std::move(memory), false};
}

// Nothing more is complete: remember where to resume the search, and let an oversize message's
// bytes go (all but the lookback) so that it never has to fit in memory.
void MboxSplitter::wait_for_more() {
  const size_t resume = size_ > kLookback ? size_ - kLookback : 0;
  scan_ = std::max(start_ + 1, resume);
  if (skipping_) start_ = std::max(start_, resume);
}

}  // namespace bounceback::io
