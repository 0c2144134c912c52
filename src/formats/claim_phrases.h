// The claim phrases of formats/claim_phrases.def as a compile-time table, so that a family can
// name a phrase by its text and have its index found by the compiler: ClaimPhrase("MSEXCH:").
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>

#include "report/report.h"

namespace bounceback::formats {

inline constexpr std::array kClaimPhrases = {
#define BB_CLAIM_PHRASE(phrase) std::string_view(phrase),
#include "formats/claim_phrases.def"
#undef BB_CLAIM_PHRASE
};
static_assert(kClaimPhrases.size() <= report::ClaimPhraseSet::kCapacity, "grow ClaimPhraseSet::kCapacity");

namespace claim_table {

// An open-addressing table keyed on the length and three bytes: a phrase named at run time (a
// family's literal passed to notice_contains) is found with a probe or two.
inline constexpr size_t kSlots = 1024;
static_assert(kClaimPhrases.size() < kSlots / 4, "keep the claim table sparse: grow kSlots");
inline constexpr uint16_t kNoPhrase = 0xFFFF;

constexpr size_t slot_of(std::string_view phrase) {
  const auto byte = [&](size_t i) { return static_cast<size_t>(static_cast<unsigned char>(phrase[i])); };
  if (phrase.empty()) return 0;
  return (phrase.size() * 131 + byte(0) * 31 + byte(phrase.size() / 2) * 7 + byte(phrase.size() - 1)) % kSlots;
}

// Built at compile time; a phrase listed twice in claim_phrases.def stops the build here.
inline constexpr auto kSlotTable = [] {
  std::array<uint16_t, kSlots> table{};
  table.fill(kNoPhrase);
  for (size_t index = 0; index != kClaimPhrases.size(); ++index) {
    size_t slot = slot_of(kClaimPhrases[index]);
    for (; table[slot] != kNoPhrase; slot = (slot + 1) % kSlots) {
      if (kClaimPhrases[table[slot]] == kClaimPhrases[index]) throw "a phrase is listed twice in claim_phrases.def";
    }
    table[slot] = static_cast<uint16_t>(index);
  }
  return table;
}();

}  // namespace claim_table

constexpr std::optional<size_t> claim_phrase_index(std::string_view needle) {
  for (size_t slot = claim_table::slot_of(needle);; slot = (slot + 1) % claim_table::kSlots) {
    const uint16_t index = claim_table::kSlotTable[slot];
    if (index == claim_table::kNoPhrase) return std::nullopt;
    if (kClaimPhrases[index] == needle) return index;
  }
}

// A phrase of the table with its index, found at compile time: a phrase missing from
// claim_phrases.def does not compile.
struct ClaimPhrase {
  consteval explicit ClaimPhrase(std::string_view phrase) : text(phrase), index(must_be_listed(claim_phrase_index(phrase))) {}

  std::string_view text;
  size_t index;

 private:
  static consteval size_t must_be_listed(std::optional<size_t> index) {
    if (!index) throw "not in claim_phrases.def: add the phrase there";
    return *index;
  }
};

// A family's table of claim phrases, with the mask of their bits: whether the notice holds any
// of them is then one test of the set the decoder filled.
template <size_t N>
struct ClaimPhrases {
  std::array<ClaimPhrase, N> phrases;
  report::ClaimPhraseSet mask;

  constexpr const ClaimPhrase& operator[](size_t i) const { return phrases[i]; }
  constexpr auto begin() const { return phrases.begin(); }
  constexpr auto end() const { return phrases.end(); }
};

// The phrases of `texts`, found in the table. (GCC 12 refuses a consteval constructor's result
// held in a local of a consteval function: these functions only return and pass arrays.)
template <size_t N, size_t... I>
consteval std::array<ClaimPhrase, N> claim_phrase_array(const std::array<std::string_view, N>& texts,
                                                        std::index_sequence<I...>) {
  return {ClaimPhrase(texts[I])...};
}

template <size_t N>
consteval ClaimPhrases<N> with_mask(const std::array<ClaimPhrase, N>& phrases) {
  report::ClaimPhraseSet mask;
  for (const ClaimPhrase& phrase : phrases) mask.add(phrase.index);
  return ClaimPhrases<N>{phrases, mask};
}

// A family's table of phrases (an array of texts it also searches elsewhere) as claim phrases:
// static constexpr auto kIntroClaims = claim_phrases(kIntros);
template <size_t N>
consteval ClaimPhrases<N> claim_phrases(const std::array<std::string_view, N>& texts) {
  return with_mask(claim_phrase_array(texts, std::make_index_sequence<N>()));
}

// The same for a table of entries whose `words` member is the phrase, index for index:
// static constexpr auto kBannerClaims = claim_phrases(kListBanners, &Banner::words);
template <typename Entry, size_t N>
consteval ClaimPhrases<N> claim_phrases(const std::array<Entry, N>& entries, std::string_view Entry::*words) {
  std::array<std::string_view, N> texts;
  for (size_t i = 0; i != N; ++i) texts[i] = entries[i].*words;
  return claim_phrases(texts);
}

}  // namespace bounceback::formats
