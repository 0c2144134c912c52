#include "store/postgres_store.h"

#include <algorithm>
#include <unordered_map>
#include <utility>

#include "store/common.h"
#include "store/postgres_db.h"
#include "store/postgres_schema.h"
#include "store/suppression_rules.h"
#include "store/timestamps.h"

namespace bounceback::store {
namespace {

// Connections per Store: enough for the server's workers to write in parallel, few enough that
// many nodes stay within a server's default max_connections (100).
constexpr size_t kPoolSize = 8;
// A transaction that lost a deadlock or serialisation race, or its connection, runs again, this
// many times in all.
constexpr int kAttempts = 5;

std::string select_suppressions_sql() { return std::string("SELECT ") + kSuppressionColumns + " FROM suppressions"; }

struct NamedSql {
  const char* name;
  std::string sql;
};

// The statements of the write path, prepared on every connection of the pool.
const std::vector<NamedSql>& write_statements() {
  static const std::vector<NamedSql> statements = {
      // Hash order: every transaction locks recipients in the same order, so two never deadlock.
      {"lock_recipients",
       "SELECT count(pg_advisory_xact_lock(k)) FROM"
       " (SELECT DISTINCT hashtextextended(r, 0) AS k FROM unnest($1::text[]) AS r ORDER BY k) AS keys"},
      // The primary key decides which of several racing writers stores a message: the others wait
      // for its commit and then find the hash taken.
      {"insert_messages",
       "INSERT INTO messages (hash, stored_at) SELECT DISTINCT h, $2::text FROM unnest($1::text[]) AS h ORDER BY 1"
       " ON CONFLICT (hash) DO NOTHING RETURNING hash"},
      {"insert_event",
       "INSERT INTO events (stored_at, message_hash, source, kind, recipient, domain, reason, hard_bounce, status,"
       " reply_code, timestamp, occurred_at, record, side, report_key) VALUES ($1, $2, $3, $4, $5, $6, $7,"
       " $8::boolean, $9, $10::integer, $11, $12::bigint, $13, $14, $15) ON CONFLICT (report_key) DO NOTHING"},
      {"find_suppression", select_suppressions_sql() + " WHERE recipient = $1"},
      {"load_suppressions", select_suppressions_sql() + " WHERE recipient = ANY($1::text[])"},
      {"load_count_resets", "SELECT recipient, reset_at FROM count_resets WHERE recipient = ANY($1::text[])"},
      // Counters add up in the row itself: concurrent writers never lose an increment.
      {"upsert_suppression",
       std::string("INSERT INTO suppressions (") + kSuppressionColumns +
           ") VALUES ($1, $2, $3, $4, $5, $6::bigint, $7::bigint, $8::bigint, $9::bigint)"
           " ON CONFLICT (recipient) DO UPDATE SET"
           " first_bounce = least(suppressions.first_bounce, excluded.first_bounce),"
           " last_bounce = greatest(suppressions.last_bounce, excluded.last_bounce),"
           " bounce_count = suppressions.bounce_count + excluded.bounce_count,"
           " soft_count = suppressions.soft_count + excluded.soft_count,"
           " hard_count = suppressions.hard_count + excluded.hard_count,"
           " complaint_count = suppressions.complaint_count + excluded.complaint_count RETURNING " +
           kSuppressionColumns},
      {"delete_suppression", "DELETE FROM suppressions WHERE recipient = $1"},
      {"soft_bounce_times",
       "SELECT occurred_at FROM events WHERE recipient = $1 AND kind = 'bounce' AND NOT hard_bounce"
       " AND coalesce(side, '') <> 'sender' AND occurred_at >= $2::bigint AND occurred_at <= $3::bigint"
       " ORDER BY occurred_at"},
      {"find_count_reset", "SELECT reset_at FROM count_resets WHERE recipient = $1"},
      {"upsert_count_reset",
       "INSERT INTO count_resets (recipient, reset_at) VALUES ($1, $2::bigint)"
       " ON CONFLICT (recipient) DO UPDATE SET reset_at = greatest(count_resets.reset_at, excluded.reset_at)"
       " RETURNING reset_at"},
  };
  return statements;
}

std::optional<Error> prepare_write_statements(pg::Connection& connection) {
  for (const NamedSql& statement : write_statements()) {
    if (auto error = connection.prepare(statement.name, statement.sql.c_str())) return error;
  }
  return std::nullopt;
}

Suppression suppression_from_row(const pg::Rows& rows, int row) {
  Suppression s;
  s.recipient = rows.text(row, 0);
  s.domain = rows.text(row, 1);
  s.reason = rows.text(row, 2);
  s.first_bounce = rows.text(row, 3);
  s.last_bounce = rows.text(row, 4);
  s.bounce_count = rows.integer(row, 5);
  s.soft_count = rows.integer(row, 6);
  s.hard_count = rows.integer(row, 7);
  s.complaint_count = rows.integer(row, 8);
  return s;
}

std::optional<Error> error_of(const Result<pg::Rows>& rows) {
  if (!rows) return rows.error();
  return std::nullopt;
}

// The suppression state of recipients over one connection, inside its open transaction.
class Ledger final : public SuppressionLedger {
 public:
  explicit Ledger(pg::Connection& connection) : connection_(connection) {}

