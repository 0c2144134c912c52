#include "server/metrics.h"

#include <cstdio>

namespace bounceback::server {
namespace {

constexpr auto kRelaxed = std::memory_order_relaxed;

void append_seconds(int64_t microseconds, std::string& out) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%g", static_cast<double>(microseconds) / 1e6);
  out += buffer;
}

}  // namespace

std::string_view endpoint_name(Endpoint endpoint) {
  switch (endpoint) {
    case Endpoint::kDecode: return "decode";
    case Endpoint::kExplain: return "explain";
    case Endpoint::kCodes: return "codes";
    case Endpoint::kCode: return "code";
    case Endpoint::kReasons: return "reasons";
    case Endpoint::kSuppressions: return "suppressions";
    case Endpoint::kSuppression: return "suppression";
    case Endpoint::kEvents: return "events";
    case Endpoint::kHealth: return "healthz";
    case Endpoint::kMetrics: return "metrics";
    case Endpoint::kPage: return "page";
    case Endpoint::kUnknown: return "unknown";
  }
  return "unknown";
}

void Metrics::count_request(Endpoint endpoint, int status) {
  size_t slot = 0;
  while (slot + 1 < kStatuses.size() && kStatuses[slot] != status) ++slot;
  requests_[static_cast<size_t>(endpoint)][slot].fetch_add(1, kRelaxed);
}

void Metrics::observe_decode(std::chrono::microseconds latency) {
  size_t bucket = 0;
  while (bucket < kLatencyBounds.size() && latency.count() > kLatencyBounds[bucket]) ++bucket;
  latency_buckets_[bucket].fetch_add(1, kRelaxed);
  latency_sum_us_.fetch_add(static_cast<uint64_t>(latency.count()), kRelaxed);
}

void Metrics::count_record(Reason reason) {
  const auto index = static_cast<size_t>(reason);
  if (index < records_.size()) records_[index].fetch_add(1, kRelaxed);
}

std::string Metrics::render() const {
  std::string out;
  out += "# HELP bounceback_http_requests_total HTTP requests by endpoint and status.\n";
  out += "# TYPE bounceback_http_requests_total counter\n";
  for (size_t e = 0; e < kEndpointCount; ++e) {
    for (size_t s = 0; s < kStatuses.size(); ++s) {
      const uint64_t count = requests_[e][s].load(kRelaxed);
      if (count == 0) continue;
      out += "bounceback_http_requests_total{endpoint=\"";
      out += endpoint_name(static_cast<Endpoint>(e));
      out += "\",status=\"";
      out += kStatuses[s] == 0 ? std::string("other") : std::to_string(kStatuses[s]);
      out += "\"} " + std::to_string(count) + "\n";
    }
  }

  out += "# HELP bounceback_decode_seconds Time to decode one message posted to /v1/decode.\n";
  out += "# TYPE bounceback_decode_seconds histogram\n";
  uint64_t cumulative = 0;
  for (size_t b = 0; b < latency_buckets_.size(); ++b) {
    cumulative += latency_buckets_[b].load(kRelaxed);
    out += "bounceback_decode_seconds_bucket{le=\"";
    if (b < kLatencyBounds.size()) {
      append_seconds(kLatencyBounds[b], out);
    } else {
      out += "+Inf";
    }
    out += "\"} " + std::to_string(cumulative) + "\n";
  }
  out += "bounceback_decode_seconds_sum ";
  append_seconds(static_cast<int64_t>(latency_sum_us_.load(kRelaxed)), out);
  out += "\nbounceback_decode_seconds_count " + std::to_string(cumulative) + "\n";

  out += "# HELP bounceback_records_total Records decoded by /v1/decode, by reason.\n";
  out += "# TYPE bounceback_records_total counter\n";
  for (size_t r = 0; r < records_.size(); ++r) {
    out += "bounceback_records_total{reason=\"";
    out += to_string(static_cast<Reason>(r));
    out += "\"} " + std::to_string(records_[r].load(kRelaxed)) + "\n";
  }
  return out;
}

}  // namespace bounceback::server
