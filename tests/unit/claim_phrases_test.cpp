// The families' claim phrases, found in one pass per notice, answer notice_contains() exactly as
// a search of the notice for each phrase does, on every format fixture.
#include <gtest/gtest.h>

#include <array>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include "bounceback/decoder.h"
#include "formats/sections.h"
#include "formats/signals.h"
#include "mime/message.h"
#include "report/report.h"
#include "util/text.h"

namespace bounceback::formats {
namespace {

namespace fs = std::filesystem;

const std::vector<std::string_view> kPhrases = {
#define BB_CLAIM_PHRASE(phrase) phrase,
#include "formats/claim_phrases.def"
#undef BB_CLAIM_PHRASE
};

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

TEST(ClaimPhrases, OnePassAgreesWithSearchingEachPhraseOnEveryFormatFixture) {
  size_t fixtures = 0;
  size_t found = 0;
  for (const auto& entry : fs::directory_iterator(fs::path(BOUNCEBACK_FIXTURES) / "formats")) {
    const std::string bytes = read_file(entry.path());
    const mime::Message message = mime::parse_message(bytes, Limits{});
    report::Context context = report::make_context(message);
    const report::NoticeClaims marks = find_claim_phrases(context.notice);
    const report::Context searched = report::make_context(message);  // no marks: searches
    context.claim_phrases = marks;
    for (size_t i = 0; i < kPhrases.size(); ++i) {
      const bool expected = util::icontains(context.notice, kPhrases[i]);
      EXPECT_EQ(marks.holds(i), expected) << entry.path() << ": " << kPhrases[i];
      EXPECT_EQ(notice_contains(context, kPhrases[i]), expected) << entry.path() << ": " << kPhrases[i];
      EXPECT_EQ(notice_contains(searched, kPhrases[i]), expected) << entry.path() << ": " << kPhrases[i];
      found += expected ? 1 : 0;
    }
    ++fixtures;
  }
  EXPECT_GT(fixtures, 40u);
  EXPECT_GT(found, 30u) << "the fixtures hold most families' phrases";
}

// Where the one pass saw a phrase first is where a search finds it: the text after its line is the
// same read from the pass as searched for, and so is the failed command in any part of the notice.
TEST(ClaimPhrases, ThePlacesKeptAgreeWithSearchingOnEveryFormatFixture) {
  static constexpr auto kAll = claim_phrases(kClaimPhrases);
  size_t kept = 0;
  for (const auto& entry : fs::directory_iterator(fs::path(BOUNCEBACK_FIXTURES) / "formats")) {
    const std::string bytes = read_file(entry.path());
    const mime::Message message = mime::parse_message(bytes, Limits{});
    report::Context context = report::make_context(message);
    context.claim_phrases = find_claim_phrases(context.notice);
    const std::string_view notice = context.notice;
    for (const ClaimPhrase& phrase : kAll) {
      EXPECT_EQ(after_line_with(context, phrase), after_line_with(notice, phrase.text)) << entry.path() << ": " << phrase.text;
      kept += context.claim_phrases->first_end(phrase.index) != 0 ? 1 : 0;
    }
    for (size_t line = 0; line < notice.size(); line = notice.find('\n', line) + 1) {
      const std::string_view from_line = notice.substr(line);
      const std::string_view line_on = from_line.substr(0, from_line.find("\n\n"));
      EXPECT_EQ(failed_command(context, from_line), failed_command(from_line)) << entry.path() << " at " << line;
      EXPECT_EQ(failed_command(context, line_on), failed_command(line_on)) << entry.path() << " at " << line;
      if (notice.find('\n', line) == std::string_view::npos) break;
    }
  }
  EXPECT_GT(kept, 30u) << "most phrases found have their place kept";
}

TEST(ClaimPhrases, TheFirstPlaceOfTheFirstSixteenPhrasesFoundIsKept) {
  report::NoticeClaims claims;
  claims.add(7, 30);
  claims.add(7, 12);  // a later report of the same phrase
  for (size_t index = 100; index != 120; ++index) claims.add(index, index + 1000);
  EXPECT_EQ(claims.first_end(7), 30u);
  EXPECT_EQ(claims.first_end(114), 1114u);  // the sixteenth
  EXPECT_TRUE(claims.holds(115));
  EXPECT_EQ(claims.first_end(115), 0u);  // held, but its place was not kept: searched for
  EXPECT_EQ(claims.first_end(8), 0u);
  EXPECT_FALSE(claims.holds(8));
}

TEST(ClaimPhrases, CaseIsIgnoredAndPhrasesNotInTheTableAreSearched) {
  const mime::Message message = mime::parse_message(
      "From: MAILER-DAEMON@mx.example.net\nSubject: Undelivered Mail Returned to Sender\n\n"
      "THIS IS THE MAIL SYSTEM AT HOST mx.example.net.\n<jane@example.com>: unknown user\n",
      Limits{});
  report::Context context = report::make_context(message);
  context.claim_phrases = find_claim_phrases(context.notice);
  EXPECT_TRUE(notice_contains(context, "This is the mail system at host"));
  EXPECT_FALSE(notice_contains(context, "This is the Postfix program at host"));
  EXPECT_TRUE(notice_contains(context, "Unknown User"));  // not a claim phrase
  EXPECT_FALSE(notice_contains(context, "no such phrase"));
}

// A family's table tested as one mask: any phrase of it held answers yes, with the set filled or not.
TEST(ClaimPhrases, AnyOfATableIsItsMaskAgainstTheSet) {
  static constexpr std::array<std::string_view, 2> kIntros = {"This is the mail system at host",
                                                              "This is the Postfix program at host"};
  static constexpr auto kIntroClaims = claim_phrases(kIntros);
  static constexpr std::array<std::string_view, 1> kOthers = {"MSEXCH:"};
  static constexpr auto kOtherClaims = claim_phrases(kOthers);
  const mime::Message message = mime::parse_message(
      "From: MAILER-DAEMON@mx.example.net\n\nThis is the Postfix program at host mx.example.net.\n", Limits{});
  report::Context context = report::make_context(message);
  EXPECT_TRUE(notice_contains_any(context, kIntroClaims));  // searched
  EXPECT_FALSE(notice_contains_any(context, kOtherClaims));
  context.claim_phrases = find_claim_phrases(context.notice);
  EXPECT_TRUE(notice_contains_any(context, kIntroClaims));  // the mask
  EXPECT_FALSE(notice_contains_any(context, kOtherClaims));
  EXPECT_TRUE(context.claim_phrases->holds(kIntroClaims[1].index));
  EXPECT_FALSE(context.claim_phrases->holds(kIntroClaims[0].index));
}

TEST(ClaimPhrases, TheSetHoldsTheBitsAddedInEveryWord) {
  report::ClaimPhraseSet set;
  for (size_t index : {0u, 63u, 64u, 200u, 255u}) set.add(index);
  for (size_t index = 0; index != report::ClaimPhraseSet::kCapacity; ++index) {
    EXPECT_EQ(set.holds(index), index == 0 || index == 63 || index == 64 || index == 200 || index == 255) << index;
  }
  report::ClaimPhraseSet mask;
  mask.add(199);
  EXPECT_FALSE(set.holds_any(mask));
  mask.add(200);
  EXPECT_TRUE(set.holds_any(mask));
  EXPECT_FALSE(report::ClaimPhraseSet().holds_any(mask));
}

}  // namespace
}  // namespace bounceback::formats