  // Reads the suppression state of `recipients` in two queries, so that find_suppression() and
  // count_reset() need no round trip of their own. Valid while the transaction holds their locks:
  // no other writer changes them, and this ledger's own writes update what it read.
  std::optional<Error> load(const std::vector<std::string>& recipients) {
    const pg::Param keys = pg::text_array(recipients);
    const Result<pg::Rows> suppressions = connection_.run_prepared("load_suppressions", {keys});
    if (!suppressions) return suppressions.error();
    const Result<pg::Rows> resets = connection_.run_prepared("load_count_resets", {keys});
    if (!resets) return resets.error();
    for (const std::string& recipient : recipients) {
      suppressions_[*pg::text(recipient)] = std::nullopt;
      resets_[*pg::text(recipient)] = std::nullopt;
    }
    for (int row = 0; row < suppressions->count(); ++row) {
      suppressions_[suppressions->text(row, 0)] = suppression_from_row(*suppressions, row);
    }
    for (int row = 0; row < resets->count(); ++row) resets_[resets->text(row, 0)] = resets->integer(row, 1);
    return std::nullopt;
  }

  Result<std::optional<Suppression>> find_suppression(const std::string& recipient) override {
    const pg::Param key = pg::text(recipient);
    if (const auto known = suppressions_.find(*key); known != suppressions_.end()) return known->second;
    const Result<pg::Rows> rows = connection_.run_prepared("find_suppression", {key});
    if (!rows) return rows.error();
    if (rows->count() == 0) return std::optional<Suppression>();
    return std::optional<Suppression>(suppression_from_row(*rows, 0));
  }

  Result<std::optional<int64_t>> count_reset(const std::string& recipient) override {
    const pg::Param key = pg::text(recipient);
    if (const auto known = resets_.find(*key); known != resets_.end()) return known->second;
    const Result<pg::Rows> rows = connection_.run_prepared("find_count_reset", {key});
    if (!rows) return rows.error();
    if (rows->count() == 0) return std::optional<int64_t>();
    return std::optional<int64_t>(rows->integer(0, 0));
  }

  Result<std::vector<int64_t>> soft_bounce_times(const std::string& recipient, int64_t from, int64_t to) override {
    const Result<pg::Rows> rows =
        connection_.run_prepared("soft_bounce_times", {pg::text(recipient), pg::number(from), pg::number(to)});
    if (!rows) return rows.error();
    std::vector<int64_t> times;
    times.reserve(static_cast<size_t>(rows->count()));
    for (int row = 0; row < rows->count(); ++row) times.push_back(rows->integer(row, 0));
    return times;
  }

  std::optional<Error> add_to_suppression(const std::string& recipient, Reason reason, int64_t first, int64_t last,
                                          const Counts& counts) override {
    const pg::Param key = pg::text(recipient);
    const Result<pg::Rows> row = connection_.run_prepared(
        "upsert_suppression",
        {key, pg::text(domain_of(recipient)), pg::text(to_string(reason)), pg::text(format_rfc3339(first)),
         pg::text(format_rfc3339(last)), pg::number(counts.bounces), pg::number(counts.soft),
         pg::number(counts.hard), pg::number(counts.complaints)});
    if (!row) return row.error();
    if (suppressions_.contains(*key)) suppressions_[*key] = suppression_from_row(*row, 0);
    return std::nullopt;
  }

