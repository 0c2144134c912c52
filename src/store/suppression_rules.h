// The suppression policy, once for both back ends: what one stored record does to the suppression
// list of its recipient. The back end supplies the reads and writes, inside its open transaction,
// with the recipient's entry locked against other writers.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "bounceback/record.h"
#include "bounceback/result.h"
#include "store/store.h"

namespace bounceback::store {

// What one event adds to a suppression's counters.
struct Counts {
  int64_t bounces = 0;
  int64_t soft = 0;
  int64_t hard = 0;
  int64_t complaints = 0;
};

// One back end's view of the suppression state of a recipient (an address key).
class SuppressionLedger {
 public:
  virtual ~SuppressionLedger() = default;

  virtual Result<std::optional<Suppression>> find_suppression(const std::string& recipient) = 0;
  // The point from which bounces count again (a lift or a delivery), if any.
  virtual Result<std::optional<int64_t>> count_reset(const std::string& recipient) = 0;
  // When the stored soft bounces of the recipient that count toward suppressing it (see
  // counts_toward_suppression) happened, those in [from, to], ascending.
  virtual Result<std::vector<int64_t>> soft_bounce_times(const std::string& recipient, int64_t from, int64_t to) = 0;
  // Creates the suppression, or adds `counts` to it, widening its first and last bounce.
  virtual std::optional<Error> add_to_suppression(const std::string& recipient, Reason reason, int64_t first,
                                                  int64_t last, const Counts& counts) = 0;
  virtual std::optional<Error> delete_suppression(const std::string& recipient) = 0;
  // Moves the count reset point to `from` unless it is later already.
  virtual std::optional<Error> reset_counting(const std::string& recipient, int64_t from) = 0;
};

// Whether a record is a soft bounce that counts toward the soft-bounce threshold: not one on the
// sender's side (blocked, bad reputation, authentication, rate limits...), where the address is
// not at fault. The back ends store this as the event's side and count by it.
bool counts_toward_suppression(const Record& record);

// Applies one record, already stored as an event that happened at `occurred_at`, to the
// suppression of `recipient` (its address key).
std::optional<Error> apply_to_suppressions(SuppressionLedger& ledger, const SuppressionPolicy& policy,
                                           const std::string& recipient, const Record& record, int64_t occurred_at);

}  // namespace bounceback::store
