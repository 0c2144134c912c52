// The SQLite back end of the bounce store: one file, WAL mode, one writer at a time.
#pragma once

#include <memory>
#include <string>

#include "store/store.h"

namespace bounceback::store {

// Opens or creates the database at `path` and brings its schema up to date.
Result<std::unique_ptr<Store>> open_sqlite_store(const std::string& path, SuppressionPolicy policy);

}  // namespace bounceback::store
