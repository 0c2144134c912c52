// Counters for `GET /metrics` (Prometheus text format). Lock-free: every worker thread updates
// them concurrently with relaxed atomics; a scrape reads a slightly moving but consistent-enough view.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "bounceback/types.h"

namespace bounceback::server {

// What a request was for: the label of the request counter.
enum class Endpoint { kDecode, kExplain, kCodes, kCode, kReasons, kSuppressions, kSuppression, kEvents, kHealth, kMetrics, kPage, kUnknown };
constexpr size_t kEndpointCount = static_cast<size_t>(Endpoint::kUnknown) + 1;
std::string_view endpoint_name(Endpoint endpoint);

class Metrics {
 public:
  void count_request(Endpoint endpoint, int status);
  void observe_decode(std::chrono::microseconds latency);
  void count_record(Reason reason);

  // The Prometheus text exposition of every counter.
  std::string render() const;

 private:
  // The statuses the API answers with; anything else is counted under the last slot, "other".
  static constexpr std::array<int, 9> kStatuses = {200, 400, 401, 404, 405, 413, 500, 503, 0};
  // Decode latency bucket bounds in microseconds (Prometheus `le` in seconds); +Inf is implicit.
  static constexpr std::array<int64_t, 11> kLatencyBounds = {250,   500,    1000,   2500,   5000,  10000,
                                                             25000, 100000, 250000, 1000000, 5000000};
  std::array<std::array<std::atomic<uint64_t>, kStatuses.size()>, kEndpointCount> requests_{};
  std::array<std::atomic<uint64_t>, kLatencyBounds.size() + 1> latency_buckets_{};
  std::atomic<uint64_t> latency_sum_us_{0};
  std::array<std::atomic<uint64_t>, kReasonCount> records_{};
};

}  // namespace bounceback::server
