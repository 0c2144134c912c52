// The MIME parser and the text decoding of every leaf part over arbitrary bytes.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "mime/message.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  // Small limits so that nesting and part-count cut-offs are reached by small inputs too.
  bounceback::Limits limits;
  limits.max_mime_depth = 8;
  limits.max_parts = 64;
  limits.max_header_bytes = 4096;
  const bounceback::mime::Message message = bounceback::mime::parse_message(input, limits);
  for (const bounceback::mime::Part& part : message.parts) {
    if (!part.is_multipart()) bounceback::mime::decode_text(part);
    part.headers.get("Subject");
  }
  return 0;
}
