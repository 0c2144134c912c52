// The PostgreSQL back end of the bounce store: many processes on many nodes may share one
// database. Idempotency rests on the messages table's primary key (INSERT ... ON CONFLICT), and
// every write to a recipient's suppression state holds a transaction lock on that recipient.
#pragma once

#include <memory>
#include <string>

#include "store/store.h"

namespace bounceback::store {

// Connects to `url` (postgresql://user:password@host:port/database?options) and brings the
// schema up to date.
Result<std::unique_ptr<Store>> open_postgres_store(const std::string& url, SuppressionPolicy policy);

}  // namespace bounceback::store
