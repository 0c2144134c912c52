// The PostgreSQL schema of the store: the same tables and migration steps as sqlite_schema.cpp.
#pragma once

#include <optional>

#include "bounceback/result.h"
#include "store/postgres_db.h"

namespace bounceback::store {

// Creates or migrates the schema to the current version. Safe when several nodes start at once:
// they take turns, and the later ones find the schema current.
std::optional<Error> prepare_postgres_schema(pg::Connection& connection);

}  // namespace bounceback::store
