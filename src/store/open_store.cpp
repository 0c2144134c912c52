// Picks the back end from the store URL.
#include <algorithm>
#include <string>
#include <vector>

#include "store/postgres_store.h"
#include "store/sqlite_store.h"
#include "store/store.h"

namespace bounceback::store {
namespace {

constexpr std::string_view kSqliteScheme = "sqlite:";
constexpr std::string_view kDefaultPath = "./bounceback.db";

bool is_postgresql(std::string_view url) { return url.starts_with("postgresql://") || url.starts_with("postgres://"); }

// Replaces url[from, to) with "***" when it is not empty.
void mask(std::string& url, size_t from, size_t to) {
  if (to > from) url.replace(from, to - from, "***");
}

}  // namespace

std::string printable_store_url(std::string_view url) {
  std::string printable(url);
  if (!is_postgresql(url)) return printable;
  const size_t authority = printable.find("://") + 3;
  const size_t query = printable.find('?', authority);
  const size_t authority_end = std::min(printable.find('/', authority), query);
  const size_t at = printable.rfind('@', authority_end);
  if (at != std::string::npos && at >= authority) {
    const size_t colon = printable.find(':', authority);
    if (colon < at) mask(printable, colon + 1, at);
  }
  for (size_t option = printable.find("password=", authority); option != std::string::npos;
       option = printable.find("password=", option + 1)) {
    const bool starts_option = printable[option - 1] == '?' || printable[option - 1] == '&';
    if (!starts_option) continue;
    const size_t value = option + std::string_view("password=").size();
    mask(printable, value, std::min(printable.find('&', value), printable.size()));
  }
  return printable;
}

Result<StoreResult> Store::store_message(std::string_view message_hash, const std::vector<Record>& records) {
  Result<std::vector<StoreResult>> stored = store_messages({MessageRecords{std::string(message_hash), records}});
  if (!stored) return stored.error();
  return stored->front();
}

Result<std::unique_ptr<Store>> open_store(std::string_view url, SuppressionPolicy policy) {
  if (is_postgresql(url)) return open_postgres_store(std::string(url), policy);
  std::string_view path = url.starts_with(kSqliteScheme) ? url.substr(kSqliteScheme.size()) : url;
  if (path.empty()) path = kDefaultPath;
  if (path.find('\0') != std::string_view::npos) {
    return Error{ErrorCode::kInvalidArgument, "the store path contains a NUL byte"};
  }
  return open_sqlite_store(std::string(path), policy);
}

}  // namespace bounceback::store
