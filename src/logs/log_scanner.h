// Delivery records from MTA logs (Postfix, Exim, Sendmail, OpenSMTPD), line by line in bounded
// memory: the same records and explanations as decoding the bounce messages would give.
#pragma once

#include <cstddef>
#include <cstdint>
#include <ctime>
#include <functional>
#include <list>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "bounceback/record.h"
#include "logs/line_reader.h"
#include "report/report.h"

namespace bounceback::logs {

struct ScanOptions {
  // Also give records of kind "delivered". Default: failures and delays only.
  bool include_delivered = false;
  // Messages whose sender and Message-ID are remembered until their delivery lines come.
  // Default: 50000, Postfix's default active queue limit is 20000.
  size_t max_open_messages = 50000;
  // Malformed lines quoted in the stats (all are counted). Default: 5.
  size_t max_examples = 5;
};

struct ScanStats {
  uint64_t lines = 0;
  uint64_t records = 0;
  uint64_t skipped = 0;       // lines of a known MTA that say nothing about a delivery (connections, ...)
  uint64_t unrecognised = 0;  // lines of no known MTA, and the rest of a line the logger split
  uint64_t malformed = 0;     // delivery lines of a known MTA missing what they must carry
  std::vector<std::string> malformed_examples;  // "mail.log:17: <problem>: <the line>"
};

using RecordCallback = std::function<void(const Record&)>;

// Not thread-safe: one scanner per stream of logs. Queue state carries over from one file to the
// next, so rotated logs given oldest first join across the rotation.
class LogScanner {
 public:
  explicit LogScanner(const ScanOptions& options = {});

  // One line of the log `name`, numbered from 1. `reference` dates lines without a year: the
  // file's modification time.
  void scan_line(std::string_view line, std::string_view name, uint64_t number, std::time_t reference,
                 const RecordCallback& emit);
  // Every line of `reader`; false (with the reason in `error`) when reading failed part-way.
  bool scan(LineReader& reader, std::string_view name, const RecordCallback& emit, std::string& error);

  const ScanStats& stats() const { return stats_; }

 private:
  struct QueuedMessage {
    std::optional<std::string> sender;
    std::string message_id;
    std::vector<report::RecipientEvidence> deferred;  // Postfix: who bounces if the message expires
  };
  struct LineContext;

  QueuedMessage* find_message(const LineContext& context);
  QueuedMessage& touch_message(const LineContext& context);
  void forget_message(const LineContext& context);
  void note_malformed(const LineContext& context, std::string_view problem);
  void remember_message(const LineContext& context);
  void emit_delivery(const LineContext& context, const RecordCallback& emit);
  void emit_expired_queue(const LineContext& context, const RecordCallback& emit);
  Record base_record(const LineContext& context, const QueuedMessage* message) const;
  void emit(const Record& base, const report::RecipientEvidence& evidence, const RecordCallback& callback);

  ScanOptions options_;
  ScanStats stats_;
  // Open messages by "host queue-id", least recently seen last.
  std::list<std::pair<std::string, QueuedMessage>> messages_;
  std::unordered_map<std::string_view, std::list<std::pair<std::string, QueuedMessage>>::iterator> index_;
  std::string key_;  // reused for lookups
};

}  // namespace bounceback::logs
