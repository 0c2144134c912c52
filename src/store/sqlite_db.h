// Thin RAII wrappers over the SQLite C API: a connection and its prepared statements. Every value
// reaches SQL through a bound parameter, never through the SQL text.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "bounceback/result.h"
#include "store/libsqlite3.h"

namespace bounceback::store {

struct ConnectionCloser {
  void operator()(sqlite3* db) const { libsqlite3().sqlite3_close_v2(db); }
};
using Connection = std::unique_ptr<sqlite3, ConnectionCloser>;

// An Error carrying SQLite's message for the last failure on `db`.
Error sqlite_error(sqlite3* db, std::string_view doing);

// Runs SQL without parameters or results (schema, pragmas, transaction control).
std::optional<Error> execute(sqlite3* db, const char* sql);

class Statement {
 public:
  static Result<Statement> prepare(sqlite3* db, std::string_view sql);

  Statement() = default;  // prepares nothing: assign a prepared one before use

  Statement(Statement&& other) noexcept : db_(other.db_), statement_(std::exchange(other.statement_, nullptr)) {}
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement() {
    if (statement_ != nullptr) libsqlite3().sqlite3_finalize(statement_);
  }

  // Readies the statement for another run: no row pending, every parameter NULL.
  Statement& reset();

  // Parameters count from 1. Text is copied, so the argument need not outlive the statement.
  Statement& bind(int index, std::string_view text);
  Statement& bind_or_null(int index, const std::optional<std::string>& text);
  Statement& bind(int index, int64_t value);

  // True while there is a row to read, false when done.
  Result<bool> step();
  // Steps to the end, for statements that return no rows.
  std::optional<Error> run();
  // Rows changed by the last run.
  int64_t changes() const { return libsqlite3().sqlite3_changes64(db_); }

  // Columns count from 0.
  bool is_null(int column) const { return libsqlite3().sqlite3_column_type(statement_, column) == SQLITE_NULL; }
  int64_t integer(int column) const { return libsqlite3().sqlite3_column_int64(statement_, column); }
  std::string text(int column) const;
  std::optional<std::string> optional_text(int column) const;

 private:
  Statement(sqlite3* db, sqlite3_stmt* statement) : db_(db), statement_(statement) {}

  sqlite3* db_ = nullptr;
  sqlite3_stmt* statement_ = nullptr;
};

// Rolls back unless committed, so that every early error return leaves the database unchanged.
class Transaction {
 public:
  explicit Transaction(sqlite3* db) : db_(db) {}
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction() {
    if (open_) execute(db_, "ROLLBACK");
  }

  // IMMEDIATE takes the write lock at once, so two writers wait (busy_timeout) instead of failing
  // on a lock upgrade.
  std::optional<Error> begin() {
    if (auto error = execute(db_, "BEGIN IMMEDIATE")) return error;
    open_ = true;
    return std::nullopt;
  }

  std::optional<Error> commit() {
    if (auto error = execute(db_, "COMMIT")) return error;
    open_ = false;
    return std::nullopt;
  }

 private:
  sqlite3* db_;
  bool open_ = false;
};

}  // namespace bounceback::store
