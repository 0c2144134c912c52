// explain_text over arbitrary text: codes, replies, diagnostic lines and whole messages.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "bounceback/explain.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  bounceback::explain_text(input);
  return 0;
}
