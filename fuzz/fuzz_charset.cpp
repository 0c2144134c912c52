// Charset conversion to UTF-8: the first line names a charset, the rest is the bytes.
// The work and the checks live in entry_points.cpp, shared with the regression replay test.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "entry_points.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  bounceback::fuzz::charset(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
