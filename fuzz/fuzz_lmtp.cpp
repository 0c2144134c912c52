// The LMTP listener's conversation with an MTA. The work and the checks live in
// lmtp_entry_point.cpp, shared with the regression replay test.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "entry_points.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  bounceback::fuzz::lmtp(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
