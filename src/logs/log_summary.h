// The postmaster's morning read of a log: failures counted by reason, recipient domain and remote
// host, and the most frequent diagnostics.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "bounceback/record.h"
#include "logs/log_scanner.h"

namespace bounceback::logs {

// Counts per key, in bounded memory: past `max_keys` distinct keys, new keys count as "other".
class Tally {
 public:
  explicit Tally(size_t max_keys) : max_keys_(max_keys) {}
  void add(std::string_view key);
  // The `limit` largest counts, largest first (ties by key, so the output is stable).
  std::vector<std::pair<std::string, uint64_t>> top(size_t limit) const;
  uint64_t other() const { return other_; }

 private:
  size_t max_keys_;
  std::unordered_map<std::string, uint64_t> counts_;
  uint64_t other_ = 0;
};

class LogSummary {
 public:
  LogSummary();
  void add(const Record& record);
  std::string text(const ScanStats& stats) const;
  std::string json(const ScanStats& stats) const;

 private:
  uint64_t bounces_ = 0;
  uint64_t delays_ = 0;
  uint64_t delivered_ = 0;
  uint64_t hard_ = 0;
  Tally reasons_;
  Tally domains_;
  Tally hosts_;
  Tally diagnostics_;
};

// A diagnostic with its addresses replaced by "<address>", so that the same refusal for many
// recipients counts as one: "550 5.1.1 <jane@example.com>: User unknown" ->
// "550 5.1.1 <address>: User unknown".
std::string diagnostic_pattern(std::string_view diagnostic);

}  // namespace bounceback::logs
