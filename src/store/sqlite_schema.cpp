#include "store/sqlite_schema.h"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <iterator>
#include <string>
#include <thread>
#include <utility>

#include "store/sqlite_db.h"
#include "store/timestamps.h"

namespace bounceback::store {
namespace {

// Another process writing (a second `ingest`, the server) makes us wait this long, not fail.
constexpr int kBusyTimeoutMilliseconds = 10000;

// The schema, one entry per version: entry N takes a database from version N to N + 1. Opening
// applies the missing ones in order. A released entry is never edited; a change is a new entry.
constexpr const char* kMigrations[] = {
    // Version 1: stored messages (the idempotency keys), events, suppressions, and the points from
    // which soft bounces count again after a lift or a delivery.
    R"sql(
CREATE TABLE messages (
  hash TEXT PRIMARY KEY,
  stored_at TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE events (
  id INTEGER PRIMARY KEY,
  stored_at TEXT NOT NULL,
  message_hash TEXT NOT NULL REFERENCES messages (hash),
  source TEXT NOT NULL,
  kind TEXT NOT NULL,
  recipient TEXT,
  domain TEXT,
  reason TEXT NOT NULL,
  hard_bounce INTEGER NOT NULL,
  status TEXT,
  reply_code INTEGER,
  timestamp TEXT,
  occurred_at INTEGER NOT NULL,
  record TEXT NOT NULL
);
CREATE INDEX events_by_recipient ON events (recipient, kind, occurred_at);
CREATE INDEX events_by_domain ON events (domain);
CREATE TABLE suppressions (
  recipient TEXT PRIMARY KEY,
  domain TEXT NOT NULL,
  reason TEXT NOT NULL,
  first_bounce TEXT NOT NULL,
  last_bounce TEXT NOT NULL,
  bounce_count INTEGER NOT NULL,
  soft_count INTEGER NOT NULL,
  hard_count INTEGER NOT NULL,
  complaint_count INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX suppressions_by_domain ON suppressions (domain, recipient);
CREATE TABLE count_resets (
  recipient TEXT PRIMARY KEY,
  reset_at INTEGER NOT NULL
) WITHOUT ROWID;
)sql",
    // Version 2: an event's side, so that soft bounces on the sender's side stop counting toward
    // suppression; and the report key (common.h report_key()), unique, so that one report stored
    // again with other bytes is not counted twice. Events stored before get both from their
    // record; of several events with one key (copies stored before), the first keeps it. `keyed`
    // is keyed by id so that filling the events takes one lookup each, not a scan each.
    R"sql(
ALTER TABLE events ADD COLUMN side TEXT;
ALTER TABLE events ADD COLUMN report_key TEXT;
UPDATE events SET side = json_extract(record, '$.side') WHERE json_valid(record);
CREATE TEMP TABLE keyed (id INTEGER PRIMARY KEY, report_key TEXT NOT NULL);
INSERT INTO keyed (id, report_key)
  SELECT id, trim(json_extract(record, '$.message_id'), ' ' || char(9) || '<>') || char(10) || recipient
             || char(10) || kind
  FROM events
  WHERE json_valid(record) AND recipient IS NOT NULL AND recipient <> ''
    AND trim(coalesce(json_extract(record, '$.message_id'), ''), ' ' || char(9) || '<>') <> '';
UPDATE events SET report_key = (SELECT report_key FROM keyed WHERE keyed.id = events.id)
  WHERE id IN (SELECT min(id) FROM keyed GROUP BY report_key);
DROP TABLE keyed;
CREATE UNIQUE INDEX events_by_report ON events (report_key);
)sql",
};
constexpr int64_t kSchemaVersion = std::size(kMigrations);

// WAL: readers never block the writer; NORMAL sync (below) is durable across crashes of the
// process, and with WAL cannot corrupt the database on power loss (it may lose the last commits).
// Processes opening a new database at once may each hold it shared while asking for it
// exclusively to make the switch; SQLite then fails one at once rather than wait (waiting would
// deadlock), whatever the busy timeout. That one tries again after a pause: by then the other has
// switched, or let go. (Seen as one `ingest` of eight started together failing.)
std::optional<Error> switch_to_wal(sqlite3* db) {
  using std::chrono::milliseconds;
  const auto deadline = std::chrono::steady_clock::now() + milliseconds(kBusyTimeoutMilliseconds);
  for (milliseconds pause(2);; pause = std::min(pause * 2, milliseconds(100))) {
    std::optional<Error> error = execute(db, "PRAGMA journal_mode = WAL");
    const bool busy = error && libsqlite3().sqlite3_errcode(db) == SQLITE_BUSY;
    if (!busy || std::chrono::steady_clock::now() + pause > deadline) {
      return error;
    }
    std::this_thread::sleep_for(pause);
  }
}

std::optional<Error> configure(sqlite3* db) {
  libsqlite3().sqlite3_busy_timeout(db, kBusyTimeoutMilliseconds);
  if (auto error = switch_to_wal(db)) return error;
  if (auto error = execute(db, "PRAGMA synchronous = NORMAL")) return error;
  // Checkpoints are where WAL mode syncs to disk: every 10000 pages (~40 MB of WAL) rather than
  // 1000 makes them ten times rarer, which is most of the cost of a stream of small transactions.
  if (auto error = execute(db, "PRAGMA wal_autocheckpoint = 10000")) return error;
  return execute(db, "PRAGMA foreign_keys = ON");
}

Result<int64_t> schema_version(sqlite3* db) {
  Result<Statement> prepared = Statement::prepare(db, "SELECT coalesce(max(version), 0) FROM schema_version");
  if (!prepared) return prepared.error();
  Statement select = std::move(prepared).value();
  const Result<bool> row = select.step();
  if (!row) return row.error();
  return select.integer(0);
}

// Brings the schema to kSchemaVersion in one transaction: a crash mid-way leaves the old version.
std::optional<Error> migrate(sqlite3* db) {
  Transaction transaction(db);
  if (auto error = transaction.begin()) return error;
  if (auto error = execute(db, "CREATE TABLE IF NOT EXISTS schema_version"
                               " (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)")) {
    return error;
  }
  const Result<int64_t> version = schema_version(db);
  if (!version) return version.error();
  if (*version > kSchemaVersion) {
    return Error{ErrorCode::kIoError, "the database has schema version " + std::to_string(*version) +
                                          ", newer than this bounceback (" + std::to_string(kSchemaVersion) + ")"};
  }
  Result<Statement> prepared = Statement::prepare(db, "INSERT INTO schema_version (version, applied_at) VALUES (?1, ?2)");
  if (!prepared) return prepared.error();
  Statement record_version = std::move(prepared).value();
  for (int64_t next = *version; next < kSchemaVersion; ++next) {
    if (auto error = execute(db, kMigrations[next])) return error;
    if (auto error = record_version.reset().bind(1, next + 1).bind(2, format_rfc3339(now_seconds())).run()) {
      return error;
    }
  }
  return transaction.commit();
}

}  // namespace

std::optional<Error> prepare_schema(sqlite3* db) {
  if (auto error = configure(db)) return error;
  return migrate(db);
}

}  // namespace bounceback::store
