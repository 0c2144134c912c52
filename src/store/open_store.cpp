// Picks the back end from the store URL.
#include <string>

#include "store/sqlite_store.h"
#include "store/store.h"

namespace bounceback::store {
namespace {

constexpr std::string_view kSqliteScheme = "sqlite:";
constexpr std::string_view kDefaultPath = "./bounceback.db";

bool is_postgresql(std::string_view url) { return url.starts_with("postgresql://") || url.starts_with("postgres://"); }

}  // namespace

Result<std::unique_ptr<Store>> open_store(std::string_view url, SuppressionPolicy policy) {
  if (is_postgresql(url)) {
    return Error{ErrorCode::kInvalidArgument, "PostgreSQL store is not built yet: use sqlite:PATH"};
  }
  std::string_view path = url.starts_with(kSqliteScheme) ? url.substr(kSqliteScheme.size()) : url;
  if (path.empty()) path = kDefaultPath;
  if (path.find('\0') != std::string_view::npos) {
    return Error{ErrorCode::kInvalidArgument, "the store path contains a NUL byte"};
  }
  return open_sqlite_store(std::string(path), policy);
}

}  // namespace bounceback::store
