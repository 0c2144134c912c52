// Which pairs of adjacent bytes a text holds, ASCII case ignored: a phrase holding a pair the text
// lacks cannot occur in it. A table of a dozen phrases searched over a short text then costs one
// pass over the text and a few bit tests per phrase, instead of a search per phrase.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace bounceback::formats {

class BytePairs {
 public:
  explicit BytePairs(std::string_view text) {
    for (size_t i = 1; i < text.size(); ++i) held_[pair_index(text[i - 1], text[i])] = true;
  }

  // Whether reading a text of `text_size` bytes first saves more than it costs over `phrases`
  // searches: a search is memchr over the text plus a comparison at each place its rarest byte
  // occurs, the reading a few instructions per byte. 32 bytes per phrase did best on the corpus and
  // on an mbox of it (16 and 64 cost more instructions).
  static constexpr bool pay_off(size_t text_size, size_t phrases) { return text_size <= phrases * kBytesPerSearch; }

  // False only when `phrase` (of two bytes or more) cannot occur in the text; true for shorter ones.
  bool may_hold(std::string_view phrase) const {
    for (size_t i = 1; i < phrase.size(); ++i) {
      if (!held_[pair_index(phrase[i - 1], phrase[i])]) return false;
    }
    return true;
  }

 private:
  // The low five bits of a byte are the same for both cases of an ASCII letter, so bytes that
  // compare equal ignoring case always share an index; other bytes may share one too, which only
  // lets a phrase through to its search.
  static constexpr size_t pair_index(char first, char second) {
    return ((static_cast<size_t>(static_cast<unsigned char>(first)) & 31) << 5) |
           (static_cast<size_t>(static_cast<unsigned char>(second)) & 31);
  }
  static constexpr size_t kBytesPerSearch = 32;

  // A byte per pair rather than a bit: each byte of the text sets one, with a single store.
  std::array<bool, 1024> held_{};
};

}  // namespace bounceback::formats
