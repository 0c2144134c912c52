#include "store/suppression_rules.h"

#include <algorithm>
#include <limits>

#include "store/timestamps.h"

namespace bounceback::store {
namespace {

// What one record does to the suppression list of its recipient.
enum class Effect { kNone, kHardBounce, kSoftBounce, kComplaint, kDelivered };

Effect effect_of(const Record& record) {
  switch (record.kind) {
    case Kind::kBounce: return record.hard_bounce ? Effect::kHardBounce : Effect::kSoftBounce;
    case Kind::kFeedback: return Effect::kComplaint;
    case Kind::kDelivered: return Effect::kDelivered;
    case Kind::kNone:
    case Kind::kDelay:  // the MTA is still trying: not a failure yet
    case Kind::kRelayed:
    case Kind::kExpanded:
    case Kind::kAutoreply: return Effect::kNone;  // a vacation reply says nothing about the mailbox
  }
  return Effect::kNone;
}

// A soft bounce adds to an existing suppression; otherwise it suppresses once the soft bounces in
// the window (this one included) reach the threshold.
std::optional<Error> apply_soft_bounce(SuppressionLedger& ledger, const SuppressionPolicy& policy,
                                       const std::string& recipient, Reason reason, int64_t occurred_at,
                                       int64_t counts_from) {
  const Result<std::optional<Suppression>> existing = ledger.find_suppression(recipient);
  if (!existing) return existing.error();
  if (*existing) return ledger.add_to_suppression(recipient, reason, occurred_at, occurred_at, Counts{1, 1, 0, 0});

  const int64_t window_start = std::max(occurred_at - policy.soft_window_seconds, counts_from);
  const Result<SoftBounces> soft = ledger.soft_bounces(recipient, window_start, occurred_at);
  if (!soft) return soft.error();
  if (soft->count < policy.soft_threshold) return std::nullopt;
  return ledger.add_to_suppression(recipient, reason, soft->first.value_or(occurred_at), occurred_at,
                                   Counts{soft->count, soft->count, 0, 0});
}

// A delivery proves the address works again, unless a bounce came after it.
std::optional<Error> apply_delivery(SuppressionLedger& ledger, const std::string& recipient, int64_t occurred_at) {
  const Result<std::optional<Suppression>> existing = ledger.find_suppression(recipient);
  if (!existing) return existing.error();
  if (*existing) {
    const std::optional<int64_t> last_bounce = parse_rfc3339((*existing)->last_bounce);
    if (last_bounce && *last_bounce > occurred_at) return std::nullopt;
    if (auto error = ledger.delete_suppression(recipient)) return error;
  }
  return ledger.reset_counting(recipient, occurred_at);
}

}  // namespace

std::optional<Error> apply_to_suppressions(SuppressionLedger& ledger, const SuppressionPolicy& policy,
                                           const std::string& recipient, const Record& record, int64_t occurred_at) {
  const Effect effect = effect_of(record);
  if (effect == Effect::kNone) return std::nullopt;
  if (effect == Effect::kDelivered) return apply_delivery(ledger, recipient, occurred_at);
  const Result<std::optional<int64_t>> reset = ledger.count_reset(recipient);
  if (!reset) return reset.error();
  // Reports older than a lift or a delivery are history: they do not suppress again.
  if (*reset && occurred_at < **reset) return std::nullopt;
  switch (effect) {
    case Effect::kHardBounce:
      return ledger.add_to_suppression(recipient, record.reason, occurred_at, occurred_at, Counts{1, 0, 1, 0});
    case Effect::kComplaint:
      return ledger.add_to_suppression(recipient, record.reason, occurred_at, occurred_at, Counts{1, 0, 0, 1});
    case Effect::kSoftBounce:
      return apply_soft_bounce(ledger, policy, recipient, record.reason, occurred_at,
                               reset->value_or(std::numeric_limits<int64_t>::min()));
    case Effect::kNone:
    case Effect::kDelivered: break;
  }
  return std::nullopt;
}

}  // namespace bounceback::store
