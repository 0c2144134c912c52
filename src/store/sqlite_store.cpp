#include "store/sqlite_store.h"

#include <algorithm>
#include <charconv>
#include <limits>
#include <mutex>
#include <utility>

#include "bounceback/output.h"
#include "store/sqlite_db.h"
#include "store/sqlite_schema.h"
#include "store/timestamps.h"
#include "util/text.h"

namespace bounceback::store {
namespace {

constexpr int kMaxPageSize = 1000;

constexpr const char* kSuppressionColumns =
    "recipient, domain, reason, first_bounce, last_bounce, bounce_count, soft_count, hard_count, complaint_count";

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

// Addresses are keys in any letter case: "Jane@Example.COM" and "jane@example.com" are one entry.
std::string address_key(std::string_view address) { return util::to_lower(util::trim(address)); }

std::string domain_of(std::string_view key) {
  const size_t at = key.rfind('@');
  return at == std::string_view::npos ? std::string() : std::string(key.substr(at + 1));
}

struct Counts {
  int64_t bounces = 0;
  int64_t soft = 0;
  int64_t hard = 0;
  int64_t complaints = 0;
};

// ---- reading a stored record back from its JSON (parsed by SQLite's json_each) ----

struct JsonMember {
  std::string key;
  std::optional<std::string> value;  // text as is; numbers and true/false (1/0) as digits; JSON for objects
};

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

// The scalar fields of append_json(), by name; a field missing here is lost on reading (the
// round-trip test of store_sqlite_test catches that). The blocklist and advice are read apart.
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
    {"status_inferred", [](Record& r, std::string&& v) { r.status_inferred = v == "1"; }},
    {"reply_code", [](Record& r, std::string&& v) { r.reply_code = integer_named(v); }},
    {"command", [](Record& r, std::string&& v) { r.command = std::move(v); }},
    {"reason", [](Record& r, std::string&& v) { r.reason = reason_from_string(v).value_or(Reason::kUndefined); }},
    {"hard_bounce", [](Record& r, std::string&& v) { r.hard_bounce = v == "1"; }},
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

Blocklist blocklist_from(std::vector<JsonMember>&& members) {
  Blocklist blocklist;
  for (JsonMember& member : members) {
    if (!member.value) continue;
    if (member.key == "name") {
      blocklist.name = std::move(*member.value);
    } else if (member.key == "zone") {
      blocklist.zone = std::move(*member.value);
    } else if (member.key == "listed_ip") {
      blocklist.listed_ip = std::move(*member.value);
    }
  }
  return blocklist;
}

class SqliteStore final : public Store {
 public:
  SqliteStore(Connection db, SuppressionPolicy policy) : db_(std::move(db)), policy_(policy) {}

  std::optional<Error> prepare_statements();

  Result<StoreResult> store_message(std::string_view message_hash, const std::vector<Record>& records) override;
  Result<std::vector<StoredEvent>> events(const EventQuery& query) override;
  Result<std::vector<Suppression>> suppressions(const SuppressionQuery& query) override;
  Result<std::optional<Suppression>> suppression(std::string_view recipient) override;
  Result<bool> lift(std::string_view recipient) override;

 private:
  // The statements of the write path, prepared once.
  struct Statements {
    Statement insert_message;
    Statement insert_event;
    Statement find_suppression;
    Statement upsert_suppression;
    Statement delete_suppression;
    Statement count_soft_bounces;
    Statement find_count_reset;
    Statement upsert_count_reset;
    Statement json_members;
  };

  // All private members run with mutex_ held.
  std::optional<Error> store_record(const Record& record, std::string_view message_hash, int64_t now);
  std::optional<Error> apply_to_suppressions(const std::string& recipient, const Record& record, int64_t occurred_at);
  std::optional<Error> apply_soft_bounce(const std::string& recipient, const Record& record, int64_t occurred_at,
                                         int64_t counts_from);
  std::optional<Error> apply_delivery(const std::string& recipient, int64_t occurred_at);
  std::optional<Error> upsert_suppression(const std::string& recipient, Reason reason, int64_t first, int64_t last,
                                          const Counts& counts);
  std::optional<Error> reset_counting(const std::string& recipient, int64_t from);
  Result<std::optional<Suppression>> find_suppression(const std::string& recipient);
  Result<std::optional<int64_t>> count_reset(const std::string& recipient);
  Result<std::vector<JsonMember>> json_members(std::string_view json);
  Result<Record> record_from_json(std::string_view json);

