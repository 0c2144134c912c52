#include "store/common.h"

#include <algorithm>
#include <charconv>
#include <limits>
#include <optional>
#include <utility>

#include "bounceback/output.h"
#include "formats/json_scan.h"
#include "store/timestamps.h"
#include "util/text.h"

namespace bounceback::store {
namespace {

namespace json = formats::json;

Kind kind_named(std::string_view name) {
  static constexpr Kind kKinds[] = {Kind::kNone,     Kind::kBounce,   Kind::kDelay,    Kind::kDelivered,
                                    Kind::kRelayed,  Kind::kExpanded, Kind::kFeedback, Kind::kAutoreply};
  for (const Kind kind : kKinds) {
    if (to_string(kind) == name) return kind;
  }
  return Kind::kNone;
}

Side side_named(std::string_view name) {
  static constexpr Side kSides[] = {Side::kNone, Side::kSender, Side::kRecipient, Side::kNetwork};
  for (const Side side : kSides) {
    if (to_string(side) == name) return side;
  }
  return Side::kNone;
}

std::optional<int> integer_named(std::string_view digits) {
  int value = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (ec != std::errc() || end != digits.data() + digits.size()) return std::nullopt;
  return value;
}

// A raw JSON member as text: strings unescaped, numbers and true/false as written; nullopt for
// null, absent members, objects and arrays.
std::optional<std::string> scalar(std::string_view raw) {
  if (raw.empty() || raw == "null" || raw.front() == '{' || raw.front() == '[') return std::nullopt;
  if (raw.front() == '"') return json::as_string(raw);
  return std::string(raw);
}

// The scalar fields of append_json(), by name; a field missing here is lost on reading (the
// round-trip test of store_test catches that). The blocklist and advice are read apart.
using FieldSetter = void (*)(Record&, std::string&&);
struct FieldReader {
  std::string_view key;
  FieldSetter set;
};

constexpr FieldReader kFieldReaders[] = {
    {"source", [](Record& r, std::string&& v) { r.source = std::move(v); }},
    {"kind", [](Record& r, std::string&& v) { r.kind = kind_named(v); }},
    {"recipient", [](Record& r, std::string&& v) { r.recipient = std::move(v); }},
    {"original_recipient", [](Record& r, std::string&& v) { r.original_recipient = std::move(v); }},
    {"sender", [](Record& r, std::string&& v) { r.sender = std::move(v); }},
    {"action", [](Record& r, std::string&& v) { r.action = std::move(v); }},
    {"status", [](Record& r, std::string&& v) { r.status = std::move(v); }},
    {"status_inferred", [](Record& r, std::string&& v) { r.status_inferred = v == "true"; }},
    {"reply_code", [](Record& r, std::string&& v) { r.reply_code = integer_named(v); }},
    {"command", [](Record& r, std::string&& v) { r.command = std::move(v); }},
    {"reason", [](Record& r, std::string&& v) { r.reason = reason_from_string(v).value_or(Reason::kUndefined); }},
    {"hard_bounce", [](Record& r, std::string&& v) { r.hard_bounce = v == "true"; }},
    {"side", [](Record& r, std::string&& v) { r.side = side_named(v); }},
    {"diagnostic", [](Record& r, std::string&& v) { r.diagnostic = std::move(v); }},
    {"reporting_mta", [](Record& r, std::string&& v) { r.reporting_mta = std::move(v); }},
    {"remote_mta", [](Record& r, std::string&& v) { r.remote_mta = std::move(v); }},
    {"remote_ip", [](Record& r, std::string&& v) { r.remote_ip = std::move(v); }},
    {"decoder", [](Record& r, std::string&& v) { r.decoder = std::move(v); }},
    {"message_id", [](Record& r, std::string&& v) { r.message_id = std::move(v); }},
    {"original_message_id", [](Record& r, std::string&& v) { r.original_message_id = std::move(v); }},
    {"subject", [](Record& r, std::string&& v) { r.subject = std::move(v); }},
    {"timestamp", [](Record& r, std::string&& v) { r.timestamp = std::move(v); }},
    {"feedback_type", [](Record& r, std::string&& v) { r.feedback_type = std::move(v); }},
    {"provider_type", [](Record& r, std::string&& v) { r.provider_type = std::move(v); }},
    {"provider_subtype", [](Record& r, std::string&& v) { r.provider_subtype = std::move(v); }},
    {"summary", [](Record& r, std::string&& v) { r.summary = std::move(v); }},
};

std::optional<Blocklist> blocklist_from(std::string_view object) {
  if (object.empty() || object.front() != '{') return std::nullopt;
  Blocklist blocklist;
  blocklist.name = scalar(json::member_of(object, "name")).value_or("");
  blocklist.zone = scalar(json::member_of(object, "zone")).value_or("");
  blocklist.listed_ip = scalar(json::member_of(object, "listed_ip")).value_or("");
  return blocklist;
}

std::vector<std::string> advice_from(std::string_view array) {
  std::vector<std::string> advice;
  if (array.empty() || array.front() != '[') return advice;
  for (const std::string_view element : json::elements_of(array)) {
    advice.push_back(json::as_string(element).value_or(""));
  }
  return advice;
}

Error not_a_time(std::string_view name, const std::string& given) {
  return Error{ErrorCode::kInvalidArgument, std::string(name) + " is not a time: '" + given +
                                                "'; give an RFC 3339 time such as 2026-11-25T08:30:00Z (or with an"
                                                " offset, +01:00) or a date such as 2026-11-25 (its start, UTC)"};
}

}  // namespace

std::string address_key(std::string_view address) {
  std::string_view bare = util::trim(address);
  // As copied from a bounce or a header: "<kate@example.com>".
  if (bare.size() >= 2 && bare.front() == '<' && bare.back() == '>') bare = util::trim(bare.substr(1, bare.size() - 2));
  return util::to_lower(bare);
}

std::string domain_of(std::string_view key) {
  const size_t at = key.rfind('@');
  return at == std::string_view::npos ? std::string() : std::string(key.substr(at + 1));
}

std::string domain_key(std::string_view domain) { return util::to_lower(util::trim(domain)); }

int64_t occurred_at(const Record& record, int64_t now) {
  if (!record.timestamp) return now;
  return parse_rfc3339(*record.timestamp).value_or(now);
}

Result<TimeRange> time_range(const EventQuery& query) {
  TimeRange range;
  if (query.since && !(range.since = parse_time_or_date(*query.since))) return not_a_time("since", *query.since);
  if (query.until && !(range.until = parse_time_or_date(*query.until))) return not_a_time("until", *query.until);
  return range;
}

int64_t newest_bound(int64_t before_id) { return before_id > 0 ? before_id : std::numeric_limits<int64_t>::max(); }

EventRow event_row(const Record& record, int64_t now) {
  EventRow row;
  row.stored_at = format_rfc3339(now);
  row.kind = to_string(record.kind);
  if (record.recipient) {
    row.recipient = address_key(*record.recipient);
    row.domain = domain_of(*row.recipient);
  }
  row.reason = to_string(record.reason);
  row.hard_bounce = record.hard_bounce;
  row.side = to_string(record.side);
  row.report_key = report_key(record);
  row.status = record.status;
  row.reply_code = record.reply_code;
  row.timestamp = record.timestamp;
  row.occurred_at = occurred_at(record, now);
  append_json(record, row.record);
  return row;
}

std::optional<std::string> report_key(const Record& record) {
  if (!record.message_id || !record.recipient) return std::nullopt;
  std::string_view id = *record.message_id;
  const size_t first = id.find_first_not_of(kMessageIdTrim);
  if (first == std::string_view::npos) return std::nullopt;
  id = id.substr(first, id.find_last_not_of(kMessageIdTrim) - first + 1);
  const std::string recipient = address_key(*record.recipient);
  if (recipient.empty()) return std::nullopt;
  return std::string(id) + '\n' + recipient + '\n' + std::string(to_string(record.kind));
}

int page_size(int requested) { return std::clamp(requested, 1, kMaxPageSize); }

Result<Record> record_from_json(std::string_view text) {
  const std::string_view object = util::trim(text);
  if (object.empty() || object.front() != '{') {
    return Error{ErrorCode::kIoError, "a stored record is not a JSON object"};
  }
  Record record;
  for (const FieldReader& reader : kFieldReaders) {
    if (std::optional<std::string> value = scalar(json::member_of(object, reader.key))) {
      reader.set(record, std::move(*value));
    }
  }
  record.blocklist = blocklist_from(json::member_of(object, "blocklist"));
  record.advice = advice_from(json::member_of(object, "advice"));
  return record;
}

}  // namespace bounceback::store