  std::optional<Error> delete_suppression(const std::string& recipient) override {
    const pg::Param key = pg::text(recipient);
    if (auto error = error_of(connection_.run_prepared("delete_suppression", {key}))) return error;
    if (suppressions_.contains(*key)) suppressions_[*key] = std::nullopt;
    return std::nullopt;
  }

  std::optional<Error> reset_counting(const std::string& recipient, int64_t from) override {
    const pg::Param key = pg::text(recipient);
    const Result<pg::Rows> row = connection_.run_prepared("upsert_count_reset", {key, pg::number(from)});
    if (!row) return row.error();
    if (resets_.contains(*key)) resets_[*key] = row->integer(0, 0);
    return std::nullopt;
  }

 private:
  pg::Connection& connection_;
  // What load() read, by address key as stored; nullopt: known to have none.
  std::unordered_map<std::string, std::optional<Suppression>> suppressions_;
  std::unordered_map<std::string, std::optional<int64_t>> resets_;
};

// The address keys a batch touches, for locking.
std::vector<std::string> recipients_of(const std::vector<MessageRecords>& messages) {
  std::vector<std::string> keys;
  for (const MessageRecords& message : messages) {
    for (const Record& record : message.records) {
      if (record.recipient) keys.push_back(address_key(*record.recipient));
    }
  }
  return keys;
}

std::optional<Error> lock_recipients(pg::Connection& connection, const std::vector<std::string>& recipients) {
  return error_of(connection.run_prepared("lock_recipients", {pg::text_array(recipients)}));
}

// Placeholders numbered as parameters are added, so that a query names only the values it binds.
class Parameters {
 public:
  std::string add(pg::Param value) {
    values_.push_back(std::move(value));
    return "$" + std::to_string(values_.size());
  }
  const std::vector<pg::Param>& values() const { return values_; }

 private:
  std::vector<pg::Param> values_;
};

class PostgresStore final : public Store {
 public:
  PostgresStore(std::string url, SuppressionPolicy policy)
      : pool_(std::move(url), kPoolSize, prepare_write_statements), policy_(policy) {}

  // Borrows a first connection, so that an unreachable server fails the opening.
  std::optional<Error> check_connection() {
    Result<pg::Pool::Lease> lease = pool_.borrow();
    if (!lease) return lease.error();
    return std::nullopt;
  }

  Result<std::vector<StoreResult>> store_messages(const std::vector<MessageRecords>& messages) override;
  Result<std::vector<StoredEvent>> events(const EventQuery& query) override;
  Result<std::vector<Suppression>> suppressions(const SuppressionQuery& query) override;
  Result<std::optional<Suppression>> suppression(std::string_view recipient) override;
  Result<bool> lift(std::string_view recipient) override;

 private:
  Result<std::vector<StoreResult>> store_batch(pg::Connection& connection, const std::vector<MessageRecords>& messages);
  // Whether the record was stored: false when its report was stored before (by report key).
  Result<bool> store_record(pg::Connection& connection, Ledger& ledger, const Record& record, const std::string& hash,
                            int64_t now);
  Result<bool> lift_once(pg::Connection& connection, const std::string& recipient);

  // Runs `body` on a borrowed connection, again while it loses deadlock or serialisation races
  // or its connection.
  template <typename T, typename Body>
  Result<T> with_retries(Body body);