  std::mutex mutex_;
  Connection db_;
  Statements statements_;
  const SuppressionPolicy policy_;
};

Suppression suppression_from_row(const Statement& row) {
  Suppression s;
  s.recipient = row.text(0);
  s.domain = row.text(1);
  s.reason = row.text(2);
  s.first_bounce = row.text(3);
  s.last_bounce = row.text(4);
  s.bounce_count = row.integer(5);
  s.soft_count = row.integer(6);
  s.hard_count = row.integer(7);
  s.complaint_count = row.integer(8);
  return s;
}

std::string select_suppressions_sql() { return std::string("SELECT ") + kSuppressionColumns + " FROM suppressions"; }

std::optional<Error> SqliteStore::prepare_statements() {
  struct Sql {
    Statement Statements::*statement;
    std::string text;
  };
  const Sql statements[] = {
      {&Statements::insert_message, "INSERT OR IGNORE INTO messages (hash, stored_at) VALUES (?1, ?2)"},
      {&Statements::insert_event,
       "INSERT INTO events (stored_at, message_hash, source, kind, recipient, domain, reason, hard_bounce, status,"
       " reply_code, timestamp, occurred_at, record) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)"},
      {&Statements::find_suppression, select_suppressions_sql() + " WHERE recipient = ?1"},
      {&Statements::upsert_suppression,
       std::string("INSERT INTO suppressions (") + kSuppressionColumns +
           ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) ON CONFLICT (recipient) DO UPDATE SET"
           " first_bounce = min(first_bounce, excluded.first_bounce),"
           " last_bounce = max(last_bounce, excluded.last_bounce),"
           " bounce_count = bounce_count + excluded.bounce_count, soft_count = soft_count + excluded.soft_count,"
           " hard_count = hard_count + excluded.hard_count,"
           " complaint_count = complaint_count + excluded.complaint_count"},
      {&Statements::delete_suppression, "DELETE FROM suppressions WHERE recipient = ?1"},
      {&Statements::count_soft_bounces,
       "SELECT count(*), min(occurred_at) FROM events WHERE recipient = ?1 AND kind = 'bounce' AND hard_bounce = 0"
       " AND occurred_at >= ?2 AND occurred_at <= ?3"},
      {&Statements::find_count_reset, "SELECT reset_at FROM count_resets WHERE recipient = ?1"},
      {&Statements::upsert_count_reset,
       "INSERT INTO count_resets (recipient, reset_at) VALUES (?1, ?2)"
       " ON CONFLICT (recipient) DO UPDATE SET reset_at = max(reset_at, excluded.reset_at)"},
      {&Statements::json_members, "SELECT key, value FROM json_each(?1)"},
  };
  for (const Sql& sql : statements) {
    Result<Statement> statement = Statement::prepare(db_.get(), sql.text);
    if (!statement) return statement.error();
    statements_.*sql.statement = std::move(statement).value();
  }
  return std::nullopt;
}

// ---- writing ----

int64_t occurred_at(const Record& record, int64_t now) {
  if (!record.timestamp) return now;
  return parse_rfc3339(*record.timestamp).value_or(now);
}

Result<StoreResult> SqliteStore::store_message(std::string_view message_hash, const std::vector<Record>& records) {
  const std::lock_guard lock(mutex_);
  const int64_t now = now_seconds();
  Transaction transaction(db_.get());
  if (auto error = transaction.begin()) return *error;
  Statement& insert_message = statements_.insert_message.reset().bind(1, message_hash).bind(2, format_rfc3339(now));
  if (auto error = insert_message.run()) return *error;
  if (insert_message.changes() == 0) return StoreResult{0, true};
  for (const Record& record : records) {
    if (auto error = store_record(record, message_hash, now)) return *error;
  }
  if (auto error = transaction.commit()) return *error;
  return StoreResult{records.size(), false};
}

std::optional<Error> SqliteStore::store_record(const Record& record, std::string_view message_hash, int64_t now) {
  const int64_t occurred = occurred_at(record, now);
  std::optional<std::string> recipient;
  std::optional<std::string> domain;
  if (record.recipient) {
    recipient = address_key(*record.recipient);
    domain = domain_of(*recipient);
  }
  std::string json;
  append_json(record, json);
  Statement& insert = statements_.insert_event.reset();
  insert.bind(1, format_rfc3339(now)).bind(2, message_hash).bind(3, record.source).bind(4, to_string(record.kind));
  insert.bind_or_null(5, recipient).bind_or_null(6, domain).bind(7, to_string(record.reason)).bind(8, int64_t{record.hard_bounce});
  insert.bind_or_null(9, record.status).bind_or_null(11, record.timestamp).bind(12, occurred).bind(13, json);
  if (record.reply_code) insert.bind(10, int64_t{*record.reply_code});
  if (auto error = insert.run()) return error;
  if (!recipient || recipient->empty()) return std::nullopt;
  return apply_to_suppressions(*recipient, record, occurred);
}

std::optional<Error> SqliteStore::apply_to_suppressions(const std::string& recipient, const Record& record,
                                                        int64_t occurred_at) {
  const Effect effect = effect_of(record);
  if (effect == Effect::kNone) return std::nullopt;
  if (effect == Effect::kDelivered) return apply_delivery(recipient, occurred_at);
  const Result<std::optional<int64_t>> reset = count_reset(recipient);
  if (!reset) return reset.error();
  // Reports older than a lift or a delivery are history: they do not suppress again.
  if (*reset && occurred_at < **reset) return std::nullopt;
  switch (effect) {
    case Effect::kHardBounce:
      return upsert_suppression(recipient, record.reason, occurred_at, occurred_at, Counts{1, 0, 1, 0});
    case Effect::kComplaint:
      return upsert_suppression(recipient, record.reason, occurred_at, occurred_at, Counts{1, 0, 0, 1});
    case Effect::kSoftBounce: return apply_soft_bounce(recipient, record, occurred_at, reset->value_or(std::numeric_limits<int64_t>::min()));
    case Effect::kNone:
    case Effect::kDelivered: break;
  }
  return std::nullopt;
}

// A soft bounce adds to an existing suppression; otherwise it suppresses once the soft bounces in
// the window (this one included) reach the threshold.
std::optional<Error> SqliteStore::apply_soft_bounce(const std::string& recipient, const Record& record,
                                                    int64_t occurred_at, int64_t counts_from) {
  const Result<std::optional<Suppression>> existing = find_suppression(recipient);
  if (!existing) return existing.error();
  if (*existing) return upsert_suppression(recipient, record.reason, occurred_at, occurred_at, Counts{1, 1, 0, 0});

  const int64_t window_start = std::max(occurred_at - policy_.soft_window_seconds, counts_from);
  Statement& count = statements_.count_soft_bounces.reset().bind(1, recipient).bind(2, window_start).bind(3, occurred_at);
  const Result<bool> row = count.step();
  if (!row) return row.error();
  const int64_t soft_bounces = count.integer(0);
  const int64_t first = count.is_null(1) ? occurred_at : count.integer(1);
  count.reset();
  if (soft_bounces < policy_.soft_threshold) return std::nullopt;
  return upsert_suppression(recipient, record.reason, first, occurred_at, Counts{soft_bounces, soft_bounces, 0, 0});
}

// A delivery proves the address works again, unless a bounce came after it.
std::optional<Error> SqliteStore::apply_delivery(const std::string& recipient, int64_t occurred_at) {
  const Result<std::optional<Suppression>> existing = find_suppression(recipient);
  if (!existing) return existing.error();
  if (*existing) {
    const std::optional<int64_t> last_bounce = parse_rfc3339((*existing)->last_bounce);
    if (last_bounce && *last_bounce > occurred_at) return std::nullopt;
    if (auto error = statements_.delete_suppression.reset().bind(1, recipient).run()) return error;
  }
  return reset_counting(recipient, occurred_at);
}

std::optional<Error> SqliteStore::upsert_suppression(const std::string& recipient, Reason reason, int64_t first,
                                                     int64_t last, const Counts& counts) {
  Statement& upsert = statements_.upsert_suppression.reset();
  upsert.bind(1, recipient).bind(2, domain_of(recipient)).bind(3, to_string(reason));
  upsert.bind(4, format_rfc3339(first)).bind(5, format_rfc3339(last)).bind(6, counts.bounces);
  upsert.bind(7, counts.soft).bind(8, counts.hard).bind(9, counts.complaints);
  return upsert.run();
}

std::optional<Error> SqliteStore::reset_counting(const std::string& recipient, int64_t from) {
  return statements_.upsert_count_reset.reset().bind(1, recipient).bind(2, from).run();
}

Result<std::optional<Suppression>> SqliteStore::find_suppression(const std::string& recipient) {
  Statement& find = statements_.find_suppression.reset().bind(1, recipient);
  const Result<bool> row = find.step();
  if (!row) return row.error();
  std::optional<Suppression> found;
  if (*row) found = suppression_from_row(find);
  find.reset();  // a statement left on a row would pin its read snapshot
  return found;
}

Result<std::optional<int64_t>> SqliteStore::count_reset(const std::string& recipient) {
  Statement& find = statements_.find_count_reset.reset().bind(1, recipient);
  const Result<bool> row = find.step();
  if (!row) return row.error();
  std::optional<int64_t> reset_at;
  if (*row) reset_at = find.integer(0);
  find.reset();
  return reset_at;
}

Result<bool> SqliteStore::lift(std::string_view recipient) {
  const std::lock_guard lock(mutex_);
  const std::string key = address_key(recipient);
  Transaction transaction(db_.get());
  if (auto error = transaction.begin()) return *error;
  Statement& remove = statements_.delete_suppression.reset().bind(1, key);
  if (auto error = remove.run()) return *error;
  const bool lifted = remove.changes() > 0;
  if (lifted) {
    if (auto error = reset_counting(key, now_seconds())) return *error;
  }
  if (auto error = transaction.commit()) return *error;
  return lifted;
}

// ---- reading ----

Result<std::optional<Suppression>> SqliteStore::suppression(std::string_view recipient) {
  const std::lock_guard lock(mutex_);
  return find_suppression(address_key(recipient));
}

int page_size(int requested) { return std::clamp(requested, 1, kMaxPageSize); }

Result<std::vector<Suppression>> SqliteStore::suppressions(const SuppressionQuery& query) {
  const std::lock_guard lock(mutex_);
  std::string sql = select_suppressions_sql() + " WHERE 1";
  if (query.recipient) sql += " AND recipient = ?1";
  if (query.domain) sql += " AND domain = ?2";
  sql += " ORDER BY recipient LIMIT ?3 OFFSET ?4";
  Result<Statement> prepared = Statement::prepare(db_.get(), sql);
  if (!prepared) return prepared.error();
  Statement select = std::move(prepared).value();
  if (query.recipient) select.bind(1, address_key(*query.recipient));
  if (query.domain) select.bind(2, util::to_lower(util::trim(*query.domain)));
  select.bind(3, int64_t{page_size(query.limit)}).bind(4, std::max<int64_t>(query.offset, 0));
  std::vector<Suppression> found;
  for (;;) {
    const Result<bool> row = select.step();
    if (!row) return row.error();
    if (!*row) return found;
    found.push_back(suppression_from_row(select));
  }
}

Result<std::vector<StoredEvent>> SqliteStore::events(const EventQuery& query) {
  std::optional<int64_t> since;
  std::optional<int64_t> until;
  if (query.since && !(since = parse_rfc3339(*query.since))) {
    return Error{ErrorCode::kInvalidArgument, "since is not an RFC 3339 time: " + *query.since};
  }
  if (query.until && !(until = parse_rfc3339(*query.until))) {
    return Error{ErrorCode::kInvalidArgument, "until is not an RFC 3339 time: " + *query.until};
  }
  const std::lock_guard lock(mutex_);
  // The filters given pick fixed clauses; their values are only ever bound.
  std::string sql = "SELECT id, stored_at, message_hash, record FROM events WHERE id > ?1";
  if (query.recipient) sql += " AND recipient = ?2";
  if (query.domain) sql += " AND domain = ?3";
  if (query.reason) sql += " AND reason = ?4";
  if (query.kind) sql += " AND kind = ?5";
  if (since) sql += " AND occurred_at >= ?6";
  if (until) sql += " AND occurred_at < ?7";
  sql += " ORDER BY id LIMIT ?8";
  Result<Statement> prepared = Statement::prepare(db_.get(), sql);
  if (!prepared) return prepared.error();
  Statement select = std::move(prepared).value();
  select.bind(1, query.after_id);
  if (query.recipient) select.bind(2, address_key(*query.recipient));
  if (query.domain) select.bind(3, util::to_lower(util::trim(*query.domain)));
  if (query.reason) select.bind(4, *query.reason);
  if (query.kind) select.bind(5, *query.kind);
  if (since) select.bind(6, *since);
  if (until) select.bind(7, *until);
  select.bind(8, int64_t{page_size(query.limit)});

  std::vector<StoredEvent> found;
  for (;;) {
    const Result<bool> row = select.step();
    if (!row) return row.error();
    if (!*row) return found;
    Result<Record> record = record_from_json(select.text(3));
    if (!record) return record.error();
    found.push_back(StoredEvent{select.integer(0), select.text(1), select.text(2), std::move(record).value()});
  }
}

Result<std::vector<JsonMember>> SqliteStore::json_members(std::string_view json) {
  Statement& each = statements_.json_members.reset().bind(1, json);
  std::vector<JsonMember> members;
  for (;;) {
    const Result<bool> row = each.step();
    if (!row) return row.error();
    if (!*row) return members;
    members.push_back(JsonMember{each.text(0), each.optional_text(1)});
  }
}

Result<Record> SqliteStore::record_from_json(std::string_view json) {
  Result<std::vector<JsonMember>> members = json_members(json);
  if (!members) return members.error();
  Record record;
  for (JsonMember& member : members.value()) {
    if (!member.value) continue;
    if (member.key == "blocklist") {
      Result<std::vector<JsonMember>> fields = json_members(*member.value);
      if (!fields) return fields.error();
      record.blocklist = blocklist_from(std::move(fields).value());
    } else if (member.key == "advice") {
      Result<std::vector<JsonMember>> lines = json_members(*member.value);
      if (!lines) return lines.error();
      for (JsonMember& line : lines.value()) record.advice.push_back(line.value.value_or(""));
    } else {
      const auto* reader = std::find_if(std::begin(kFieldReaders), std::end(kFieldReaders),
                                        [&](const FieldReader& r) { return r.key == member.key; });
      if (reader != std::end(kFieldReaders)) reader->set(record, std::move(*member.value));
    }
  }
  return record;
}

// ---- opening ----

Error naming_path(Error error, const std::string& path) {
  error.message = "store " + path + ": " + error.message;
  return error;
}

}  // namespace

Result<std::unique_ptr<Store>> open_sqlite_store(const std::string& path, SuppressionPolicy policy) {
  sqlite3* handle = nullptr;
  // NOMUTEX: SqliteStore serialises every use of the connection with its own mutex.
  const int status = sqlite3_open_v2(path.c_str(), &handle,
                                     SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  Connection db(handle);
  if (status != SQLITE_OK) return naming_path(sqlite_error(handle, "cannot open"), path);
  if (auto error = prepare_schema(db.get())) return naming_path(*error, path);
  auto store = std::make_unique<SqliteStore>(std::move(db), policy);
  if (auto error = store->prepare_statements()) return naming_path(*error, path);
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace bounceback::store
