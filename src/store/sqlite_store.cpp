#include "store/sqlite_store.h"

#include <algorithm>
#include <mutex>
#include <utility>

#include "store/common.h"
#include "store/sqlite_db.h"
#include "store/sqlite_schema.h"
#include "store/suppression_rules.h"
#include "store/timestamps.h"

namespace bounceback::store {
namespace {

class SqliteStore final : public Store, private SuppressionLedger {
 public:
  SqliteStore(Connection db, SuppressionPolicy policy) : db_(std::move(db)), policy_(policy) {}

  std::optional<Error> prepare_statements();

  Result<std::vector<StoreResult>> store_messages(const std::vector<MessageRecords>& messages) override;
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
    Statement soft_bounce_times;
    Statement find_count_reset;
    Statement upsert_count_reset;
  };

  // All private members run with mutex_ held, the ledger's inside the write transaction.
  Result<StoreResult> store_one(const MessageRecords& message, int64_t now);
  // Whether the record was stored: false when its report was stored before (by report key).
  Result<bool> store_record(const Record& record, std::string_view message_hash, int64_t now);

  Result<std::optional<Suppression>> find_suppression(const std::string& recipient) override;
  Result<std::optional<int64_t>> count_reset(const std::string& recipient) override;
  Result<std::vector<int64_t>> soft_bounce_times(const std::string& recipient, int64_t from, int64_t to) override;
  std::optional<Error> add_to_suppression(const std::string& recipient, Reason reason, int64_t first, int64_t last,
                                          const Counts& counts) override;
  std::optional<Error> delete_suppression(const std::string& recipient) override;
  std::optional<Error> reset_counting(const std::string& recipient, int64_t from) override;

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
       " reply_code, timestamp, occurred_at, record, side, report_key)"
       " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)"
       " ON CONFLICT (report_key) DO NOTHING"},
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
      {&Statements::soft_bounce_times,
       "SELECT occurred_at FROM events WHERE recipient = ?1 AND kind = 'bounce' AND hard_bounce = 0"
       " AND coalesce(side, '') <> 'sender' AND occurred_at >= ?2 AND occurred_at <= ?3 ORDER BY occurred_at"},
      {&Statements::find_count_reset, "SELECT reset_at FROM count_resets WHERE recipient = ?1"},
      {&Statements::upsert_count_reset,
       "INSERT INTO count_resets (recipient, reset_at) VALUES (?1, ?2)"
       " ON CONFLICT (recipient) DO UPDATE SET reset_at = max(reset_at, excluded.reset_at)"},
  };
  for (const Sql& sql : statements) {
    Result<Statement> statement = Statement::prepare(db_.get(), sql.text);
    if (!statement) return statement.error();
    statements_.*sql.statement = std::move(statement).value();
  }
  return std::nullopt;
}

// ---- writing ----

Result<std::vector<StoreResult>> SqliteStore::store_messages(const std::vector<MessageRecords>& messages) {
  const std::lock_guard lock(mutex_);
  const int64_t now = now_seconds();
  Transaction transaction(db_.get());
  if (auto error = transaction.begin()) return *error;
  std::vector<StoreResult> results;
  results.reserve(messages.size());
  for (const MessageRecords& message : messages) {
    Result<StoreResult> stored = store_one(message, now);
    if (!stored) return stored.error();
    results.push_back(*stored);
  }
  if (auto error = transaction.commit()) return *error;
  return results;
}

Result<StoreResult> SqliteStore::store_one(const MessageRecords& message, int64_t now) {
  Statement& insert_message = statements_.insert_message.reset().bind(1, message.hash).bind(2, format_rfc3339(now));
  if (auto error = insert_message.run()) return *error;
  if (insert_message.changes() == 0) return StoreResult{0, message.records.size(), true};
  StoreResult result;
  for (const Record& record : message.records) {
    const Result<bool> stored = store_record(record, message.hash, now);
    if (!stored) return stored.error();
    ++(*stored ? result.events_stored : result.events_stored_before);
  }
  result.duplicate = result.events_stored_before > 0 && result.events_stored == 0;
  return result;
}

