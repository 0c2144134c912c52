// Charset conversion and transfer decoding: the first line names a charset, the rest is the bytes.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "mime/decoding.h"
#include "mime/message.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const size_t newline = input.find('\n');
  const std::string_view charset = input.substr(0, newline);
  const std::string_view bytes = newline == std::string_view::npos ? std::string_view{} : input.substr(newline + 1);

  // Whatever the charset, the result is valid UTF-8: it goes straight into JSON output.
  if (!bounceback::mime::is_valid_utf8(bounceback::mime::to_utf8(bytes, charset))) std::abort();
  bounceback::mime::decode_transfer(bytes, "base64");
  bounceback::mime::decode_transfer(bytes, "quoted-printable");
  bounceback::mime::decode_transfer(bytes, charset);
  return 0;
}
