#include "store/libsqlite3.h"

namespace bounceback::store {
namespace {

// The soname of SQLite 3; Debian's package is libsqlite3-0.
constexpr const char* kLibSqlite3Name = "libsqlite3.so.0";

const char* find_functions(const util::SharedLibrary& library, LibSqlite3& functions) {
  const char* missing = nullptr;
  BB_SQLITE3_FUNCTIONS(BB_FIND_FUNCTION)
  return missing;
}

const util::LazyLibrary<LibSqlite3>& library() {
  static const util::LazyLibrary<LibSqlite3> loaded(kLibSqlite3Name, "SQLite store", "libsqlite3-0", find_functions);
  return loaded;
}

}  // namespace

Result<const LibSqlite3*> load_libsqlite3() { return library().load(); }

const LibSqlite3& libsqlite3() { return library().loaded(); }

}  // namespace bounceback::store
