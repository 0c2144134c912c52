#include "util/shared_library.h"

#include <dlfcn.h>

namespace bounceback::util {

SharedLibrary open_shared_library(const char* soname, std::string_view feature, std::string_view package) {
  SharedLibrary library;
  library.handle = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
  if (library.handle == nullptr) {
    const char* why = dlerror();
    library.error.append(feature).append(": cannot load ").append(soname);
    library.error.append(" (").append(why != nullptr ? why : "not found").append(")");
    library.error.append("; install it, e.g. apt-get install ").append(package);
  }
  return library;
}

void* find_symbol(const SharedLibrary& library, const char* name) {
  return library.handle != nullptr ? dlsym(library.handle, name) : nullptr;
}

std::string missing_function_error(std::string_view feature, const char* soname, const char* function) {
  std::string error(feature);
  error.append(": ").append(soname).append(" has no ").append(function).append(": too old a version");
  return error;
}

}  // namespace bounceback::util
