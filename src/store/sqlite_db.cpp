#include "store/sqlite_db.h"

#include <utility>

namespace bounceback::store {

Error sqlite_error(sqlite3* db, std::string_view doing) {
  std::string message(doing);
  message.append(": ").append(db ? libsqlite3().sqlite3_errmsg(db) : "out of memory");
  return Error{ErrorCode::kIoError, std::move(message)};
}

std::optional<Error> execute(sqlite3* db, const char* sql) {
  if (libsqlite3().sqlite3_exec(db, sql, nullptr, nullptr, nullptr) == SQLITE_OK) return std::nullopt;
  return sqlite_error(db, "cannot run SQL");
}

Result<Statement> Statement::prepare(sqlite3* db, std::string_view sql) {
  sqlite3_stmt* statement = nullptr;
  if (libsqlite3().sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                                      &statement, nullptr) != SQLITE_OK) {
    return sqlite_error(db, "cannot prepare a statement");
  }
  return Statement(db, statement);
}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    if (statement_ != nullptr) libsqlite3().sqlite3_finalize(statement_);
    db_ = other.db_;
    statement_ = std::exchange(other.statement_, nullptr);
  }
  return *this;
}

Statement& Statement::reset() {
  libsqlite3().sqlite3_reset(statement_);
  libsqlite3().sqlite3_clear_bindings(statement_);
  return *this;
}

Statement& Statement::bind(int index, std::string_view text) {
  libsqlite3().sqlite3_bind_text64(statement_, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  return *this;
}

Statement& Statement::bind_or_null(int index, const std::optional<std::string>& text) {
  if (text) return bind(index, std::string_view(*text));
  libsqlite3().sqlite3_bind_null(statement_, index);
  return *this;
}

Statement& Statement::bind(int index, int64_t value) {
  libsqlite3().sqlite3_bind_int64(statement_, index, value);
  return *this;
}

Result<bool> Statement::step() {
  const int status = libsqlite3().sqlite3_step(statement_);
  if (status == SQLITE_ROW) return true;
  if (status == SQLITE_DONE) return false;
  return sqlite_error(db_, "cannot run a statement");
}

std::optional<Error> Statement::run() {
  for (;;) {
    const Result<bool> row = step();
    if (!row) return row.error();
    if (!*row) return std::nullopt;
  }
}

std::string Statement::text(int column) const {
  const LibSqlite3& sqlite = libsqlite3();
  const unsigned char* text = sqlite.sqlite3_column_text(statement_, column);
  if (text == nullptr) return {};
  return std::string(reinterpret_cast<const char*>(text), static_cast<size_t>(sqlite.sqlite3_column_bytes(statement_, column)));
}

std::optional<std::string> Statement::optional_text(int column) const {
  if (is_null(column)) return std::nullopt;
  return text(column);
}

}  // namespace bounceback::store
