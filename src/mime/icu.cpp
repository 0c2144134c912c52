#include "mime/icu.h"

namespace bounceback::mime {
namespace {

// The library of the ICU version built against; Debian's package is libicu72 for ICU 72.
constexpr const char* kIcuLibrary = "libicuuc.so." U_ICU_VERSION_SHORT;

const char* find_functions(const util::SharedLibrary& library, Icu& functions) {
  const char* missing = nullptr;
  BB_ICU_FUNCTIONS(BB_FIND_FUNCTION)
  return missing;
}

const util::LazyLibrary<Icu>& library() {
  static const util::LazyLibrary<Icu> loaded(kIcuLibrary, "ICU", "libicu" U_ICU_VERSION_SHORT, find_functions);
  return loaded;
}

}  // namespace

const Icu* icu() { return library().get(); }

const std::string& icu_load_error() { return library().error(); }

}  // namespace bounceback::mime
