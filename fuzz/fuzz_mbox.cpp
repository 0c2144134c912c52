// The mbox splitter: the same bytes fed in one piece and in pieces of fuzzer-chosen sizes must give
// the same messages, whatever the limit.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "io/mbox.h"

namespace {

using bounceback::io::MboxEntry;
using bounceback::io::MboxSplitter;

void drain(MboxSplitter& splitter, std::vector<MboxEntry>& out) {
  while (auto entry = splitter.next()) out.push_back(std::move(*entry));
}

bool same(const std::vector<MboxEntry>& a, const std::vector<MboxEntry>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].number != b[i].number || a[i].too_large != b[i].too_large || a[i].message != b[i].message) return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  // Byte 0 picks the piece size, byte 1 the message size limit; the rest is the mbox.
  const size_t piece = 1 + data[0] % 64;
  const size_t limit = 16 + size_t{data[1]} * 8;
  std::string mbox(bounceback::io::kMboxEnvelope);
  mbox.append(reinterpret_cast<const char*>(data) + 2, size - 2);

  MboxSplitter whole(limit);
  std::vector<MboxEntry> expected;
  whole.feed(mbox);
  whole.finish();
  drain(whole, expected);

  MboxSplitter pieces(limit);
  std::vector<MboxEntry> got;
  for (size_t at = 0; at < mbox.size(); at += piece) {
    pieces.feed(std::string_view(mbox).substr(at, piece));
    drain(pieces, got);
  }
  pieces.finish();
  drain(pieces, got);

  if (!same(expected, got)) std::abort();
  return 0;
}
