// find_codes over arbitrary text, and explain_code over every code it finds and the input itself.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "bounceback/codes.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  for (const bounceback::FoundCode& found : bounceback::find_codes(input)) {
    // The offsets must point into the text; a found code must be explainable.
    if (found.offset > input.size() || found.length > input.size() - found.offset) std::abort();
    if (!bounceback::explain_code(found.code)) std::abort();
  }
  bounceback::explain_code(input);
  return 0;
}
