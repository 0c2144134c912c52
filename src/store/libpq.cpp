#include "store/libpq.h"

namespace bounceback::store::pg {
namespace {

// The soname of libpq since PostgreSQL 8.3; Debian's package is libpq5.
constexpr const char* kLibPqName = "libpq.so.5";

const char* find_functions(const util::SharedLibrary& library, LibPq& functions) {
  const char* missing = nullptr;
  BB_LIBPQ_FUNCTIONS(BB_FIND_FUNCTION)
  return missing;
}

const util::LazyLibrary<LibPq>& library() {
  static const util::LazyLibrary<LibPq> loaded(kLibPqName, "PostgreSQL store", "libpq5", find_functions);
  return loaded;
}

}  // namespace

Result<const LibPq*> load_libpq() { return library().load(); }

const LibPq& libpq() { return library().loaded(); }

}  // namespace bounceback::store::pg
