#include "mime/icu.h"

#include "util/shared_library.h"

namespace bounceback::mime {
namespace {

constexpr const char* kIcuLibrary = "libicuuc.so." U_ICU_VERSION_SHORT;

struct Loaded {
  Icu functions;
  std::string error;  // empty when every function was found
};

Loaded load() {
  Loaded loaded;
  const util::SharedLibrary library = util::open_shared_library(kIcuLibrary, "ICU", "libicu" U_ICU_VERSION_SHORT);
  if (library.handle == nullptr) {
    loaded.error = library.error;
    return loaded;
  }
  auto& functions = loaded.functions;
  const char* missing = nullptr;
  BB_ICU_FUNCTIONS(BB_FIND_FUNCTION)
  if (missing != nullptr) loaded.error = util::missing_function_error("ICU", kIcuLibrary, missing);
  return loaded;
}

const Loaded& loaded_once() {
  static const Loaded loaded = load();
  return loaded;
}

}  // namespace

const Icu* icu() {
  const Loaded& loaded = loaded_once();
  return loaded.error.empty() ? &loaded.functions : nullptr;
}

const std::string& icu_load_error() { return loaded_once().error; }

}  // namespace bounceback::mime
