// Splitting an mbox into its messages, fed in windows so that memory stays bounded by the largest
// message whatever the size of the file (or pipe) it comes from.
//
// A message starts with a "From " envelope line at the start of the data or after a blank line
// (splitting on every "\nFrom " over-counts: bodies quote such lines). The envelope line is
// dropped, so is the blank line mbox writers put between messages, and mboxrd quoting is undone
// (">From " -> "From ", ">>From " -> ">From "; in mboxo files this also turns a genuine ">From "
// into "From ", which changes nothing a decoder looks at). CRLF mboxes, a missing final newline and
// empty messages are accepted.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace bounceback::io {

inline constexpr std::string_view kMboxEnvelope = "From ";

// Whether data that starts a file is an mbox: its first line is an envelope line.
inline bool starts_like_mbox(std::string_view data) { return data.starts_with(kMboxEnvelope); }

// One message of an mbox: `raw` runs from its envelope line up to the next envelope line.
std::string unquote_mbox_message(std::string_view raw);

struct MboxEntry {
  size_t number = 0;       // 1-based position in the mbox
  std::string message;     // the message bytes, see unquote_mbox_message()
  bool too_large = false;  // over the limit: `message` is empty and its bytes are skipped
};

class MboxSplitter {
 public:
  // REQUIRES: the first bytes fed start with kMboxEnvelope.
  explicit MboxSplitter(size_t max_message_bytes) : max_message_bytes_(max_message_bytes) {}

  // Forgets the bytes and the count of messages, to split another mbox with the same memory
  // (unless a large message made it grow).
  void restart();
  // Where at least `bytes` more bytes can be written (e.g. by read()) before appended(): reading
  // straight into the splitter saves copying each window. Bytes of messages already taken are
  // released first.
  std::span<char> space_for(size_t bytes);
  // The first `bytes` of the last space_for() hold the next bytes of the mbox.
  void appended(size_t bytes) { size_ += bytes; }
  // Appends the next bytes of the mbox.
  void feed(std::string_view bytes);
  // The bytes fed and not yet taken as messages.
  std::string_view pending() const { return {buffer_.get() + start_, size_ - start_}; }
  // No more bytes will come: the data after the last envelope line is the last message.
  void finish() { finished_ = true; }
  // The next message that is complete, in order; nullopt when more bytes are needed (or, after
  // finish(), when all are taken). A message over the limit is returned once, as too_large, as
  // soon as the limit is passed, and its bytes are dropped as they arrive.
  std::optional<MboxEntry> next() {
    std::string memory;
    return next(memory);
  }
  // The same, with the message's bytes written into `memory` (an empty string whose capacity they
  // reuse), which is moved into the entry when it is returned with its bytes.
  std::optional<MboxEntry> next(std::string& memory);

 private:
  size_t find_envelope(size_t from);
  std::optional<MboxEntry> take(size_t end, std::string& memory);
  void wait_for_more();

  size_t max_message_bytes_;
  std::unique_ptr<char[]> buffer_;  // left uninitialised: only bytes fed are read
  size_t capacity_ = 0;
  size_t size_ = 0;
  size_t start_ = 0;  // where the current message begins in buffer_
  size_t scan_ = 0;   // where to resume looking for the next envelope line
  size_t number_ = 0;
  bool quoted_envelope_seen_ = false;  // the current message may have ">From " lines to unquote
  bool skipping_ = false;              // the current message is over the limit
  bool finished_ = false;
};

}  // namespace bounceback::io
