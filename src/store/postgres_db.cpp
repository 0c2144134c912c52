#include "store/postgres_db.h"

#include <algorithm>
#include <charconv>
#include <utility>

#include "io/utf8.h"
#include "store/libpq.h"

namespace bounceback::store::pg {
namespace {

// libpq does not set a connect timeout: an unreachable host would hang a start-up for minutes.
constexpr const char* kConnectTimeoutSeconds = "10";

// SQLSTATEs after which the whole transaction may simply run again.
bool is_retryable(const char* sqlstate) {
  if (sqlstate == nullptr) return false;
  const std::string_view state(sqlstate);
  return state == "40P01" || state == "40001";  // deadlock_detected, serialization_failure
}

std::string without_trailing_newline(std::string message) {
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  return message;
}

// The password given in the URL, if any, so that it can be kept out of messages; an Error when
// libpq cannot parse the URL. libpq's own parse message may quote the password: it is not used.
Result<std::optional<std::string>> password_in(const std::string& url) {
  char* parse_error = nullptr;
  PQconninfoOption* options = libpq().PQconninfoParse(url.c_str(), &parse_error);
  libpq().PQfreemem(parse_error);
  if (options == nullptr) {
    return Error{ErrorCode::kInvalidArgument,
                 "PostgreSQL store: not a valid URL (postgresql://user:password@host:port/database)"};
  }
  std::optional<std::string> password;
  for (const PQconninfoOption* option = options; option->keyword != nullptr; ++option) {
    if (std::string_view(option->keyword) == "password" && option->val != nullptr && *option->val != '\0') {
      password = option->val;
    }
  }
  libpq().PQconninfoFree(options);
  return password;
}

std::string hiding(std::string message, const std::optional<std::string>& secret) {
  if (!secret) return message;
  for (size_t at = message.find(*secret); at != std::string::npos; at = message.find(*secret, at)) {
    message.replace(at, secret->size(), "***");
    at += 3;
  }
  return message;
}

std::string where(PGconn* connection) {
  const char* host = libpq().PQhost(connection);
  const char* db = libpq().PQdb(connection);
  return std::string("PostgreSQL store (host ") + (host && *host ? host : "default") + ", database " +
         (db && *db ? db : "default") + ")";
}

// The start of a statement's text, enough to tell which one failed.
std::string_view summary_of(std::string_view sql) {
  constexpr size_t kLength = 60;
  const size_t start = std::min(sql.find_first_not_of(" \n"), sql.size());
  sql.remove_prefix(start);
  return sql.substr(0, std::min(sql.find('\n'), kLength));
}

std::vector<const char*> values_of(const std::vector<Param>& params) {
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const Param& param : params) values.push_back(param ? param->c_str() : nullptr);
  return values;
}

}  // namespace

Param text(std::string_view value) {
  std::string valid;
  valid.reserve(value.size());
  size_t start = 0;
  for (size_t nul = value.find('\0'); nul != std::string_view::npos; nul = value.find('\0', start)) {
    io::append_valid_utf8(value.substr(start, nul - start), valid);
    valid.append(io::kReplacementCharacter);
    start = nul + 1;
  }
  io::append_valid_utf8(value.substr(start), valid);
  return valid;
}

Param number(int64_t value) { return std::to_string(value); }

Param text_array(const std::vector<std::string>& values) {
  std::string literal = "{";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i) literal += ',';
    literal += '"';
    const Param valid = text(values[i]);
    for (const char c : *valid) {
      if (c == '"' || c == '\\') literal += '\\';
      literal += c;
    }
    literal += '"';
  }
  literal += '}';
  return literal;
}

void Rows::Clear::operator()(pg_result* result) const { libpq().PQclear(result); }

int Rows::count() const { return libpq().PQntuples(result_.get()); }

bool Rows::is_null(int row, int column) const { return libpq().PQgetisnull(result_.get(), row, column) != 0; }

std::string Rows::text(int row, int column) const {
  return std::string(libpq().PQgetvalue(result_.get(), row, column),
                     static_cast<size_t>(libpq().PQgetlength(result_.get(), row, column)));
}

int64_t Rows::integer(int row, int column) const {
  const std::string digits = text(row, column);
  int64_t value = 0;
  std::from_chars(digits.data(), digits.data() + digits.size(), value);
  return value;
}

int64_t Rows::affected() const {
  const char* tuples = libpq().PQcmdTuples(result_.get());
  int64_t value = 0;
  std::from_chars(tuples, tuples + std::char_traits<char>::length(tuples), value);
  return value;
}

void Connection::Close::operator()(pg_conn* connection) const { libpq().PQfinish(connection); }

