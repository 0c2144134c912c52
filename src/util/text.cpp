#include "util/text.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <cstring>
#include <utility>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "util/byte_masks.h"

namespace bounceback::util {

namespace {

// How often a byte turns up in mail text, roughly (English letter frequencies; white space and
// line breaks often; digits and punctuation less): the rarest bytes of a needle are looked for.
constexpr auto kCommonness = [] {
  std::array<uint8_t, 256> score{};
  score.fill(20);
  constexpr std::string_view kLettersByFrequency = "etaoinshrdlucmfwygpbvkxqjz";
  for (size_t rank = 0; rank != kLettersByFrequency.size(); ++rank) {
    const auto lower = static_cast<unsigned char>(kLettersByFrequency[rank]);
    score[lower] = score[lower - 'a' + 'A'] = static_cast<uint8_t>(100 - rank * 3);
  }
  for (unsigned char c : std::string_view(" \n.-,")) score[c] = c == ' ' ? 110 : 50;
  for (unsigned char c = '0'; c <= '9'; ++c) score[c] = 40;
  return score;
}();

// A byte of the needle that every candidate start is tested for, many starts at once: its offset
// in the needle and what a text byte there must be once `fold` is or-ed in (a letter's lower case
// matches both cases; any other byte only itself).
struct Anchor {
  size_t offset;
  uint8_t fold;
  uint8_t target;
};

Anchor anchor_at(std::string_view needle, size_t offset) {
  const char c = needle[offset];
  return {offset, static_cast<uint8_t>(is_alpha(c) ? 0x20 : 0), static_cast<uint8_t>(ascii_lower(c))};
}

// The needle's two rarest bytes (the same one twice for a one-byte needle): "x" and "f" in
// "mailbox full", so that few starts pass both and get compared in full.
std::pair<Anchor, Anchor> rarest_anchors(std::string_view needle) {
  const auto commonness = [&](size_t i) { return kCommonness[static_cast<unsigned char>(needle[i])]; };
  size_t rarest = 0;
  size_t second = needle.size() > 1 ? 1 : 0;
  if (commonness(second) < commonness(rarest)) std::swap(rarest, second);
  for (size_t i = 2; i < needle.size(); ++i) {
    if (commonness(i) < commonness(rarest)) {
      second = std::exchange(rarest, i);
    } else if (commonness(i) < commonness(second)) {
      second = i;
    }
  }
  return {anchor_at(needle, rarest), anchor_at(needle, second)};
}

// The candidate starts among the 8 at `starts` whose anchor byte fits, marked as byte_masks.h does.
uint64_t fitting_starts8(const char* starts, const Anchor& anchor) {
  return bytes_equal(load8(starts + anchor.offset) | broadcast(anchor.fold), broadcast(anchor.target));
}

#if defined(__SSE2__)
// The same for the 16 starts at `starts`, one bit each.
uint32_t fitting_starts16(const char* starts, const Anchor& anchor) {
  const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(starts + anchor.offset));
  const __m128i folded = _mm_or_si128(bytes, _mm_set1_epi8(static_cast<char>(anchor.fold)));
  return static_cast<uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(folded, _mm_set1_epi8(static_cast<char>(anchor.target)))));
}
#endif

}  // namespace

// The formats' claims and the classifier search texts for dozens of phrases, so this is hot.
// Each candidate start is tested for the needle's two rarest bytes, 16 (or 8) starts at a time,
// and only those that have both are compared in full: a start per byte tried through memchr
// cost a call per common letter ("e" of "user unknown"), and most texts searched are short.
size_t ifind(std::string_view text, std::string_view needle, size_t from) {
  if (needle.empty()) return from <= text.size() ? from : std::string_view::npos;
  if (needle.size() > text.size() || from > text.size() - needle.size()) return std::string_view::npos;
  const auto [a, b] = rarest_anchors(needle);
  const size_t starts_end = text.size() - needle.size() + 1;  // loads reach at most text's end
  const char* const base = text.data();
  const auto found_at = [&](size_t start) { return iequals(text.substr(start, needle.size()), needle); };
  size_t start = from;
#if defined(__SSE2__)
  for (; start + 16 <= starts_end; start += 16) {
    for (uint32_t marks = fitting_starts16(base + start, a) & fitting_starts16(base + start, b); marks != 0;
         marks &= marks - 1) {
      const size_t candidate = start + static_cast<size_t>(std::countr_zero(marks));
      if (found_at(candidate)) return candidate;
    }
  }
#endif
  for (; start + 8 <= starts_end; start += 8) {
    for (uint64_t marks = fitting_starts8(base + start, a) & fitting_starts8(base + start, b); marks != 0;
         marks = without_first_mark(marks)) {
      const size_t candidate = start + first_marked_byte(marks);
      if (found_at(candidate)) return candidate;
    }
  }
  for (; start < starts_end; ++start) {
    if (found_at(start)) return start;
  }
  return std::string_view::npos;
}

bool icontains(std::string_view text, std::string_view needle) {
  return ifind(text, needle) != std::string_view::npos;
}

std::string to_lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), ascii_lower);
  return out;
}

std::string collapse_space(std::string_view text) {
  std::string out(text.size(), '\0');
  char* const begin = out.data();
  char* end = begin;
  bool pending_space = false;
  for (char c : text) {
    if (is_space(c)) {
      pending_space = end != begin;
      continue;
    }
    if (pending_space) *end++ = ' ';
    pending_space = false;
    *end++ = c;
  }
  out.resize(static_cast<size_t>(end - begin));
  return out;
}

std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  size_t pos = 0;
  std::string_view line;
  while (next_line(text, pos, line)) lines.push_back(line);
  return lines;
}

}  // namespace bounceback::util
