// find_codes over arbitrary text, and explain_code over every code it finds and the input itself.
// The work and the checks live in entry_points.cpp, shared with the regression replay test.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "entry_points.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  bounceback::fuzz::find_codes(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
