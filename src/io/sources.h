// Input sources for batch decoding: files, folders, Maildirs, mboxes and standard input, read in
// a deterministic order and handed over one message at a time.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

namespace bounceback::io {

struct InputMessage {
  std::string source;  // "path", "path#N" for the Nth message (1-based) of an mbox, "-" for stdin
  // Owned rather than a view into a mapping: the batch runner hands messages to worker threads
  // and the reader moves on at once. An empty file is an empty message (the decoder then finds
  // no report in it), so that every file counts as one message read.
  std::string bytes;
};

// An input that could not be read, e.g. {"mail/x.eml", "cannot open: Permission denied"}.
struct InputProblem {
  std::string source;
  std::string reason;
};

// Memory for the bytes of the messages read, given back once they are decoded: reading the next
// messages into it saves an allocation per message, and the fresh pages it would fault in. Used by
// the reading thread only. A few buffers are kept, none so large that one unusual message pins it.
class MessageBuffers {
 public:
  // An empty string, with the capacity of a message given back when there is one.
  std::string take();
  // A message's bytes once decoded: kept for take(), or freed.
  void give_back(std::string bytes);

 private:
  static constexpr size_t kMostKept = 16;
  static constexpr size_t kSmallestKept = 256;  // smaller is not worth keeping
  static constexpr size_t kLargestKept = size_t{256} << 10;

  std::vector<std::string> kept_;
};

struct InputHandlers {
  std::function<bool(InputMessage&&)> on_message;  // false stops the reading
  std::function<void(InputProblem&&)> on_problem;
  // Where messages are read into; when null, each gets fresh memory.
  MessageBuffers* buffers = nullptr;
};

struct SourceOptions {
  // Larger messages are refused as problems without being read into memory.
  size_t max_message_bytes = size_t{64} << 20;
  int stdin_fd = 0;  // what "-" reads
};

// Reads every path in order and every message of each, never stopping at a problem:
// - "-" is standard input;
// - a file is one message, or an mbox when its first line is a "From " envelope line;
// - a folder is read recursively, entries sorted by name. In a Maildir (a folder with cur/ or
//   new/) tmp/ holds deliveries in progress and the loose files are the mail server's
//   bookkeeping (dovecot-uidlist, maildirsize), so both are skipped;
// - symbolic links are followed, except one leading back to a folder being read (a loop, which
//   is a problem);
// - pipes and devices are read when named directly, and are problems inside folders.
// Memory is bounded by the largest message plus a read window, however large an mbox is.
// Returns false when on_message stopped the reading.
bool read_inputs(const std::vector<std::string>& paths, const SourceOptions& options,
                 const InputHandlers& handlers);

// "64 MiB", "1500 bytes": how the size limit is named in problems.
std::string describe_size(size_t bytes);

}  // namespace bounceback::io
