// The automaton against a naive matcher (normalise, then ifind every phrase at every offset).
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "classify/matcher.h"
#include "util/text.h"

namespace bounceback::classify {
namespace {

using Match = PhraseMatcher::Match;

// The reference: the text's white-space runs collapsed (remembering where each kept byte came
// from), then every phrase searched at every offset.
std::vector<Match> naive_match(const std::vector<std::string>& phrases, std::string_view text) {
  std::string collapsed;
  std::vector<size_t> origin;
  for (size_t i = 0; i < text.size(); ++i) {
    const bool space = util::is_space(text[i]);
    if (space && i > 0 && util::is_space(text[i - 1])) continue;
    collapsed.push_back(space ? ' ' : text[i]);
    origin.push_back(i);
  }
  std::vector<Match> found;
  for (size_t index = 0; index < phrases.size(); ++index) {
    std::string phrase;
    for (char c : phrases[index]) {
      if (util::is_space(c)) {
        if (phrase.empty() || phrase.back() != ' ') phrase.push_back(' ');
      } else {
        phrase.push_back(c);
      }
    }
    for (size_t at = util::ifind(collapsed, phrase); at != std::string::npos;
         at = util::ifind(collapsed, phrase, at + 1)) {
      found.push_back(Match{index, origin[at + phrase.size() - 1] + 1});
    }
  }
  return found;
}

std::vector<Match> sorted(std::vector<Match> matches) {
  std::sort(matches.begin(), matches.end(), [](const Match& a, const Match& b) {
    return a.end != b.end ? a.end < b.end : a.index < b.index;
  });
  return matches;
}

PhraseMatcher compiled(const std::vector<std::string>& phrases) {
  PhraseMatcher matcher;
  for (const std::string& phrase : phrases) {
    EXPECT_TRUE(matcher.add(phrase).ok()) << phrase;
  }
  matcher.compile();
  return matcher;
}

TEST(PhraseMatcher, FindsPhrasesIgnoringCaseAndWhiteSpaceRuns) {
  const PhraseMatcher matcher = compiled({"mailbox is full", "user unknown", "full"});
  const std::string text = "552 5.2.2 MAILBOX  is\r\n\tFull; User Unknown";
  const std::vector<Match> found = matcher.match(text);
  ASSERT_EQ(found.size(), 3u);
  EXPECT_EQ(found[0], (Match{0, text.find("Full") + 4}));
  EXPECT_EQ(found[1], (Match{2, text.find("Full") + 4}));
  EXPECT_EQ(found[2], (Match{1, text.size()}));
}

TEST(PhraseMatcher, ReportsOverlappingAndNestedPhrases) {
  const PhraseMatcher matcher = compiled({"he", "she", "his", "hers"});
  EXPECT_EQ(sorted(matcher.match("ushers")), (std::vector<Match>{{0, 4}, {1, 4}, {3, 6}}));
}

TEST(PhraseMatcher, KeepsEdgeSpacesOfAPhrase) {
  const PhraseMatcher matcher = compiled({" has been replaced by "});
  EXPECT_TRUE(matcher.match("x@y has been replaced by z@w").size() == 1);
  EXPECT_TRUE(matcher.match("x@y has been replaced byz").empty());
}

TEST(PhraseMatcher, DuplicatePhrasesGetTheirOwnIndex) {
  const PhraseMatcher matcher = compiled({"quota", "QUOTA"});
  EXPECT_EQ(sorted(matcher.match("over quota")), (std::vector<Match>{{0, 10}, {1, 10}}));
}

TEST(PhraseMatcher, RejectsEmptyPhrasesAndLateAdds) {
  PhraseMatcher matcher;
  EXPECT_FALSE(matcher.add("").ok());
  EXPECT_FALSE(matcher.add(" \t\r\n").ok());
  ASSERT_TRUE(matcher.add("ok").ok());
  matcher.compile();
  EXPECT_FALSE(matcher.add("late").ok());
  EXPECT_EQ(matcher.size(), 1u);
}

TEST(PhraseMatcher, MatchesNothingBeforeCompileOrWithoutPhrases) {
  PhraseMatcher matcher;
  ASSERT_TRUE(matcher.add("abc").ok());
  EXPECT_TRUE(matcher.match("abc").empty());
  PhraseMatcher empty;
  empty.compile();
  EXPECT_TRUE(empty.match("abc").empty());
}

TEST(PhraseMatcher, HandlesEveryByteValue) {
  std::string all_bytes;
  for (int b = 0; b < 256; ++b) all_bytes.push_back(static_cast<char>(b));
  const PhraseMatcher matcher = compiled({"\xE3\x81\x82", "\xFF\x01", "z"});
  EXPECT_EQ(sorted(matcher.match(all_bytes + "\xE3\x81\x82")),
            sorted(naive_match({"\xE3\x81\x82", "\xFF\x01", "z"}, all_bytes + "\xE3\x81\x82")));
}

TEST(PhraseMatcher, AgreesWithNaiveMatcherOnRandomTexts) {
  std::mt19937 random(20240611);
  const std::string alphabet = "abAB \t\r\n.5";
  auto random_string = [&](size_t max_length) {
    std::string s(1 + random() % max_length, ' ');
    for (char& c : s) c = alphabet[random() % alphabet.size()];
    return s;
  };
  for (int round = 0; round < 300; ++round) {
    std::vector<std::string> phrases;
    const size_t phrase_count = 1 + random() % 12;
    while (phrases.size() < phrase_count) {
      std::string phrase = random_string(6);
      if (!util::trim(phrase).empty()) phrases.push_back(phrase);
    }
    const PhraseMatcher matcher = compiled(phrases);
    const std::string text = random_string(80);
    ASSERT_EQ(sorted(matcher.match(text)), sorted(naive_match(phrases, text)))
        << "round " << round << " text [" << text << "]";
  }
}

TEST(PhraseMatcher, AgreesWithNaiveMatcherOnRealDiagnostics) {
  const std::vector<std::string> phrases = {
      "user unknown", "mailbox full", "mailbox is full", "over quota", "quota exceeded",
      "blocked using", "relay access denied", "no such user", "does not exist", "5.1.1",
      "spam", "spamhaus", "rejected", "recipient address rejected", " has been replaced by ",
      "unknown", "the email account that you tried to reach does not exist",
  };
  const std::vector<std::string> texts = {
      "550 5.1.1 <jane@example.com>: Recipient address rejected: User unknown in virtual mailbox table",
      "552-5.2.2 The email account that you tried to reach is over quota. Please direct\r\n"
      "552 5.2.2 the recipient to https://support.google.com/mail/?p=OverQuotaPerm",
      "554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org",
      "550-5.1.1 The email account that you tried to reach does not exist. Please try\n"
      "550-5.1.1 double-checking the recipient's email address for typos",
      "454 4.7.1 <x@example.org>: Relay access denied",
      "mail for x@example.org has been replaced by y@example.net",
      "",
      "     ",
  };
  const PhraseMatcher matcher = compiled(phrases);
  for (const std::string& text : texts) {
    EXPECT_EQ(sorted(matcher.match(text)), sorted(naive_match(phrases, text))) << text;
  }
}

TEST(PhraseMatcher, CallbackSeesMatchesInOrderOfEnd) {
  const PhraseMatcher matcher = compiled({"b", "abc", "c"});
  std::vector<size_t> ends;
  matcher.match("abcb", [&ends](size_t, size_t end) { ends.push_back(end); });
  EXPECT_TRUE(std::is_sorted(ends.begin(), ends.end()));
  EXPECT_EQ(ends.size(), 4u);
}

}  // namespace
}  // namespace bounceback::classify