Result<Connection> Connection::open(const std::string& url) {
  if (const Result<const LibPq*> loaded = load_libpq(); !loaded) return loaded.error();
  const Result<std::optional<std::string>> parsed = password_in(url);
  if (!parsed) return parsed.error();
  const std::optional<std::string>& password = *parsed;
  // Later entries override earlier ones: the URL's own connect_timeout wins over the default.
  const char* keywords[] = {"connect_timeout", "application_name", "dbname", nullptr};
  const char* values[] = {kConnectTimeoutSeconds, "bounceback", url.c_str(), nullptr};
  Connection connection(libpq().PQconnectdbParams(keywords, values, 1));
  if (!connection.connection_) return Error{ErrorCode::kIoError, "PostgreSQL store: out of memory"};
  PGconn* raw = connection.connection_.get();
  if (libpq().PQstatus(raw) != CONNECTION_OK) {
    return Error{ErrorCode::kIoError,
                 hiding(where(raw) + ": cannot connect: " + without_trailing_newline(libpq().PQerrorMessage(raw)), password)};
  }
  return connection;
}

Result<Rows> Connection::checked(pg_result* raw, std::string_view doing) {
  Rows rows(raw);
  const ExecStatusType status = libpq().PQresultStatus(raw);
  retryable_ = false;
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return rows;
  retryable_ = is_retryable(libpq().PQresultErrorField(raw, PG_DIAG_SQLSTATE));
  // Without a result (the connection is lost, or memory), the reason is on the connection.
  const char* message = raw != nullptr && *libpq().PQresultErrorMessage(raw) != '\0' ? libpq().PQresultErrorMessage(raw)
                                                                            : libpq().PQerrorMessage(connection_.get());
  return Error{ErrorCode::kIoError, where(connection_.get()) + ": " + std::string(doing) + ": " +
                                        without_trailing_newline(message)};
}

std::optional<Error> Connection::execute(const char* sql) {
  Result<Rows> rows = checked(libpq().PQexec(connection_.get(), sql), summary_of(sql));
  if (!rows) return rows.error();
  return std::nullopt;
}

Result<Rows> Connection::run(const char* sql, const std::vector<Param>& params) {
  const std::vector<const char*> values = values_of(params);
  return checked(libpq().PQexecParams(connection_.get(), sql, static_cast<int>(values.size()), nullptr, values.data(),
                              nullptr, nullptr, 0),
                 "query");
}

std::optional<Error> Connection::prepare(const char* name, const char* sql) {
  Result<Rows> rows = checked(libpq().PQprepare(connection_.get(), name, sql, 0, nullptr), name);
  if (!rows) return rows.error();
  return std::nullopt;
}

Result<Rows> Connection::run_prepared(const char* name, const std::vector<Param>& params) {
  const std::vector<const char*> values = values_of(params);
  return checked(libpq().PQexecPrepared(connection_.get(), name, static_cast<int>(values.size()), values.data(), nullptr,
                                nullptr, 0),
                 name);
}

bool Connection::broken() const { return libpq().PQstatus(connection_.get()) != CONNECTION_OK; }

Transaction::~Transaction() {
  if (open_) connection_.execute("ROLLBACK");
}

std::optional<Error> Transaction::begin() {
  if (auto error = connection_.execute("BEGIN")) return error;
  open_ = true;
  return std::nullopt;
}

std::optional<Error> Transaction::commit() {
  open_ = false;  // a failed COMMIT has ended the transaction too
  return connection_.execute("COMMIT");
}

Pool::Lease::~Lease() {
  if (connection_) pool_.give_back(std::move(connection_));
}

Result<Pool::Lease> Pool::borrow() {
  {
    std::unique_lock lock(mutex_);
    returned_.wait(lock, [&] { return !idle_.empty() || lent_ < max_size_; });
    ++lent_;
    if (!idle_.empty()) {
      std::unique_ptr<Connection> connection = std::move(idle_.back());
      idle_.pop_back();
      return Lease(*this, std::move(connection));
    }
  }
  // Connecting happens outside the lock: other threads keep borrowing idle connections meanwhile.
  Result<Connection> opened = Connection::open(url_);
  std::optional<Error> failure;
  if (!opened) failure = opened.error();
  auto connection = opened ? std::make_unique<Connection>(std::move(opened).value()) : nullptr;
  if (connection && (failure = prepare_(*connection))) connection.reset();
  if (failure) {
    give_back(nullptr);
    return *failure;
  }
  return Lease(*this, std::move(connection));
}

void Pool::give_back(std::unique_ptr<Connection> connection) {
  {
    const std::lock_guard lock(mutex_);
    --lent_;
    if (connection && !connection->broken()) idle_.push_back(std::move(connection));
  }
  returned_.notify_one();
}

}  // namespace bounceback::store::pg
