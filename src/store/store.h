// The bounce store: every stored record as an event, and the suppression list derived from them.
// One interface, two back ends: SQLite (default, one node) and PostgreSQL (many nodes).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bounceback/record.h"
#include "bounceback/result.h"

namespace bounceback::store {

struct SuppressionPolicy {
  // Soft bounces suppress an address after this many within `soft_window_seconds`.
  // Defaults: 3 within 7 days. Hard bounces and feedback complaints suppress at once.
  int soft_threshold = 3;
  int64_t soft_window_seconds = int64_t{7} * 24 * 3600;
};

struct Suppression {
  std::string recipient;
  std::string domain;
  std::string reason;        // the reason of the event that suppressed it
  std::string first_bounce;  // RFC 3339 UTC
  std::string last_bounce;
  int64_t bounce_count = 0;
  int64_t soft_count = 0;
  int64_t hard_count = 0;
  int64_t complaint_count = 0;
};

struct StoredEvent {
  int64_t id = 0;
  std::string stored_at;  // RFC 3339 UTC
  std::string message_hash;
  Record record;
};

struct EventQuery {
  std::optional<std::string> recipient;
  std::optional<std::string> domain;
  std::optional<std::string> reason;
  std::optional<std::string> kind;
  // The event's time: the report's timestamp, else when it was stored. RFC 3339, or a date
  // (2026-11-25: its start, 00:00:00Z); another form is a kInvalidArgument naming the parameter.
  std::optional<std::string> since;  // inclusive
  std::optional<std::string> until;  // exclusive
  // Oldest first pages forward with after_id (events with id > after_id); newest first pages
  // backward with before_id (events with id < before_id; 0: from the newest).
  enum class Order { kOldestFirst, kNewestFirst };
  Order order = Order::kOldestFirst;
  int64_t after_id = 0;
  int64_t before_id = 0;
  int limit = 100;  // at most 1000
};

struct SuppressionQuery {
  std::optional<std::string> recipient;
  std::optional<std::string> domain;
  int64_t offset = 0;
  int limit = 100;  // at most 1000; ordered by recipient
};

// The records decoded from one message, identified by the SHA-256 of its bytes.
struct MessageRecords {
  std::string hash;
  std::vector<Record> records;
};

struct StoreResult {
  size_t events_stored = 0;
  // Records not stored because they were stored before: the whole message (by its hash), or the
  // same report about the same recipient with other bytes (by report Message-ID, recipient, kind).
  size_t events_stored_before = 0;
  // Nothing stored because all of it was stored before: the message, or each of its records.
  bool duplicate = false;
};

// Thread-safe: a Store may be shared by the server's worker threads.
class Store {
 public:
  virtual ~Store() = default;

  // Stores the records decoded from each message and updates the suppression list, all in one
  // transaction: one result per message, in order. Idempotent per message hash, and per report
  // (its Message-ID, recipient and kind) when the same report comes again with other bytes; also
  // when the same message is stored by several processes at once or twice in one batch.
  virtual Result<std::vector<StoreResult>> store_messages(const std::vector<MessageRecords>& messages) = 0;

  // store_messages() for one message.
  Result<StoreResult> store_message(std::string_view message_hash, const std::vector<Record>& records);

  virtual Result<std::vector<StoredEvent>> events(const EventQuery& query) = 0;
  virtual Result<std::vector<Suppression>> suppressions(const SuppressionQuery& query) = 0;
  // Whether the address may still be mailed: nullopt when it is not suppressed.
  virtual Result<std::optional<Suppression>> suppression(std::string_view recipient) = 0;
  // Lifts a suppression; false when there was none.
  virtual Result<bool> lift(std::string_view recipient) = 0;
};

// "sqlite:PATH" (or a bare path; default ./bounceback.db) opens SQLite in WAL mode; a
// "postgresql://..." or "postgres://..." URL (libpq's URI form) opens PostgreSQL, which many nodes
// may share. Creates or migrates the schema. An unreachable store is a kIoError naming the path,
// or the host and database (never the password).
// Addresses (recipient, domain) are compared in any letter case, here and in every query.
Result<std::unique_ptr<Store>> open_store(std::string_view url, SuppressionPolicy policy = {});

// The store URL fit for logs: a PostgreSQL password (in the user part or a password= option)
// becomes "***"; anything else is returned as given.
std::string printable_store_url(std::string_view url);

// An address as the store keys it, in every query and in every answer: without the blanks or
// angle brackets around it, in lower case. "Jane@Example.COM", " <jane@example.com> " and
// "jane@example.com" are one entry.
std::string address_key(std::string_view address);

// SHA-256 of the message bytes, lower-case hex: the idempotency key.
std::string message_hash(std::string_view message);

}  // namespace bounceback::store