  pg::Pool pool_;
  const SuppressionPolicy policy_;
};

template <typename T, typename Body>
Result<T> PostgresStore::with_retries(Body body) {
  for (int attempt = 1;; ++attempt) {
    Result<pg::Pool::Lease> lease = pool_.borrow();
    if (!lease) return lease.error();
    pg::Connection& connection = *lease.value();
    Result<T> result = body(connection);
    // A lost connection (a server restart, a failover) is retried on a new one too: should the
    // lost transaction have committed after all, the retry finds its messages stored.
    const bool retryable = connection.last_failure_retryable() || connection.broken();
    if (result || !retryable || attempt == kAttempts) return result;
  }
}

// ---- writing ----

Result<std::vector<StoreResult>> PostgresStore::store_messages(const std::vector<MessageRecords>& messages) {
  if (messages.empty()) return std::vector<StoreResult>();
  return with_retries<std::vector<StoreResult>>(
      [&](pg::Connection& connection) { return store_batch(connection, messages); });
}

Result<std::vector<StoreResult>> PostgresStore::store_batch(pg::Connection& connection,
                                                            const std::vector<MessageRecords>& messages) {
  const int64_t now = now_seconds();
  pg::Transaction transaction(connection);
  if (auto error = transaction.begin()) return *error;
  const std::vector<std::string> recipients = recipients_of(messages);
  Ledger ledger(connection);
  if (!recipients.empty()) {
    if (auto error = lock_recipients(connection, recipients)) return *error;
    if (auto error = ledger.load(recipients)) return *error;
  }

  std::vector<std::string> hashes;
  hashes.reserve(messages.size());
  for (const MessageRecords& message : messages) hashes.push_back(message.hash);
  const Result<pg::Rows> inserted =
      connection.run_prepared("insert_messages", {pg::text_array(hashes), pg::text(format_rfc3339(now))});
  if (!inserted) return inserted.error();
  // The hashes this transaction claimed; a hash twice in the batch is stored at its first place.
  std::unordered_map<std::string, bool> claimed;
  for (int row = 0; row < inserted->count(); ++row) claimed.emplace(inserted->text(row, 0), true);

  std::vector<StoreResult> results;
  results.reserve(messages.size());
  for (const MessageRecords& message : messages) {
    const auto found = claimed.find(*pg::text(message.hash));
    if (found == claimed.end() || !found->second) {
      results.push_back(StoreResult{0, message.records.size(), true});
      continue;
    }
    found->second = false;
    StoreResult result;
    for (const Record& record : message.records) {
      const Result<bool> stored = store_record(connection, ledger, record, message.hash, now);
      if (!stored) return stored.error();
      ++(*stored ? result.events_stored : result.events_stored_before);
    }
    result.duplicate = result.events_stored_before > 0 && result.events_stored == 0;
    results.push_back(result);
  }
  if (auto error = transaction.commit()) return *error;
  return results;
}

Result<bool> PostgresStore::store_record(pg::Connection& connection, Ledger& ledger, const Record& record,
                                         const std::string& hash, int64_t now) {
  const EventRow row = event_row(record, now);
  const auto optional_text = [](const std::optional<std::string>& value) {
    return value ? pg::text(*value) : pg::Param();
  };
  const Result<pg::Rows> inserted = connection.run_prepared(
      "insert_event",
      {pg::text(row.stored_at), pg::text(hash), pg::text(record.source), pg::text(row.kind),
       optional_text(row.recipient), optional_text(row.domain), pg::text(row.reason),
       pg::text(row.hard_bounce ? "true" : "false"), optional_text(row.status),
       row.reply_code ? pg::number(*row.reply_code) : pg::Param(), optional_text(row.timestamp),
       pg::number(row.occurred_at), pg::text(row.record), pg::text(row.side), optional_text(row.report_key)});
  if (!inserted) return inserted.error();
  if (inserted->affected() == 0) return false;
  if (!row.recipient || row.recipient->empty()) return true;
  if (auto error = apply_to_suppressions(ledger, policy_, *row.recipient, record, row.occurred_at)) return *error;
  return true;
}

Result<bool> PostgresStore::lift(std::string_view recipient) {
  const std::string key = address_key(recipient);
  return with_retries<bool>([&](pg::Connection& connection) { return lift_once(connection, key); });
}

Result<bool> PostgresStore::lift_once(pg::Connection& connection, const std::string& recipient) {
  pg::Transaction transaction(connection);
  if (auto error = transaction.begin()) return *error;
  if (auto error = lock_recipients(connection, {recipient})) return *error;
  const Result<pg::Rows> removed = connection.run_prepared("delete_suppression", {pg::text(recipient)});
  if (!removed) return removed.error();
  const bool lifted = removed->affected() > 0;
  if (lifted) {
    if (auto error = Ledger(connection).reset_counting(recipient, now_seconds())) return *error;
  }
  if (auto error = transaction.commit()) return *error;
  return lifted;
}

// ---- reading ----

Result<std::optional<Suppression>> PostgresStore::suppression(std::string_view recipient) {
  const std::string key = address_key(recipient);
  return with_retries<std::optional<Suppression>>(
      [&](pg::Connection& connection) { return Ledger(connection).find_suppression(key); });
}

Result<std::vector<Suppression>> PostgresStore::suppressions(const SuppressionQuery& query) {
  // The filters given pick fixed clauses; their values are only ever bound.
  Parameters parameters;
  std::string sql = select_suppressions_sql() + " WHERE true";
  if (query.recipient) sql += " AND recipient = " + parameters.add(pg::text(address_key(*query.recipient)));
  if (query.domain) sql += " AND domain = " + parameters.add(pg::text(domain_key(*query.domain)));
  sql += " ORDER BY recipient LIMIT " + parameters.add(pg::number(page_size(query.limit))) + "::bigint";
  sql += " OFFSET " + parameters.add(pg::number(std::max<int64_t>(query.offset, 0))) + "::bigint";
  const Result<pg::Rows> rows = with_retries<pg::Rows>(
      [&](pg::Connection& connection) { return connection.run(sql.c_str(), parameters.values()); });
  if (!rows) return rows.error();
  std::vector<Suppression> found;
  found.reserve(static_cast<size_t>(rows->count()));
  for (int row = 0; row < rows->count(); ++row) found.push_back(suppression_from_row(*rows, row));
  return found;
}

Result<std::vector<StoredEvent>> PostgresStore::events(const EventQuery& query) {
  const Result<TimeRange> times = time_range(query);
  if (!times) return times.error();
  const bool newest_first = query.order == EventQuery::Order::kNewestFirst;
  Parameters parameters;
  std::string sql = "SELECT id, stored_at, message_hash, record FROM events WHERE id ";
  sql += newest_first ? "< " + parameters.add(pg::number(newest_bound(query.before_id)))
                      : "> " + parameters.add(pg::number(query.after_id));
  sql += "::bigint";
  if (query.recipient) sql += " AND recipient = " + parameters.add(pg::text(address_key(*query.recipient)));
  if (query.domain) sql += " AND domain = " + parameters.add(pg::text(domain_key(*query.domain)));
  if (query.reason) sql += " AND reason = " + parameters.add(pg::text(*query.reason));
  if (query.kind) sql += " AND kind = " + parameters.add(pg::text(*query.kind));
  if (times->since) sql += " AND occurred_at >= " + parameters.add(pg::number(*times->since)) + "::bigint";
  if (times->until) sql += " AND occurred_at < " + parameters.add(pg::number(*times->until)) + "::bigint";
  sql += newest_first ? " ORDER BY id DESC" : " ORDER BY id";
  sql += " LIMIT " + parameters.add(pg::number(page_size(query.limit))) + "::bigint";

  const Result<pg::Rows> rows = with_retries<pg::Rows>(
      [&](pg::Connection& connection) { return connection.run(sql.c_str(), parameters.values()); });
  if (!rows) return rows.error();
  std::vector<StoredEvent> found;
  for (int row = 0; row < rows->count(); ++row) {
    Result<Record> record = record_from_json(rows->text(row, 3));
    if (!record) return record.error();
    found.push_back(StoredEvent{rows->integer(row, 0), rows->text(row, 1), rows->text(row, 2), std::move(record).value()});
  }
  return found;
}

}  // namespace

Result<std::unique_ptr<Store>> open_postgres_store(const std::string& url, SuppressionPolicy policy) {
  Result<pg::Connection> first = pg::Connection::open(url);
  if (!first) return first.error();
  if (auto error = prepare_postgres_schema(first.value())) return *error;
  auto store = std::make_unique<PostgresStore>(url, policy);
  if (auto error = store->check_connection()) return *error;
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace bounceback::store
