// The endpoints over the bounce store: suppressions and events.
#include <array>
#include <limits>

#include "bounceback/output.h"
#include "server/api.h"
#include "server/params.h"

namespace bounceback::server {
namespace {

constexpr int64_t kMaxPage = 1000;

void append_text_field(std::string_view name, std::string_view value, std::string& out) {
  out += ",\"";
  out += name;
  out += "\":";
  append_json_string(value, out);
}

void append_count_field(std::string_view name, int64_t value, std::string& out) {
  out += ",\"";
  out += name;
  out += "\":";
  out += std::to_string(value);
}

void append_suppression(const store::Suppression& s, std::string& out) {
  out += "{\"recipient\":";
  append_json_string(s.recipient, out);
  append_text_field("domain", s.domain, out);
  append_text_field("reason", s.reason, out);
  append_text_field("first_bounce", s.first_bounce, out);
  append_text_field("last_bounce", s.last_bounce, out);
  append_count_field("bounce_count", s.bounce_count, out);
  append_count_field("soft_count", s.soft_count, out);
  append_count_field("hard_count", s.hard_count, out);
  append_count_field("complaint_count", s.complaint_count, out);
  out += '}';
}

void append_event(const store::StoredEvent& event, std::string& out) {
  out += "{\"id\":" + std::to_string(event.id);
  append_text_field("stored_at", event.stored_at, out);
  append_text_field("message_hash", event.message_hash, out);
  out += ",\"record\":";
  append_json(event.record, out);
  out += '}';
}

Response store_failure(const Error& error) { return error_response(503, "the store failed: " + error.message); }

bool is_kind_name(std::string_view name) {
  static constexpr std::array kKinds = {Kind::kNone,     Kind::kBounce,   Kind::kDelay,    Kind::kDelivered,
                                        Kind::kRelayed,  Kind::kExpanded, Kind::kFeedback, Kind::kAutoreply};
  for (Kind kind : kKinds)
    if (to_string(kind) == name) return true;
  return false;
}

}  // namespace

Response Api::suppressions(const Request& request, std::string_view) {
  store::SuppressionQuery query;
  query.recipient = text_parameter(request, "recipient");
  query.domain = text_parameter(request, "domain");
  const Result<int64_t> limit = integer_parameter(request, "limit", 1, kMaxPage, query.limit);
  if (!limit) return error_response(400, limit.error().message);
  const Result<int64_t> offset = integer_parameter(request, "offset", 0, std::numeric_limits<int64_t>::max(), 0);
  if (!offset) return error_response(400, offset.error().message);
  query.limit = static_cast<int>(*limit);
  query.offset = *offset;

  const Result<std::vector<store::Suppression>> found = store_->suppressions(query);
  if (!found) return store_failure(found.error());
  std::string body = "{\"suppressions\":[";
  for (size_t i = 0; i < found->size(); ++i) {
    if (i) body += ',';
    append_suppression((*found)[i], body);
  }
  body += "]}";
  return json_response(std::move(body));
}

Response Api::suppression(const Request&, std::string_view recipient) {
  const Result<std::optional<store::Suppression>> found = store_->suppression(recipient);
  if (!found) return store_failure(found.error());
  if (!*found) return error_response(404, store::address_key(recipient) + " is not suppressed");
  std::string body;
  append_suppression(**found, body);
  return json_response(std::move(body));
}

Response Api::lift(const Request&, std::string_view recipient) {
  const std::string address = store::address_key(recipient);
  const Result<bool> lifted = store_->lift(address);
  if (!lifted) return store_failure(lifted.error());
  if (!*lifted) return error_response(404, address + " is not suppressed");
  std::string body = "{\"lifted\":true";
  append_text_field("recipient", address, body);
  body += '}';
  return json_response(std::move(body));
}

Response Api::events(const Request& request, std::string_view) {
  store::EventQuery query;
  query.recipient = text_parameter(request, "recipient");
  query.domain = text_parameter(request, "domain");
  query.reason = text_parameter(request, "reason");
  query.kind = text_parameter(request, "kind");
  query.since = text_parameter(request, "since");
  query.until = text_parameter(request, "until");
  if (query.reason && !reason_from_string(*query.reason))
    return error_response(400, "unknown reason '" + *query.reason + "' (see the reasons in DESIGN.md, e.g. userunknown)");
  if (query.kind && !is_kind_name(*query.kind))
    return error_response(400, "unknown kind '" + *query.kind + "' (bounce, delay, delivered, relayed, expanded, feedback, autoreply)");
  const Result<int64_t> limit = integer_parameter(request, "limit", 1, kMaxPage, query.limit);
  if (!limit) return error_response(400, limit.error().message);
  const std::optional<std::string> order = text_parameter(request, "order");
  if (order && *order != "asc" && *order != "desc")
    return error_response(400, "order must be asc (oldest first, the default) or desc (newest first)");
  const bool newest_first = order == "desc";
  const Result<int64_t> after_id = integer_parameter(request, "after_id", 0, std::numeric_limits<int64_t>::max(), 0);
  if (!after_id) return error_response(400, after_id.error().message);
  const Result<int64_t> before_id = integer_parameter(request, "before_id", 0, std::numeric_limits<int64_t>::max(), 0);
  if (!before_id) return error_response(400, before_id.error().message);
  if (newest_first ? *after_id != 0 : *before_id != 0)
    return error_response(400, "after_id pages order=asc, before_id pages order=desc: they do not mix");
  query.limit = static_cast<int>(*limit);
  query.order = newest_first ? store::EventQuery::Order::kNewestFirst : store::EventQuery::Order::kOldestFirst;
  query.after_id = *after_id;
  query.before_id = *before_id;

  const Result<std::vector<store::StoredEvent>> found = store_->events(query);
  // The store checks the times (since, until): a bad one is the caller's mistake, not an outage.
  if (!found && found.error().code == ErrorCode::kInvalidArgument) return error_response(400, found.error().message);
  if (!found) return store_failure(found.error());
  std::string body = "{\"events\":[";
  for (size_t i = 0; i < found->size(); ++i) {
    if (i) body += ',';
    append_event((*found)[i], body);
  }
  // The cursor for the next page: pass it back as after_id (or before_id, newest first). Past
  // the oldest event, before_id stays at the last one given, so a client never wraps round.
  const int64_t start = newest_first ? query.before_id : query.after_id;
  const int64_t next = found->empty() ? start : found->back().id;
  body += newest_first ? "],\"next_before_id\":" : "],\"next_after_id\":";
  body += std::to_string(next) + "}";
  return json_response(std::move(body));
}

}  // namespace bounceback::server
