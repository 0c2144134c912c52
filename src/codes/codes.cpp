// The built-in code tables and their lookups. The tables are constexpr arrays built from the .def
// files beside this file; their order is checked at compile time so that the lookups can be
// binary searches that never allocate.
#include "bounceback/codes.h"

#include <algorithm>
#include <iterator>

namespace bounceback {
namespace {

constexpr ReplyCodeInfo kReplyCodes[] = {
#define BB_REPLY_CODE(code, standard, title, explanation, reference, side, ...) \
  ReplyCodeInfo{code, standard, title, explanation, reference, Side::side, {__VA_ARGS__}},
#include "codes/reply_codes.def"
#undef BB_REPLY_CODE
};

constexpr StatusCodeInfo kStatusCodes[] = {
#define BB_STATUS_CODE(subject, detail, standard, title, explanation, reference, basic_codes, side, ...) \
  StatusCodeInfo{subject, detail, standard, title, explanation, reference, basic_codes, Side::side, {__VA_ARGS__}},
#define BB_STATUS_CODE_RANGE(subject, first, last, detail)
#include "codes/status_codes.def"
#undef BB_STATUS_CODE
#undef BB_STATUS_CODE_RANGE
};

// A provider's range of details that share one entry.
struct StatusRange {
  int subject;
  int first;
  int last;
  int detail;
};

constexpr StatusRange kStatusRanges[] = {
#define BB_STATUS_CODE(...)
#define BB_STATUS_CODE_RANGE(subject, first, last, detail) StatusRange{subject, first, last, detail},
#include "codes/status_codes.def"
#undef BB_STATUS_CODE
#undef BB_STATUS_CODE_RANGE
};

constexpr bool reply_before(const ReplyCodeInfo& a, const ReplyCodeInfo& b) { return a.code < b.code; }

constexpr bool status_before(const StatusCodeInfo& a, const StatusCodeInfo& b) {
  return a.subject != b.subject ? a.subject < b.subject : a.detail < b.detail;
}

// Strictly ascending: sorted for the binary search and free of duplicates.
template <typename Table, typename Less>
constexpr bool strictly_ascending(const Table& table, Less less) {
  return std::adjacent_find(std::begin(table), std::end(table),
                            [less](const auto& a, const auto& b) { return !less(a, b); }) == std::end(table);
}

// Every entry must be explainable: a title, an explanation, a reference and at least one advice.
template <typename Table>
constexpr bool all_complete(const Table& table) {
  return std::all_of(std::begin(table), std::end(table), [](const auto& info) {
    return !info.title.empty() && !info.explanation.empty() && !info.reference.empty() && !info.advice[0].empty();
  });
}

static_assert(strictly_ascending(kReplyCodes, reply_before), "reply_codes.def must be in ascending order, once each");
static_assert(strictly_ascending(kStatusCodes, status_before),
              "status_codes.def must be in ascending order, once each");
static_assert(all_complete(kReplyCodes), "every reply code needs a title, explanation, reference and advice");
static_assert(all_complete(kStatusCodes), "every status code needs a title, explanation, reference and advice");

constexpr bool ranges_name_entries() {
  return std::all_of(std::begin(kStatusRanges), std::end(kStatusRanges), [](const StatusRange& range) {
    return range.first <= range.last &&
           std::any_of(std::begin(kStatusCodes), std::end(kStatusCodes), [&](const StatusCodeInfo& info) {
             return info.subject == range.subject && info.detail == range.detail;
           });
  });
}
static_assert(ranges_name_entries(), "every BB_STATUS_CODE_RANGE must name an entry of the table");

const StatusCodeInfo* find_exact_status_code(int subject, int detail) {
  const StatusCodeInfo key{subject, detail, false, {}, {}, {}, {}, Side::kNone, {}};
  const auto* it = std::lower_bound(std::begin(kStatusCodes), std::end(kStatusCodes), key, status_before);
  return it != std::end(kStatusCodes) && it->subject == subject && it->detail == detail ? it : nullptr;
}

}  // namespace

const ReplyCodeInfo* find_reply_code(int code) {
  const ReplyCodeInfo key{code, false, {}, {}, {}, Side::kNone, {}};
  const auto* it = std::lower_bound(std::begin(kReplyCodes), std::end(kReplyCodes), key, reply_before);
  return it != std::end(kReplyCodes) && it->code == code ? it : nullptr;
}

const StatusCodeInfo* find_status_code(int subject, int detail) {
  if (const StatusCodeInfo* exact = find_exact_status_code(subject, detail)) return exact;
  for (const StatusRange& range : kStatusRanges) {
    if (range.subject == subject && detail >= range.first && detail <= range.last) {
      return find_exact_status_code(subject, range.detail);
    }
  }
  return nullptr;
}

std::span<const ReplyCodeInfo> all_reply_codes() { return kReplyCodes; }

std::span<const StatusCodeInfo> all_status_codes() { return kStatusCodes; }

}  // namespace bounceback
