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
    const report::ClaimPhraseSet marks = find_claim_phrases(context.notice);
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
