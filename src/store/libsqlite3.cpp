#include "store/libsqlite3.h"

#include <cstdlib>
#include <string>

namespace bounceback::store {
namespace {

// The soname of SQLite 3; Debian's package is libsqlite3-0.
constexpr const char* kLibSqlite3Name = "libsqlite3.so.0";

struct Loaded {
  LibSqlite3 functions;
  std::string error;  // empty when every function was found
};

Loaded load() {
  Loaded loaded;
  const util::SharedLibrary library = util::open_shared_library(kLibSqlite3Name, "SQLite store", "libsqlite3-0");
  if (library.handle == nullptr) {
    loaded.error = library.error;
    return loaded;
  }
  auto& functions = loaded.functions;
  const char* missing = nullptr;
  BB_SQLITE3_FUNCTIONS(BB_FIND_FUNCTION)
  if (missing != nullptr) loaded.error = util::missing_function_error("SQLite store", kLibSqlite3Name, missing);
  return loaded;
}

const Loaded& loaded_once() {
  static const Loaded loaded = load();
  return loaded;
}

}  // namespace

Result<const LibSqlite3*> load_libsqlite3() {
  const Loaded& loaded = loaded_once();
  if (!loaded.error.empty()) return Error{ErrorCode::kIoError, loaded.error};
  return &loaded.functions;
}

const LibSqlite3& libsqlite3() {
  const Loaded& loaded = loaded_once();
  if (!loaded.error.empty()) std::abort();  // a connection exists only once loading succeeded
  return loaded.functions;
}

}  // namespace bounceback::store
