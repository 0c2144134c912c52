#include "store/postgres_schema.h"

#include <cstdint>
#include <iterator>
#include <string>

#include "store/timestamps.h"

namespace bounceback::store {
namespace {

// Any constant other programs are unlikely to pick: the lock that serialises migrations.
constexpr const char* kMigrationLock = "SELECT pg_advisory_xact_lock(7275726215830765919)";

// The schema, one entry per version, mirroring kMigrations of sqlite_schema.cpp step for step:
// entry N takes a database from version N to N + 1. A released entry is never edited.
// Addresses and times use the "C" collation so that they sort by byte, as in SQLite, whatever the
// server's locale: lists come in the same order and RFC 3339 times compare as times.
constexpr const char* kMigrations[] = {
    // Version 1: stored messages (the idempotency keys), events, suppressions, and the points from
    // which soft bounces count again after a lift or a delivery.
    R"sql(
CREATE TABLE messages (
  hash TEXT PRIMARY KEY,
  stored_at TEXT NOT NULL
);
CREATE TABLE events (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  stored_at TEXT NOT NULL,
  message_hash TEXT NOT NULL REFERENCES messages (hash),
  source TEXT NOT NULL,
  kind TEXT NOT NULL,
  recipient TEXT COLLATE "C",
  domain TEXT COLLATE "C",
  reason TEXT NOT NULL,
  hard_bounce BOOLEAN NOT NULL,
  status TEXT,
  reply_code INTEGER,
  timestamp TEXT,
  occurred_at BIGINT NOT NULL,
  record TEXT NOT NULL
);
CREATE INDEX events_by_recipient ON events (recipient, kind, occurred_at);
CREATE INDEX events_by_domain ON events (domain);
CREATE TABLE suppressions (
  recipient TEXT COLLATE "C" PRIMARY KEY,
  domain TEXT COLLATE "C" NOT NULL,
  reason TEXT NOT NULL,
  first_bounce TEXT COLLATE "C" NOT NULL,
  last_bounce TEXT COLLATE "C" NOT NULL,
  bounce_count BIGINT NOT NULL,
  soft_count BIGINT NOT NULL,
  hard_count BIGINT NOT NULL,
  complaint_count BIGINT NOT NULL
);
CREATE INDEX suppressions_by_domain ON suppressions (domain, recipient);
CREATE TABLE count_resets (
  recipient TEXT COLLATE "C" PRIMARY KEY,
  reset_at BIGINT NOT NULL
);
)sql",
    // Version 2: an event's side, so that soft bounces on the sender's side stop counting toward
    // suppression; and the report key (common.h report_key()), unique, so that one report stored
    // again with other bytes is not counted twice. Events stored before get both from their
    // record (read by pattern: a stored record may hold \u0000, which no json function takes; the
    // JSON escapes of '"', '\' and '/' undone, as the key of a new event is made from the value);
    // of several events with one key (copies stored before), the first keeps it.
    R"sql(
ALTER TABLE events ADD COLUMN side TEXT;
ALTER TABLE events ADD COLUMN report_key TEXT COLLATE "C";
UPDATE events SET side = substring(record from '"side":"([a-z]+)"');
CREATE TEMP TABLE keyed ON COMMIT DROP AS
  SELECT id, btrim(regexp_replace(substring(record from '"message_id":"((?:[^"\\]|\\.)*)"'), '\\(["\\/])', '\1', 'g'),
                   E' \t<>') || E'\n' || recipient
             || E'\n' || kind AS report_key
  FROM events
  WHERE recipient IS NOT NULL AND recipient <> '';
DELETE FROM keyed WHERE report_key IS NULL OR report_key LIKE E'\n%';
UPDATE events SET report_key = keyed.report_key FROM keyed
  WHERE keyed.id = events.id AND keyed.id IN (SELECT min(id) FROM keyed GROUP BY report_key);
CREATE UNIQUE INDEX events_by_report ON events (report_key);
)sql",
};
constexpr int64_t kSchemaVersion = std::size(kMigrations);

}  // namespace

// One transaction: a crash mid-way leaves the old version, and DDL is transactional in PostgreSQL.
std::optional<Error> prepare_postgres_schema(pg::Connection& connection) {
  pg::Transaction transaction(connection);
  if (auto error = transaction.begin()) return error;
  if (auto error = connection.execute(kMigrationLock)) return error;
  if (auto error = connection.execute("CREATE TABLE IF NOT EXISTS schema_version"
                                      " (version BIGINT PRIMARY KEY, applied_at TEXT NOT NULL)")) {
    return error;
  }
  const Result<pg::Rows> version = connection.run("SELECT coalesce(max(version), 0) FROM schema_version", {});
  if (!version) return version.error();
  const int64_t current = version->integer(0, 0);
  if (current > kSchemaVersion) {
    return Error{ErrorCode::kIoError, "the database has schema version " + std::to_string(current) +
                                          ", newer than this bounceback (" + std::to_string(kSchemaVersion) + ")"};
  }
  for (int64_t next = current; next < kSchemaVersion; ++next) {
    if (auto error = connection.execute(kMigrations[next])) return error;
    const Result<pg::Rows> recorded =
        connection.run("INSERT INTO schema_version (version, applied_at) VALUES ($1::bigint, $2)",
                       {pg::number(next + 1), pg::text(format_rfc3339(now_seconds()))});
    if (!recorded) return recorded.error();
  }
  return transaction.commit();
}

}  // namespace bounceback::store
