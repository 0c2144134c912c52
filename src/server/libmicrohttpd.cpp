#include "server/libmicrohttpd.h"

namespace bounceback::server {
namespace {

// The soname of libmicrohttpd since 0.9.67; Debian's package is libmicrohttpd12.
constexpr const char* kLibraryName = "libmicrohttpd.so.12";

const char* find_functions(const util::SharedLibrary& library, LibMicroHttpd& functions) {
  const char* missing = nullptr;
  BB_MHD_FUNCTIONS(BB_FIND_FUNCTION)
  return missing;
}

const util::LazyLibrary<LibMicroHttpd>& library() {
  static const util::LazyLibrary<LibMicroHttpd> loaded(kLibraryName, "HTTP server", "libmicrohttpd12", find_functions);
  return loaded;
}

}  // namespace

Result<const LibMicroHttpd*> load_libmicrohttpd() { return library().load(); }

const LibMicroHttpd& mhd() { return library().loaded(); }

}  // namespace bounceback::server
