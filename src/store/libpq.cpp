#include "store/libpq.h"

#include <dlfcn.h>

#include <cstdlib>
#include <string>

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
  void* handle = dlopen(kLibPqName, RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* why = dlerror();
    loaded.error = std::string("PostgreSQL store: cannot load ") + kLibPqName + " (" + (why ? why : "not found") +
                   "); install it, e.g. apt-get install libpq5";
    return loaded;
  }
#define BB_LIBPQ_LOOKUP(name)                                                                          \
  loaded.functions.name = reinterpret_cast<decltype(&::name)>(dlsym(handle, #name));                 \
  if (loaded.functions.name == nullptr && loaded.error.empty()) {                                      \
    loaded.error = std::string("PostgreSQL store: ") + kLibPqName + " has no " #name ": too old a libpq"; \
  }
  BB_LIBPQ_FUNCTIONS(BB_LIBPQ_LOOKUP)
#undef BB_LIBPQ_LOOKUP
  return loaded;  // the handle stays open for the life of the process
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
