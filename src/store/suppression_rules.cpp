#include "store/suppression_rules.h"

#include <algorithm>
#include <cstddef>
#include <limits>
#include <vector>

#include "store/timestamps.h"

namespace bounceback::store {
namespace {

// What one record does to the suppression list of its recipient.
enum class Effect { kNone, kHardBounce, kSoftBounce, kComplaint, kDelivered };

Effect effect_of(const Record& record) {
  switch (record.kind) {
    case Kind::kBounce:
      if (record.hard_bounce) return Effect::kHardBounce;
      // Our IP on a blocklist, our DKIM failing, our rate: the address is fine, so one listing
      // of ours must not suppress every recipient who checks it (gina, blocked by Spamhaus).
      return counts_toward_suppression(record) ? Effect::kSoftBounce : Effect::kNone;
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

// The first span of the window that holds `occurred_at` and enough soft bounces; nullopt when none
// does. `times` are the recipient's soft bounces around it, ascending. Every window the new one
// falls in is checked, not only the one ending at it: reports arrive in any order.
std::optional<size_t> first_full_window(const std::vector<int64_t>& times, const SuppressionPolicy& policy,
                                        int64_t occurred_at) {
  for (size_t start = 0; start < times.size() && times[start] <= occurred_at; ++start) {
    const int64_t window_end = times[start] + policy.soft_window_seconds;
    if (window_end < occurred_at) continue;
    const auto end = std::upper_bound(times.begin() + static_cast<std::ptrdiff_t>(start), times.end(), window_end);
    if (end - (times.begin() + static_cast<std::ptrdiff_t>(start)) >= policy.soft_threshold) return start;
  }
  return std::nullopt;
}

// A soft bounce adds to an existing suppression; otherwise it suppresses once some window that
// holds it (this one included) holds the threshold of soft bounces. The suppression then counts
// the soft bounces from the first of that window on.
std::optional<Error> apply_soft_bounce(SuppressionLedger& ledger, const SuppressionPolicy& policy,
                                       const std::string& recipient, Reason reason, int64_t occurred_at,
                                       int64_t counts_from) {
  const Result<std::optional<Suppression>> existing = ledger.find_suppression(recipient);
  if (!existing) return existing.error();
  if (*existing) return ledger.add_to_suppression(recipient, reason, occurred_at, occurred_at, Counts{1, 1, 0, 0});

  const int64_t from = std::max(occurred_at - policy.soft_window_seconds, counts_from);
  const Result<std::vector<int64_t>> times =
      ledger.soft_bounce_times(recipient, from, occurred_at + policy.soft_window_seconds);
  if (!times) return times.error();
  const std::optional<size_t> start = first_full_window(*times, policy, occurred_at);
  if (!start) return std::nullopt;
  const auto count = static_cast<int64_t>(times->size() - *start);
  return ledger.add_to_suppression(recipient, reason, (*times)[*start], std::max(times->back(), occurred_at),
                                   Counts{count, count, 0, 0});
}

// A delivery proves the address works again, unless a bounce came after it. It proves nothing
// about a complaint: the person still asked for no more mail, and only a lift undoes that.
std::optional<Error> apply_delivery(SuppressionLedger& ledger, const std::string& recipient, int64_t occurred_at) {
  const Result<std::optional<Suppression>> existing = ledger.find_suppression(recipient);
  if (!existing) return existing.error();
  if (*existing && (*existing)->complaint_count == 0) {
    const std::optional<int64_t> last_bounce = parse_rfc3339((*existing)->last_bounce);
    if (last_bounce && *last_bounce > occurred_at) return std::nullopt;
    if (auto error = ledger.delete_suppression(recipient)) return error;
  }
  return ledger.reset_counting(recipient, occurred_at);
}

}  // namespace

bool counts_toward_suppression(const Record& record) {
  return record.kind == Kind::kBounce && !record.hard_bounce && record.side != Side::kSender;
}

std::optional<Error> apply_to_suppressions(SuppressionLedger& ledger, const SuppressionPolicy& policy,
                                           const std::string& recipient, const Record& record, int64_t occurred_at) {
  const Effect effect = effect_of(record);
  if (effect == Effect::kNone) return std::nullopt;
  if (effect == Effect::kDelivered) return apply_delivery(ledger, recipient, occurred_at);
  // A complaint stands whatever came before it: a lift or a delivery earlier than the complaint
  // cannot have meant to undo it.
  if (effect == Effect::kComplaint) {
    return ledger.add_to_suppression(recipient, record.reason, occurred_at, occurred_at, Counts{1, 0, 0, 1});
  }
  const Result<std::optional<int64_t>> reset = ledger.count_reset(recipient);
  if (!reset) return reset.error();
  // Bounces older than a lift or a delivery are history: they do not suppress again.
  if (*reset && occurred_at < **reset) return std::nullopt;
  switch (effect) {
    case Effect::kHardBounce:
      return ledger.add_to_suppression(recipient, record.reason, occurred_at, occurred_at, Counts{1, 0, 1, 0});
    case Effect::kSoftBounce:
      return apply_soft_bounce(ledger, policy, recipient, record.reason, occurred_at,
                               reset->value_or(std::numeric_limits<int64_t>::min()));
    case Effect::kNone:
    case Effect::kComplaint:
    case Effect::kDelivered: break;
  }
  return std::nullopt;
}

}  // namespace bounceback::store
