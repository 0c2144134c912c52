#include "mime/icu.h"

#include "util/shared_library.h"

namespace bounceback::mime {
namespace {

constexpr const char* kIcuLibrary = "libicuuc.so." U_ICU_VERSION_SHORT;

Icu load() {
  const util::SharedLibrary library = util::open_shared_library(kIcuLibrary, "ICU", "libicu" U_ICU_VERSION_SHORT);
  Icu functions;
  const char* missing = nullptr;
  BB_ICU_FUNCTIONS(BB_FIND_FUNCTION)
  return missing == nullptr ? functions : Icu{};
}

}  // namespace

const Icu* icu() {
  static const Icu loaded = load();
  return loaded.ucnv_open != nullptr ? &loaded : nullptr;
}

}  // namespace bounceback::mime
