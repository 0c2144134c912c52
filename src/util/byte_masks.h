// Tests over eight bytes at once, for scans that run over every message (the record builder's
// plain-text checks, header field names, JSON escapes): each returns a word with the high bit of
// every matching byte set.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace bounceback::util {

inline constexpr uint64_t kLow7 = 0x7F7F7F7F7F7F7F7FULL;
inline constexpr uint64_t kHigh = 0x8080808080808080ULL;

inline uint64_t load8(const char* bytes) {
  uint64_t word;
  std::memcpy(&word, bytes, 8);
  return word;
}

// `byte` in each of the eight bytes of a word.
constexpr uint64_t broadcast(unsigned char byte) { return 0x0101010101010101ULL * byte; }

// Bytes equal to those of `target` (exact per byte: no carry runs from one byte to the next).
constexpr uint64_t bytes_equal(uint64_t word, uint64_t target) {
  const uint64_t diff = word ^ target;
  return ~(((diff & kLow7) + kLow7) | diff | kLow7);
}

// Bytes from `low` to `high`, both ASCII (below 0x80); bytes of 0x80 and over never are.
constexpr uint64_t bytes_in_range(uint64_t word, unsigned char low, unsigned char high) {
  const uint64_t low7 = word & kLow7;
  const uint64_t at_least_low = low7 + broadcast(static_cast<unsigned char>(0x80 - low));
  const uint64_t above_high = low7 + broadcast(static_cast<unsigned char>(0x7F - high));
  return at_least_low & ~above_high & ~word & kHigh;
}

// Bytes that are ' '.
constexpr uint64_t blanks_in(uint64_t word) { return bytes_equal(word, broadcast(' ')); }

// Bytes below ' ': tab, line breaks and the other control characters.
constexpr uint64_t controls_in(uint64_t word) { return ~((word & kLow7) + 0x6060606060606060ULL) & ~word & kHigh; }

// Bytes from DEL (0x7F) up: DEL and everything that is not ASCII.
constexpr uint64_t non_printing_high_in(uint64_t word) {
  return (((word & kLow7) + 0x0101010101010101ULL) | word) & kHigh;
}

// Index of the first marked byte of a word loaded with load8 (in the bytes' order in memory).
inline size_t first_marked_byte(uint64_t marks) {
  if constexpr (std::endian::native == std::endian::little) {
    return static_cast<size_t>(std::countr_zero(marks)) / 8;
  } else {
    return static_cast<size_t>(std::countl_zero(marks)) / 8;
  }
}

}  // namespace bounceback::util
