// The whole decode pipeline (MIME, report extractors, format families, classifier, explainer).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "bounceback/decoder.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const bounceback::Decoder decoder;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const bounceback::DecodeResult result = decoder.decode(input, "fuzz");
  // A refused message carries no records; a decoded one names its source in every record.
  if (result.error && !result.records.empty()) std::abort();
  for (const bounceback::Record& record : result.records) {
    if (record.source != "fuzz") std::abort();
  }
  return 0;
}
