// formats/byte_pairs.h: the pairs of adjacent bytes a text holds, which let stated_reason() and
// tagged_command() skip the searches for phrases that cannot occur; they must find what a search
// per phrase finds, whatever the case of the text and whether the text is short or long.
#include <gtest/gtest.h>

#include <array>
#include <optional>
#include <string>
#include <string_view>

#include "formats/byte_pairs.h"
#include "formats/sections.h"
#include "util/text.h"

namespace bounceback::formats {
namespace {

TEST(BytePairs, HoldsEveryPhraseOfTheTextWhateverItsCase) {
  const BytePairs pairs("550 5.2.2 Mailbox is FULL: retry timeout exceeded");
  EXPECT_TRUE(pairs.may_hold("mailbox is full"));
  EXPECT_TRUE(pairs.may_hold("RETRY TIMEOUT"));
  EXPECT_TRUE(pairs.may_hold("x"));  // a single byte makes no pair: left to the search
  EXPECT_TRUE(pairs.may_hold(""));
}

TEST(BytePairs, RefusesAPhraseWithAPairTheTextLacks) {
  const BytePairs pairs("550 5.1.1 User unknown");
  EXPECT_FALSE(pairs.may_hold("mailbox is full"));
  EXPECT_FALSE(pairs.may_hold("unknown user"));  // "n u" is there, "wn " is not
  EXPECT_FALSE(BytePairs("").may_hold("ab"));
}

TEST(BytePairs, PaysOffForShortTextsAndManyPhrasesOnly) {
  EXPECT_TRUE(BytePairs::pay_off(100, 16));
  EXPECT_FALSE(BytePairs::pay_off(100000, 16));
  EXPECT_FALSE(BytePairs::pay_off(100, 0));
}

constexpr std::array<StatedReason, 4> kTable = {{
    {"mailbox is full", Reason::kMailboxFull},
    {"Unrouteable address", Reason::kHostUnknown},
    {"retry timeout exceeded", Reason::kExpired},
    {"local delivery failed", Reason::kMailerError},
}};

std::optional<Reason> searched_one_by_one(std::string_view text) {
  for (const StatedReason& entry : kTable) {
    if (util::icontains(text, entry.words)) return entry.reason;
  }
  return std::nullopt;
}

TEST(StatedReason, FindsWhatASearchPerPhraseFindsInShortAndLongTexts) {
  const std::array<std::string_view, 6> texts = {
      "Mailbox is full: retry timeout exceeded",  // the first entry wins
      "RETRY TIMEOUT EXCEEDED",
      "unrouteable ADDRESS",
      "550 5.1.1 user unknown",
      "local delivery faile",  // one byte short
      "",
  };
  for (std::string_view text : texts) {
    EXPECT_EQ(stated_reason(text, kTable), searched_one_by_one(text)) << text;
    const std::string padded = std::string(4000, '-') + std::string(text) + std::string(4000, '-');
    ASSERT_FALSE(BytePairs::pay_off(padded.size(), kTable.size()));
    EXPECT_EQ(stated_reason(padded, kTable), searched_one_by_one(padded)) << text;
  }
}

TEST(TaggedCommand, FindsTheFirstTagWhateverItsCase) {
  constexpr std::array<CommandTag, 2> kTags = {{{"after pipelined RCPT TO", "RCPT"}, {"after EHLO", "EHLO"}}};
  EXPECT_EQ(tagged_command("SMTP error from remote mail server AFTER EHLO: 421", kTags), "EHLO");
  EXPECT_EQ(tagged_command("after pipelined rcpt to:<a@b>: 550, after ehlo", kTags), "RCPT");
  EXPECT_EQ(tagged_command("after HELO", kTags), "");
}

}  // namespace
}  // namespace bounceback::formats
