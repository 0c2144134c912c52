// The HTTP API: requests as text, answered by the server's Api over a fresh SQLite store.
// The work and the checks live in entry_points.cpp, shared with the regression replay test.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "entry_points.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  bounceback::fuzz::http(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
