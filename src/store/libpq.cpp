#include "store/libpq.h"

#include <cstdlib>
#include <string>

#include "util/shared_library.h"

namespace bounceback::store::pg {
namespace {

// The soname of libpq since PostgreSQL 8.3; Debian's package is libpq5.
constexpr const char* kLibPqName = "libpq.so.5";

struct Loaded {
  LibPq functions;
  std::string error;  // empty when every function was found
};

Loaded load() {
  Loaded loaded;
  const util::SharedLibrary library = util::open_shared_library(kLibPqName, "PostgreSQL store", "libpq5");
  if (library.handle == nullptr) {
    loaded.error = library.error;
    return loaded;
  }
  auto& functions = loaded.functions;
  const char* missing = nullptr;
  BB_LIBPQ_FUNCTIONS(BB_FIND_FUNCTION)
  if (missing != nullptr) loaded.error = util::missing_function_error("PostgreSQL store", kLibPqName, missing);
  return loaded;
}

const Loaded& loaded_once() {
  static const Loaded loaded = load();
  return loaded;
}

}  // namespace

Result<const LibPq*> load_libpq() {
  const Loaded& loaded = loaded_once();
  if (!loaded.error.empty()) return Error{ErrorCode::kIoError, loaded.error};
  return &loaded.functions;
}

const LibPq& libpq() {
  const Loaded& loaded = loaded_once();
  if (!loaded.error.empty()) std::abort();  // a connection exists only once loading succeeded
  return loaded.functions;
}

}  // namespace bounceback::store::pg
