#include "server/libmicrohttpd.h"

#include <cstdlib>
#include <string>

#include "util/shared_library.h"

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
  const util::SharedLibrary library = util::open_shared_library(kLibraryName, "HTTP server", "libmicrohttpd12");
  if (library.handle == nullptr) {
    loaded.error = library.error;
    return loaded;
  }
  auto& functions = loaded.functions;
  const char* missing = nullptr;
  BB_MHD_FUNCTIONS(BB_FIND_FUNCTION)
  if (missing != nullptr) loaded.error = util::missing_function_error("HTTP server", kLibraryName, missing);
  return loaded;
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
