// Tests over eight bytes at once, for the plain-text checks the record builder makes on every
// message: each returns a word with the high bit of every matching byte set. Byte order does not
// matter: the masks are only tested for zero or combined byte by byte.
#pragma once

#include <cstdint>
#include <cstring>

namespace bounceback::pipeline {

inline constexpr uint64_t kLow7 = 0x7F7F7F7F7F7F7F7FULL;
inline constexpr uint64_t kHigh = 0x8080808080808080ULL;

inline uint64_t load8(const char* bytes) {
  uint64_t word;
  std::memcpy(&word, bytes, 8);
  return word;
}

// Bytes that are ' '.
constexpr uint64_t blanks_in(uint64_t word) {
  const uint64_t diff = word ^ 0x2020202020202020ULL;
  return ~(((diff & kLow7) + kLow7) | diff | kLow7);
}

// Bytes below ' ': tab, line breaks and the other control characters.
constexpr uint64_t controls_in(uint64_t word) { return ~((word & kLow7) + 0x6060606060606060ULL) & ~word & kHigh; }

// Bytes from DEL (0x7F) up: DEL and everything that is not ASCII.
constexpr uint64_t non_printing_high_in(uint64_t word) {
  return (((word & kLow7) + 0x0101010101010101ULL) | word) & kHigh;
}

}  // namespace bounceback::pipeline