Result<bool> SqliteStore::store_record(const Record& record, std::string_view message_hash, int64_t now) {
  const EventRow row = event_row(record, now);
  Statement& insert = statements_.insert_event.reset();
  insert.bind(1, row.stored_at).bind(2, message_hash).bind(3, record.source).bind(4, row.kind);
  insert.bind_or_null(5, row.recipient).bind_or_null(6, row.domain).bind(7, row.reason);
  insert.bind(8, int64_t{row.hard_bounce}).bind_or_null(9, row.status).bind_or_null(11, row.timestamp);
  insert.bind(12, row.occurred_at).bind(13, row.record).bind(14, row.side).bind_or_null(15, row.report_key);
  if (row.reply_code) insert.bind(10, int64_t{*row.reply_code});
  if (auto error = insert.run()) return *error;
  if (insert.changes() == 0) return false;
  if (!row.recipient || row.recipient->empty()) return true;
  if (auto error = apply_to_suppressions(*this, policy_, *row.recipient, record, row.occurred_at)) return *error;
  return true;
}

Result<std::vector<int64_t>> SqliteStore::soft_bounce_times(const std::string& recipient, int64_t from, int64_t to) {
  Statement& select = statements_.soft_bounce_times.reset().bind(1, recipient).bind(2, from).bind(3, to);
  std::vector<int64_t> times;
  for (;;) {
    const Result<bool> row = select.step();
    if (!row) return row.error();
    if (!*row) break;
    times.push_back(select.integer(0));
  }
  select.reset();
  return times;
}

std::optional<Error> SqliteStore::add_to_suppression(const std::string& recipient, Reason reason, int64_t first,
                                                     int64_t last, const Counts& counts) {
  Statement& upsert = statements_.upsert_suppression.reset();
  upsert.bind(1, recipient).bind(2, domain_of(recipient)).bind(3, to_string(reason));
  upsert.bind(4, format_rfc3339(first)).bind(5, format_rfc3339(last)).bind(6, counts.bounces);
  upsert.bind(7, counts.soft).bind(8, counts.hard).bind(9, counts.complaints);
  return upsert.run();
}

std::optional<Error> SqliteStore::delete_suppression(const std::string& recipient) {
  return statements_.delete_suppression.reset().bind(1, recipient).run();
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
  if (query.domain) select.bind(2, domain_key(*query.domain));
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
  const Result<TimeRange> times = time_range(query);
  if (!times) return times.error();
  const std::optional<int64_t> since = times->since;
  const std::optional<int64_t> until = times->until;
  const std::lock_guard lock(mutex_);
  // The filters given pick fixed clauses; their values are only ever bound.
  const bool newest_first = query.order == EventQuery::Order::kNewestFirst;
  std::string sql = "SELECT id, stored_at, message_hash, record FROM events WHERE ";
  sql += newest_first ? "id < ?1" : "id > ?1";
  if (query.recipient) sql += " AND recipient = ?2";
  if (query.domain) sql += " AND domain = ?3";
  if (query.reason) sql += " AND reason = ?4";
  if (query.kind) sql += " AND kind = ?5";
  if (since) sql += " AND occurred_at >= ?6";
  if (until) sql += " AND occurred_at < ?7";
  sql += newest_first ? " ORDER BY id DESC LIMIT ?8" : " ORDER BY id LIMIT ?8";
  Result<Statement> prepared = Statement::prepare(db_.get(), sql);
  if (!prepared) return prepared.error();
  Statement select = std::move(prepared).value();
  select.bind(1, newest_first ? newest_bound(query.before_id) : query.after_id);
  if (query.recipient) select.bind(2, address_key(*query.recipient));
  if (query.domain) select.bind(3, domain_key(*query.domain));
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

// ---- opening ----

Error naming_path(Error error, const std::string& path) {
  error.message = "store " + path + ": " + error.message;
  return error;
}

}  // namespace

Result<std::unique_ptr<Store>> open_sqlite_store(const std::string& path, SuppressionPolicy policy) {
  if (const Result<const LibSqlite3*> loaded = load_libsqlite3(); !loaded) return naming_path(loaded.error(), path);
  sqlite3* handle = nullptr;
  // NOMUTEX: SqliteStore serialises every use of the connection with its own mutex.
  const int status = libsqlite3().sqlite3_open_v2(path.c_str(), &handle,
                                     SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  Connection db(handle);
  if (status != SQLITE_OK) return naming_path(sqlite_error(handle, "cannot open"), path);
  if (auto error = prepare_schema(db.get())) return naming_path(*error, path);
  auto store = std::make_unique<SqliteStore>(std::move(db), policy);
  if (auto error = store->prepare_statements()) return naming_path(*error, path);
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace bounceback::store
