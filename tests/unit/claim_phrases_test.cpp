// The families' claim phrases, found in one pass per notice, answer notice_contains() exactly as
// a search of the notice for each phrase does, on every format fixture.
#include <gtest/gtest.h>

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
    const std::vector<bool> marks = find_claim_phrases(context.notice);
    ASSERT_EQ(marks.size(), kPhrases.size());
    const report::Context searched = report::make_context(message);  // no marks: searches
    context.claim_phrases = marks;
    for (size_t i = 0; i < kPhrases.size(); ++i) {
      const bool expected = util::icontains(context.notice, kPhrases[i]);
      EXPECT_EQ(marks[i], expected) << entry.path() << ": " << kPhrases[i];
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

}  // namespace
}  // namespace bounceback::formats
