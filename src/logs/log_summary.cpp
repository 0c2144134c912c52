// Counting and writing the summary.
#include "logs/log_summary.h"

#include <algorithm>

#include "bounceback/output.h"
#include "util/text.h"

namespace bounceback::logs {
namespace {

constexpr size_t kMaxKeys = 10000;
constexpr size_t kListed = 10;
constexpr size_t kMaxPatternBytes = 300;

bool is_local_part_char(char c) {
  return util::is_alnum(c) || c == '.' || c == '_' || c == '-' || c == '+' || c == '=' || c == '%';
}
bool is_domain_char(char c) { return util::is_alnum(c) || c == '.' || c == '-'; }

std::string domain_of(const std::optional<std::string>& address) {
  if (!address) return "(none)";
  const size_t at = address->rfind('@');
  return at == std::string::npos ? "(none)" : address->substr(at + 1);
}

std::string host_of(const Record& record) {
  if (record.remote_mta) return *record.remote_mta;
  if (record.remote_ip) return *record.remote_ip;
  return "(none)";
}

void append_count_line(uint64_t count, std::string_view label, std::string& out) {
  std::string number = std::to_string(count);
  if (number.size() < 8) out.append(8 - number.size(), ' ');
  out += number;
  out += "  ";
  out += label;
  out += '\n';
}

void append_section(std::string_view title, const Tally& tally, std::string& out) {
  const auto rows = tally.top(kListed);
  if (rows.empty()) return;
  out += '\n';
  out += title;
  out += '\n';
  for (const auto& [key, count] : rows) append_count_line(count, key, out);
  if (tally.other() > 0) append_count_line(tally.other(), "(other)", out);
}

void append_json_section(std::string_view name, std::string_view key_name, const Tally& tally, std::string& out) {
  out += ",\"";
  out += name;
  out += "\":[";
  bool first = true;
  for (const auto& [key, count] : tally.top(kListed)) {
    if (!first) out += ',';
    first = false;
    out += "{\"";
    out += key_name;
    out += "\":";
    append_json_string(key, out);
    out += ",\"count\":" + std::to_string(count) + "}";
  }
  out += ']';
}

}  // namespace

void Tally::add(std::string_view key) {
  const auto found = counts_.find(std::string(key));
  if (found != counts_.end()) {
    ++found->second;
  } else if (counts_.size() < max_keys_) {
    counts_.emplace(std::string(key), 1);
  } else {
    ++other_;
  }
}

std::vector<std::pair<std::string, uint64_t>> Tally::top(size_t limit) const {
  std::vector<std::pair<std::string, uint64_t>> rows(counts_.begin(), counts_.end());
  const size_t shown = std::min(limit, rows.size());
  std::partial_sort(rows.begin(), rows.begin() + static_cast<std::ptrdiff_t>(shown), rows.end(),
                    [](const auto& a, const auto& b) {
                      return a.second != b.second ? a.second > b.second : a.first < b.first;
                    });
  rows.resize(shown);
  return rows;
}

std::string diagnostic_pattern(std::string_view diagnostic) {
  std::string out;
  size_t copied = 0;
  for (size_t at = diagnostic.find('@'); at != std::string_view::npos; at = diagnostic.find('@', at + 1)) {
    size_t start = at;
    while (start > copied && is_local_part_char(diagnostic[start - 1])) --start;
    size_t end = at + 1;
    while (end < diagnostic.size() && is_domain_char(diagnostic[end])) ++end;
    if (start == at || end == at + 1) continue;
    out.append(diagnostic.substr(copied, start - copied));
    out += start > 0 && diagnostic[start - 1] == '<' ? "address" : "<address>";
    copied = end;
    at = end - 1;
  }
  out.append(diagnostic.substr(copied));
  if (out.size() > kMaxPatternBytes) out.resize(kMaxPatternBytes);
  return out;
}

LogSummary::LogSummary() : reasons_(kMaxKeys), domains_(kMaxKeys), hosts_(kMaxKeys), diagnostics_(kMaxKeys) {}

void LogSummary::add(const Record& record) {
  if (record.kind == Kind::kDelivered) {
    ++delivered_;
    return;
  }
  (record.kind == Kind::kDelay ? delays_ : bounces_)++;
  if (record.hard_bounce) ++hard_;
  reasons_.add(to_string(record.reason));
  domains_.add(domain_of(record.recipient));
  hosts_.add(host_of(record));
  diagnostics_.add(record.diagnostic ? diagnostic_pattern(*record.diagnostic) : "(none)");
}

std::string LogSummary::text(const ScanStats& stats) const {
  std::string out = "Delivery problems in " + std::to_string(stats.lines) + " log lines: " + std::to_string(bounces_) +
                    " bounced (" + std::to_string(hard_) + " hard), " + std::to_string(delays_) + " delayed";
  if (delivered_ > 0) out += ", " + std::to_string(delivered_) + " delivered";
  out += '\n';
  append_section("By reason:", reasons_, out);
  append_section("By recipient domain:", domains_, out);
  append_section("By remote host:", hosts_, out);
  append_section("Most frequent diagnostics:", diagnostics_, out);
  return out;
}

std::string LogSummary::json(const ScanStats& stats) const {
  std::string out = "{\"lines\":" + std::to_string(stats.lines) + ",\"records\":" + std::to_string(stats.records) +
                    ",\"bounced\":" + std::to_string(bounces_) + ",\"hard_bounces\":" + std::to_string(hard_) +
                    ",\"delayed\":" + std::to_string(delays_) + ",\"delivered\":" + std::to_string(delivered_);
  append_json_section("reasons", "reason", reasons_, out);
  append_json_section("recipient_domains", "domain", domains_, out);
  append_json_section("remote_hosts", "host", hosts_, out);
  append_json_section("diagnostics", "diagnostic", diagnostics_, out);
  out += "}\n";
  return out;
}

}  // namespace bounceback::logs
