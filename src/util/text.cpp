#include "util/text.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>

namespace bounceback::util {

namespace {

constexpr char ascii_upper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c; }

// Position of byte `c` in text[from, end), or npos; memchr is vectorised by the C library.
size_t find_byte(std::string_view text, char c, size_t from, size_t end) {
  if (from >= end) return std::string_view::npos;
  const void* hit = std::memchr(text.data() + from, c, end - from);
  return hit == nullptr ? std::string_view::npos : static_cast<size_t>(static_cast<const char*>(hit) - text.data());
}

// How often a byte turns up in mail text, roughly (English letter frequencies; white space and
// line breaks often; digits and punctuation less): the rarest byte of a needle is searched for.
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

constexpr uint8_t kRarest = *std::min_element(kCommonness.begin(), kCommonness.end());

// The first byte of the lowest commonness. Every search picks its needle's anchor so (a few
// thousand per thousand messages, most needles twenty-odd bytes): a byte of the lowest score
// possible (most punctuation) ends the look, since none after it can be rarer.
size_t rarest_byte(std::string_view needle) {
  size_t best = 0;
  uint8_t best_score = kCommonness[static_cast<unsigned char>(needle[0])];
  for (size_t i = 1; i < needle.size() && best_score != kRarest; ++i) {
    const uint8_t score = kCommonness[static_cast<unsigned char>(needle[i])];
    if (score < best_score) {
      best = i;
      best_score = score;
    }
  }
  return best;
}

// Whether the eight bytes at `at` read as they are written: no control character (tabs and line
// breaks among them), and no blank followed by a blank or a control character. Running text is
// mostly so; checking the byte after the eight keeps a trailing blank from being copied before
// another. Needs nine bytes.
bool single_spaced8(const char* at) {
  const uint64_t here = load8(at);
  const uint64_t next = load8(at + 1);
  return (controls_in(here) | (blanks_in(here) & (blanks_in(next) | controls_in(next)))) == 0;
}

}  // namespace

// The formats' claims and the classifier search texts for dozens of phrases, so this is hot:
// candidates come from memchr, in both cases, for the needle's rarest byte ("x" in "mailbox
// full", not "m"), and only they are compared in full.
size_t ifind(std::string_view text, std::string_view needle, size_t from) {
  if (needle.empty()) return from <= text.size() ? from : std::string_view::npos;
  if (needle.size() > text.size() || from > text.size() - needle.size()) return std::string_view::npos;
  const size_t anchor = rarest_byte(needle);
  // Candidate starts run over [from, last]; the anchor byte is looked for `anchor` bytes further.
  const size_t end = text.size() - needle.size() + 1 + anchor;
  const char lower = ascii_lower(needle[anchor]);
  const char upper = ascii_upper(needle[anchor]);
  size_t next_lower = find_byte(text, lower, from + anchor, end);
  size_t next_upper = lower == upper ? std::string_view::npos : find_byte(text, upper, from + anchor, end);
  while (next_lower != std::string_view::npos || next_upper != std::string_view::npos) {
    const size_t hit = std::min(next_lower, next_upper);
    if (iequals(text.substr(hit - anchor, needle.size()), needle)) return hit - anchor;
    if (hit == next_lower) next_lower = find_byte(text, lower, hit + 1, end);
    if (hit == next_upper) next_upper = find_byte(text, upper, hit + 1, end);
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

bool has_control_or_blank_pair(std::string_view text) {
  size_t i = 0;
  for (; i + 9 <= text.size(); i += 8) {
    const uint64_t here = load8(text.data() + i);
    const uint64_t blank_pairs = blanks_in(here) & blanks_in(load8(text.data() + i + 1));
    if ((controls_in(here) | bytes_equal(here, broadcast(0x7F)) | blank_pairs) != 0) return true;
  }
  for (; i < text.size(); ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte < ' ' || byte == 0x7F || (byte == ' ' && i + 1 < text.size() && text[i + 1] == ' ')) return true;
  }
  return false;
}

// Called on the diagnostics and notice sections of every message: eight single-spaced bytes are
// copied at once, and only the rest is read byte by byte (where a blank's place varies, a branch
// per byte is mispredicted often).
std::string collapse_space(std::string_view text) {
  std::string out(text.size(), '\0');
  char* const begin = out.data();
  char* end = begin;
  bool pending_space = false;
  size_t i = 0;
  while (i < text.size()) {
    // A run of white space read byte by byte is pending; a leading blank is dropped.
    if (!pending_space && i + 9 <= text.size() && single_spaced8(text.data() + i) && (end != begin || text[i] != ' ')) {
      std::memcpy(end, text.data() + i, 8);
      end += 8;
      i += 8;
      continue;
    }
    const char c = text[i++];
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
