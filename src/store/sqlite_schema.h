// The SQLite schema and the connection settings the store relies on.
#pragma once

#include <sqlite3.h>

#include <optional>

#include "bounceback/result.h"

namespace bounceback::store {

// Sets WAL mode and the busy timeout, then creates or migrates the schema to the current version.
std::optional<Error> prepare_schema(sqlite3* db);

}  // namespace bounceback::store
