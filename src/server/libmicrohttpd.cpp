#include "server/libmicrohttpd.h"

#include <dlfcn.h>

#include <cstdlib>
#include <string>

namespace bounceback::server {
namespace {

// The soname of libmicrohttpd since 0.9.67; Debian's package is libmicrohttpd12.
constexpr const char* kLibraryName = "libmicrohttpd.so.12";

struct Loaded {
  LibMicroHttpd functions;
  std::string error;  // empty when every function was found
};

Loaded load() {
  Loaded loaded;
  void* handle = dlopen(kLibraryName, RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* why = dlerror();
    loaded.error = std::string("HTTP server: cannot load ") + kLibraryName + " (" + (why ? why : "not found") +
                   "); install it, e.g. apt-get install libmicrohttpd12";
    return loaded;
  }
#define BB_MHD_LOOKUP(name)                                                                            \
  loaded.functions.name = reinterpret_cast<decltype(&::name)>(dlsym(handle, #name));                 \
  if (loaded.functions.name == nullptr && loaded.error.empty()) {                                      \
    loaded.error = std::string("HTTP server: ") + kLibraryName + " has no " #name ": too old a version"; \
  }
  BB_MHD_FUNCTIONS(BB_MHD_LOOKUP)
#undef BB_MHD_LOOKUP
  return loaded;  // the handle stays open for the life of the process
}

const Loaded& loaded_once() {
  static const Loaded loaded = load();
  return loaded;
}

}  // namespace

Result<const LibMicroHttpd*> load_libmicrohttpd() {
  const Loaded& loaded = loaded_once();
  if (!loaded.error.empty()) return Error{ErrorCode::kIoError, loaded.error};
  return &loaded.functions;
}

const LibMicroHttpd& mhd() {
  const Loaded& loaded = loaded_once();
  if (!loaded.error.empty()) std::abort();  // a daemon exists only once loading succeeded
  return loaded.functions;
}

}  // namespace bounceback::server
