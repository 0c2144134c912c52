// What both back ends of the store share: address keys, event times, page sizes and reading a
// stored record back from the JSON it was stored as.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "bounceback/record.h"
#include "bounceback/result.h"
#include "store/store.h"

namespace bounceback::store {

inline constexpr int kMaxPageSize = 1000;

// The suppressions table's columns in the order of Suppression's fields, for SELECT and INSERT.
inline constexpr const char* kSuppressionColumns =
    "recipient, domain, reason, first_bounce, last_bounce, bounce_count, soft_count, hard_count, complaint_count";

// The part after the last '@' of an address key; empty when there is none.
std::string domain_of(std::string_view key);
// A domain as given in a query, in the form domain_of() stores.
std::string domain_key(std::string_view domain);

// When the record's event happened: its report's timestamp, else `now` (Unix seconds).
int64_t occurred_at(const Record& record, int64_t now);

// The columns of one event row besides its id and message hash, in both back ends' schema.
struct EventRow {
  std::string stored_at;                 // RFC 3339 UTC
  std::string kind;
  std::optional<std::string> recipient;  // the address key
  std::optional<std::string> domain;
  std::string reason;
  bool hard_bounce = false;
  std::string side;
  std::optional<std::string> report_key;  // see report_key()
  std::optional<std::string> status;
  std::optional<int> reply_code;
  std::optional<std::string> timestamp;  // the report's own time, as written
  int64_t occurred_at = 0;               // Unix seconds: the report's time, else when stored
  std::string record;                    // the whole record as append_json() writes it
};
EventRow event_row(const Record& record, int64_t now);

// What identifies one report about one recipient whatever its bytes (trace headers added on the
// way, CRLF or LF): the report's own Message-ID, the recipient's address key and the record's
// kind. Nullopt without a Message-ID or a recipient: then only the message hash identifies it.
std::optional<std::string> report_key(const Record& record);

// The characters trimmed from both ends of a Message-ID in report_key(); the schema's migrations
// trim the same ones when they fill the key of events stored before it existed.
inline constexpr std::string_view kMessageIdTrim = " \t<>";

// A requested page size clamped to 1..kMaxPageSize.
int page_size(int requested);

// The event times of a query as Unix seconds; a time that is not RFC 3339 is a kInvalidArgument.
struct TimeRange {
  std::optional<int64_t> since;  // inclusive
  std::optional<int64_t> until;  // exclusive
};
Result<TimeRange> time_range(const EventQuery& query);

// The exclusive upper id bound of a newest-first page: before_id, or past every id when it is 0.
int64_t newest_bound(int64_t before_id);

// The record that append_json() wrote as `json`. Fields missing from the JSON stay at their
// defaults; anything that is not a JSON object is a kIoError (the store was damaged).
Result<Record> record_from_json(std::string_view json);

}  // namespace bounceback::store
