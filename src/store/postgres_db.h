// Thin RAII wrappers over libpq: a connection, its results, and a pool of connections. Every
// value reaches SQL as a parameter (PQexecParams, PQexecPrepared), never through the SQL text.
// libpq's types are only declared here, so code using the wrappers needs no libpq headers.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bounceback/result.h"

struct pg_conn;
struct pg_result;

namespace bounceback::store::pg {

// A text parameter; nullopt is SQL NULL. Text is sent as valid UTF-8 without NUL bytes (what a
// PostgreSQL text value can hold): invalid sequences and NULs become U+FFFD.
using Param = std::optional<std::string>;
Param text(std::string_view value);
Param number(int64_t value);
// A text[] array literal of the values, each quoted, for "= ANY($1::text[])" and unnest().
Param text_array(const std::vector<std::string>& values);

class Rows {
 public:
  explicit Rows(pg_result* result) : result_(result) {}
  int count() const;
  bool is_null(int row, int column) const;
  std::string text(int row, int column) const;
  int64_t integer(int row, int column) const;  // 0 when NULL or not a number
  int64_t affected() const;                    // rows changed by an INSERT, UPDATE or DELETE

 private:
  struct Clear {
    void operator()(pg_result* result) const;
  };
  std::unique_ptr<pg_result, Clear> result_;
};

class Connection {
 public:
  // Connects with a postgresql:// URL. Failure is a kIoError naming the host and database; the
  // password never appears in it.
  static Result<Connection> open(const std::string& url);

  // Runs SQL without parameters (schema, transaction control).
  std::optional<Error> execute(const char* sql);
  Result<Rows> run(const char* sql, const std::vector<Param>& params);
  std::optional<Error> prepare(const char* name, const char* sql);
  Result<Rows> run_prepared(const char* name, const std::vector<Param>& params);

  // The last failure was a deadlock or serialisation failure: the transaction may be retried.
  bool last_failure_retryable() const { return retryable_; }
  // The connection is lost: it must not go back to a pool.
  bool broken() const;

 private:
  struct Close {
    void operator()(pg_conn* connection) const;
  };
  explicit Connection(pg_conn* connection) : connection_(connection) {}
  Result<Rows> checked(pg_result* result, std::string_view doing);

  std::unique_ptr<pg_conn, Close> connection_;
  bool retryable_ = false;
};

// Rolls back unless committed, so that an early error return leaves the database unchanged.
class Transaction {
 public:
  explicit Transaction(Connection& connection) : connection_(connection) {}
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction();
  std::optional<Error> begin();
  std::optional<Error> commit();

 private:
  Connection& connection_;
  bool open_ = false;
};

// Connections to one database shared by threads: each call borrows one, so calls run in parallel
// up to `max_size` connections; more wait for one to come back.
class Pool {
 public:
  // `prepare` readies every new connection (prepared statements) before its first use.
  using Preparer = std::optional<Error> (*)(Connection&);
  Pool(std::string url, size_t max_size, Preparer prepare)
      : url_(std::move(url)), max_size_(max_size), prepare_(prepare) {}

  // A connection on loan; it returns to the pool when destroyed, unless it broke.
  class Lease {
   public:
    Lease(Pool& pool, std::unique_ptr<Connection> connection) : pool_(pool), connection_(std::move(connection)) {}
    Lease(Lease&& other) noexcept = default;
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    Lease& operator=(Lease&&) = delete;
    ~Lease();
    Connection& operator*() const { return *connection_; }
    Connection* operator->() const { return connection_.get(); }

   private:
    Pool& pool_;
    std::unique_ptr<Connection> connection_;
  };

  // Also a way to check the server: a failure to connect is returned, not retried.
  Result<Lease> borrow();

 private:
  void give_back(std::unique_ptr<Connection> connection);

  const std::string url_;
  const size_t max_size_;
  const Preparer prepare_;
  std::mutex mutex_;
  std::condition_variable returned_;
  std::vector<std::unique_ptr<Connection>> idle_;
  size_t lent_ = 0;
};

}  // namespace bounceback::store::pg
