// SQLite, loaded the first time a store is opened rather than linked: see util/shared_library.h.
// Most runs of bounceback decode without a store.
#pragma once

#include <sqlite3.h>

#include "bounceback/result.h"
#include "util/shared_library.h"

namespace bounceback::store {

// Every SQLite function the store calls.
#define BB_SQLITE3_FUNCTIONS(F)                                                                          \
  F(sqlite3_bind_int64) F(sqlite3_bind_null) F(sqlite3_bind_text64) F(sqlite3_busy_timeout)              \
  F(sqlite3_changes64) F(sqlite3_clear_bindings) F(sqlite3_close_v2) F(sqlite3_column_bytes)             \
  F(sqlite3_column_int64) F(sqlite3_column_text) F(sqlite3_column_type) F(sqlite3_errcode)               \
  F(sqlite3_errmsg) F(sqlite3_exec) F(sqlite3_finalize) F(sqlite3_open_v2) F(sqlite3_prepare_v3)         \
  F(sqlite3_reset) F(sqlite3_step)

struct LibSqlite3 {
  BB_SQLITE3_FUNCTIONS(BB_FUNCTION_POINTER)
};

// Loads SQLite once (thread-safe); a kIoError saying how to install it when it is missing.
Result<const LibSqlite3*> load_libsqlite3();

// The loaded library: only after load_libsqlite3() succeeded, which opening a store ensures.
const LibSqlite3& libsqlite3();

}  // namespace bounceback::store
