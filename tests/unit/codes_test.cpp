// The code knowledge: table completeness and consistency, lookups, digit meanings, explain_code().
#include "bounceback/codes.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace bounceback {
namespace {

// RFC 5321 and the extensions that define reply codes (AUTH, STARTTLS, SIZE, ETRN, null MX, ...).
constexpr int kStandardReplyCodes[] = {
    211, 214, 220, 221, 235, 250, 251, 252, 253, 334, 354, 421, 432, 450, 451, 452, 454, 455, 458, 459,
    500, 501, 502, 503, 504, 521, 523, 524, 525, 530, 534, 535, 538, 550, 551, 552, 553, 554, 555, 556,
};

// Seen in the wild, defined by no RFC.
constexpr int kNonStandardReplyCodes[] = {
    420, 422, 431, 441, 442, 446, 447, 449, 453, 471, 510, 511, 512, 513, 515, 517, 522,
    531, 533, 540, 541, 542, 543, 544, 545, 546, 547, 549, 557, 558, 559, 571, 572,
};

// The IANA "SMTP Enumerated Status Codes" registry: for each subject, its highest detail.
constexpr std::pair<int, int> kRegisteredDetails[] = {
    {0, 0}, {1, 10}, {2, 4}, {3, 6}, {4, 7}, {5, 6}, {6, 10}, {7, 30},
};

bool ends_with_period(std::string_view text) { return !text.empty() && text.back() == '.'; }
bool starts_with(std::string_view text, std::string_view prefix) { return text.substr(0, prefix.size()) == prefix; }
bool contains(std::string_view text, std::string_view needle) { return text.find(needle) != std::string_view::npos; }

size_t advice_count(const std::string_view (&advice)[3]) {
  return static_cast<size_t>(
      std::count_if(std::begin(advice), std::end(advice), [](std::string_view a) { return !a.empty(); }));
}

// The unused advice slots are at the end, and every advice is a sentence.
void expect_advice_well_formed(const std::string_view (&advice)[3]) {
  const size_t used = advice_count(advice);
  EXPECT_GE(used, 1u);
  for (size_t i = 0; i < 3; ++i) {
    if (i < used) {
      EXPECT_TRUE(ends_with_period(advice[i])) << advice[i];
    } else {
      EXPECT_TRUE(advice[i].empty()) << "advice after an empty slot";
    }
  }
}

void expect_text_well_formed(std::string_view title, std::string_view explanation) {
  EXPECT_FALSE(title.empty());
  EXPECT_FALSE(ends_with_period(title)) << title;
  EXPECT_TRUE(ends_with_period(explanation)) << explanation;
  EXPECT_EQ(explanation.find("  "), std::string_view::npos) << "double space in: " << explanation;
}

TEST(ReplyCodeTable, HasEveryStandardCode) {
  for (int code : kStandardReplyCodes) {
    const ReplyCodeInfo* info = find_reply_code(code);
    ASSERT_NE(info, nullptr) << code;
    EXPECT_EQ(info->code, code);
    EXPECT_TRUE(info->standard) << code;
  }
}

TEST(ReplyCodeTable, HasNonStandardCodesMarkedAsSuch) {
  for (int code : kNonStandardReplyCodes) {
    const ReplyCodeInfo* info = find_reply_code(code);
    ASSERT_NE(info, nullptr) << code;
    EXPECT_FALSE(info->standard) << code;
  }
}

TEST(ReplyCodeTable, IsSortedWithoutDuplicates) {
  const auto codes = all_reply_codes();
  ASSERT_FALSE(codes.empty());
  for (size_t i = 1; i < codes.size(); ++i) EXPECT_LT(codes[i - 1].code, codes[i].code);
}

TEST(ReplyCodeTable, EveryEntryIsComplete) {
  for (const ReplyCodeInfo& info : all_reply_codes()) {
    SCOPED_TRACE(info.code);
    expect_text_well_formed(info.title, info.explanation);
    expect_advice_well_formed(info.advice);
    EXPECT_EQ(starts_with(info.reference, "non-standard: seen"), !info.standard) << info.reference;
    if (info.standard) {
      EXPECT_TRUE(contains(info.reference, "RFC")) << info.reference;
    }
  }
}

// RFC 5321 allows second digits 0 to 5 only; servers in the wild also send 571 and 572.
TEST(ReplyCodeTable, DigitsAreValidReplyDigits) {
  for (const ReplyCodeInfo& info : all_reply_codes()) {
    EXPECT_GE(info.code / 100, 2) << info.code;
    EXPECT_LE(info.code / 100, 5) << info.code;
    if (info.standard) {
      EXPECT_LE(info.code / 10 % 10, 5) << info.code;
    }
  }
}

TEST(ReplyCodeTable, PositiveRepliesAreNobodysProblem) {
  for (const ReplyCodeInfo& info : all_reply_codes()) {
    if (info.code < 400) {
      EXPECT_EQ(info.side, Side::kNone) << info.code;
    }
  }
}

// "like the enhanced code 4.4.1" in a reply code's explanation must name a status code whose class
// and subject are the reply code's own first two digits, and which the status table knows.
TEST(ReplyCodeTable, MirroredStatusCodesMatchTheDigits) {
  constexpr std::string_view kMarker = "like the enhanced code ";
  size_t mirrored = 0;
  for (const ReplyCodeInfo& info : all_reply_codes()) {
    const size_t at = info.explanation.find(kMarker);
    if (at == std::string_view::npos) continue;
    ++mirrored;
    const std::string_view status = info.explanation.substr(at + kMarker.size(), 5);
    SCOPED_TRACE(std::to_string(info.code) + " names " + std::string(status));
    EXPECT_EQ(status[0] - '0', info.code / 100);
    EXPECT_EQ(status[2] - '0', info.code / 10 % 10);
    EXPECT_NE(find_status_code(status[2] - '0', status[4] - '0'), nullptr);
  }
  EXPECT_GE(mirrored, 10u);
}

TEST(StatusCodeTable, HasEveryRegisteredDetail) {
  for (const auto& [subject, last_detail] : kRegisteredDetails) {
    for (int detail = 0; detail <= last_detail; ++detail) {
      const StatusCodeInfo* info = find_status_code(subject, detail);
      ASSERT_NE(info, nullptr) << "X." << subject << "." << detail;
      EXPECT_TRUE(info->standard) << "X." << subject << "." << detail;
    }
  }
}

TEST(StatusCodeTable, RegisteredDetailsHaveTheirBasicCodes) {
  const std::pair<std::pair<int, int>, std::string_view> expected[] = {
      {{1, 1}, "451, 550"},
      {{1, 10}, "556"},
      {{2, 2}, "552"},
      {{3, 2}, "453, 521"},
      {{4, 2}, "421"},
      {{5, 6}, "500"},
      {{7, 1}, "451, 454, 502, 503, 533, 550, 551"},
      {{7, 8}, "535, 554"},
      {{7, 10}, "523"},
      {{7, 26}, "550"},
  };
  for (const auto& [code, basic] : expected) {
    const StatusCodeInfo* info = find_status_code(code.first, code.second);
    ASSERT_NE(info, nullptr);
    EXPECT_EQ(info->basic_codes, basic) << "X." << code.first << "." << code.second;
  }
}

TEST(StatusCodeTable, IsSortedWithoutDuplicates) {
  const auto codes = all_status_codes();
  ASSERT_FALSE(codes.empty());
  for (size_t i = 1; i < codes.size(); ++i) {
    const auto previous = std::make_pair(codes[i - 1].subject, codes[i - 1].detail);
    const auto current = std::make_pair(codes[i].subject, codes[i].detail);
    EXPECT_LT(previous, current) << codes[i].subject << "." << codes[i].detail;
  }
}

TEST(StatusCodeTable, EveryEntryIsComplete) {
  for (const StatusCodeInfo& info : all_status_codes()) {
    SCOPED_TRACE("X." + std::to_string(info.subject) + "." + std::to_string(info.detail));
    expect_text_well_formed(info.title, info.explanation);
    expect_advice_well_formed(info.advice);
    EXPECT_EQ(starts_with(info.reference, "non-standard: seen"), !info.standard) << info.reference;
    EXPECT_GE(info.subject, 0);
    EXPECT_LE(info.subject, 7);
    EXPECT_GE(info.detail, 0);
    EXPECT_LE(info.detail, 999);
  }
}

// The class digit is applied at explain time, so a detail must not claim a class of its own.
TEST(StatusCodeTable, ExplanationsAreClassNeutral) {
  for (const StatusCodeInfo& info : all_status_codes()) {
    SCOPED_TRACE("X." + std::to_string(info.subject) + "." + std::to_string(info.detail));
    for (std::string_view word : {"permanent", "temporar", "Permanent", "Temporar"}) {
      EXPECT_FALSE(contains(info.explanation, word)) << info.explanation;
    }
  }
}

// Every associated basic code is "any", "5XX" or a list of reply-shaped codes.
TEST(StatusCodeTable, BasicCodesAreReplyCodes) {
  for (const StatusCodeInfo& info : all_status_codes()) {
    SCOPED_TRACE("X." + std::to_string(info.subject) + "." + std::to_string(info.detail));
    if (info.basic_codes.empty() || info.basic_codes == "any" || info.basic_codes == "5XX") continue;
    std::string_view rest = info.basic_codes;
    while (!rest.empty()) {
      const std::string_view code = rest.substr(0, 3);
      ASSERT_EQ(code.size(), 3u) << info.basic_codes;
      EXPECT_TRUE(code[0] >= '2' && code[0] <= '5' && code[1] >= '0' && code[1] <= '5' && code[2] >= '0' &&
                  code[2] <= '9')
          << code;
      rest.remove_prefix(3);
      if (!rest.empty()) {
        ASSERT_TRUE(starts_with(rest, ", ")) << info.basic_codes;
        rest.remove_prefix(2);
      }
    }
  }
}

TEST(Lookup, UnknownCodesAreNull) {
  EXPECT_EQ(find_reply_code(999), nullptr);
  EXPECT_EQ(find_reply_code(537), nullptr);
  EXPECT_EQ(find_reply_code(-550), nullptr);
  EXPECT_EQ(find_status_code(1, 11), nullptr);
  EXPECT_EQ(find_status_code(8, 0), nullptr);
  EXPECT_EQ(find_status_code(-1, -1), nullptr);
}

TEST(Lookup, FindsCommonWildDetails) {
  const StatusCodeInfo* banned = find_status_code(7, 606);
  ASSERT_NE(banned, nullptr);
  EXPECT_FALSE(banned->standard);
  EXPECT_EQ(find_status_code(1, 1)->title, "Bad destination mailbox address");
  EXPECT_EQ(find_reply_code(550)->title, "Mailbox unavailable");
}

// Microsoft documents ranges with one meaning: "550 5.7.620 Access denied, banned sending IP" and
// "550 5.7.705 Access denied, tenant has exceeded threshold". A detail with its own entry inside
// a range keeps it (5.7.708), and the range ends where Microsoft's does.
TEST(Lookup, ProviderRangesShareTheirEntry) {
  EXPECT_EQ(find_status_code(7, 620), find_status_code(7, 606));
  EXPECT_EQ(find_status_code(7, 649), find_status_code(7, 606));
  EXPECT_EQ(find_status_code(7, 705), find_status_code(7, 700));
  EXPECT_EQ(find_status_code(7, 503), find_status_code(7, 501));
  EXPECT_EQ(find_status_code(7, 708)->title, "Traffic not accepted from this IP address");
  EXPECT_EQ(find_status_code(7, 650)->title, "Rate limited because of IP reputation");
  EXPECT_EQ(find_status_code(7, 750)->title, "Blocked from sending from unregistered domains");
  EXPECT_EQ(find_status_code(7, 605), nullptr);
  EXPECT_EQ(find_status_code(6, 620), nullptr);
}

TEST(ExplainCode, RangeCodeKeepsItsOwnNumber) {
  const Result<CodeExplanation> status = explain_code("5.7.620");
  ASSERT_TRUE(status.ok());
  EXPECT_EQ(status->code, "5.7.620");
  EXPECT_TRUE(status->known);
  EXPECT_EQ(status->side, Side::kSender);
  EXPECT_EQ(status->title, "Banned sending IP address");
}

TEST(DigitMeanings, DescribeEachPosition) {
  EXPECT_TRUE(contains(reply_class_meaning(2), "success"));
  EXPECT_TRUE(contains(reply_class_meaning(4), "temporary"));
  EXPECT_TRUE(contains(reply_class_meaning(5), "permanent"));
  EXPECT_TRUE(contains(reply_class_meaning(9), "no meaning"));
  EXPECT_TRUE(contains(reply_subject_meaning(0), "syntax"));
  EXPECT_TRUE(contains(reply_subject_meaning(2), "connection"));
  EXPECT_TRUE(contains(reply_subject_meaning(5), "mail system"));
  EXPECT_TRUE(contains(reply_subject_meaning(7), "no meaning"));
  EXPECT_TRUE(contains(status_class_meaning(4), "temporary"));
  EXPECT_TRUE(contains(status_class_meaning(5), "permanent"));
  EXPECT_TRUE(contains(status_subject_meaning(1), "address"));
  EXPECT_TRUE(contains(status_subject_meaning(7), "security"));
  EXPECT_TRUE(contains(status_subject_meaning(8), "no meaning"));
}

TEST(ExplainCode, ReplyCode) {
  const Result<CodeExplanation> e = explain_code("550");
  ASSERT_TRUE(e.ok()) << e.error().message;
  EXPECT_EQ(e->type, CodeType::kReply);
  EXPECT_EQ(e->code, "550");
  EXPECT_TRUE(e->known);
  EXPECT_TRUE(e->standard);
  EXPECT_TRUE(e->permanent);
  EXPECT_FALSE(e->temporary);
  EXPECT_EQ(e->title, "Mailbox unavailable");
  EXPECT_EQ(e->reference, "RFC 5321");
  EXPECT_EQ(e->side, Side::kRecipient);
  EXPECT_TRUE(contains(e->class_meaning, "permanent"));
  EXPECT_TRUE(contains(e->subject_meaning, "mail system"));
  EXPECT_TRUE(e->basic_codes.empty());
  EXPECT_EQ(e->advice.size(), 3u);
}

TEST(ExplainCode, PermanentStatusCode) {
  const Result<CodeExplanation> e = explain_code("5.1.1");
  ASSERT_TRUE(e.ok()) << e.error().message;
  EXPECT_EQ(e->type, CodeType::kStatus);
  EXPECT_EQ(e->code, "5.1.1");
  EXPECT_TRUE(e->known);
  EXPECT_TRUE(e->permanent);
  EXPECT_FALSE(e->temporary);
  EXPECT_EQ(e->basic_codes, "451, 550");
  EXPECT_EQ(e->side, Side::kRecipient);
  EXPECT_TRUE(starts_with(e->explanation, "The address does not exist"));
  EXPECT_TRUE(contains(e->explanation, "the failure is permanent"));
  EXPECT_EQ(e->advice.front(), "Check the spelling of the address.");
}

TEST(ExplainCode, TemporaryStatusCodePutsWaitingFirst) {
  const Result<CodeExplanation> e = explain_code("4.2.2");
  ASSERT_TRUE(e.ok()) << e.error().message;
  EXPECT_TRUE(e->temporary);
  EXPECT_FALSE(e->permanent);
  EXPECT_EQ(e->title, "Mailbox full");
  EXPECT_TRUE(contains(e->explanation, "the failure is temporary"));
  ASSERT_GE(e->advice.size(), 2u);
  EXPECT_TRUE(starts_with(e->advice.front(), "Wait"));
  EXPECT_EQ(e->advice[1], "Tell the person by another channel that their mailbox is full.");
}

TEST(ExplainCode, SuccessStatusCodeNeedsNoAction) {
  const Result<CodeExplanation> e = explain_code("2.0.0");
  ASSERT_TRUE(e.ok()) << e.error().message;
  EXPECT_FALSE(e->permanent);
  EXPECT_FALSE(e->temporary);
  ASSERT_EQ(e->advice.size(), 1u);
  EXPECT_TRUE(starts_with(e->advice.front(), "No action"));
}

TEST(ExplainCode, ClasslessStatusCode) {
  for (std::string_view input : {"X.7.1", "x.7.1"}) {
    const Result<CodeExplanation> e = explain_code(input);
    ASSERT_TRUE(e.ok()) << input;
    EXPECT_EQ(e->code, "X.7.1");
    EXPECT_TRUE(e->known);
    EXPECT_FALSE(e->permanent);
    EXPECT_FALSE(e->temporary);
    EXPECT_EQ(e->title, "Delivery not authorized, message refused");
    EXPECT_TRUE(contains(e->class_meaning, "No class"));
  }
}

TEST(ExplainCode, AcceptsQmailHashAndBlanks) {
  const std::pair<std::string_view, std::string_view> inputs[] = {
      {"#5.7.1", "5.7.1"}, {"  5.7.26 \n", "5.7.26"}, {"\t550\r\n", "550"}, {"# 4.4.1", "4.4.1"}, {"5.01.1", "5.1.1"},
  };
  for (const auto& [input, code] : inputs) {
    const Result<CodeExplanation> e = explain_code(input);
    ASSERT_TRUE(e.ok()) << input;
    EXPECT_EQ(e->code, code);
    EXPECT_TRUE(e->known) << input;
  }
}

TEST(ExplainCode, MultiDigitDetails) {
  const Result<CodeExplanation> e = explain_code("5.7.26");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->title, "Multiple authentication checks failed");
  EXPECT_EQ(e->reference, "RFC 7372");
}

TEST(ExplainCode, NonStandardCodesSaySo) {
  for (std::string_view input : {"571", "5.7.606", "4.7.650"}) {
    const Result<CodeExplanation> e = explain_code(input);
    ASSERT_TRUE(e.ok()) << input;
    EXPECT_TRUE(e->known) << input;
    EXPECT_FALSE(e->standard) << input;
    EXPECT_TRUE(starts_with(e->explanation, "This code is not part of the mail standards.")) << e->explanation;
  }
}

TEST(ExplainCode, UnregisteredStatusDetailIsExplainedByItsDigits) {
  const Result<CodeExplanation> e = explain_code("5.1.99");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->code, "5.1.99");
  EXPECT_FALSE(e->known);
  EXPECT_FALSE(e->standard);
  EXPECT_TRUE(e->permanent);
  EXPECT_TRUE(contains(e->explanation, "5.1.99 is not in the IANA registry")) << e->explanation;
  EXPECT_TRUE(contains(e->title, "addressing")) << e->title;
  EXPECT_TRUE(contains(e->explanation, "Its subject 1 means addressing")) << e->explanation;
  EXPECT_EQ(e->side, Side::kRecipient);  // from X.1.0
  EXPECT_FALSE(e->advice.empty());
}

TEST(ExplainCode, UndefinedSubjectIsExplainedByItsDigits) {
  const Result<CodeExplanation> e = explain_code("4.9.1");
  ASSERT_TRUE(e.ok());
  EXPECT_FALSE(e->known);
  EXPECT_TRUE(e->temporary);
  EXPECT_TRUE(contains(e->subject_meaning, "no meaning"));
  EXPECT_EQ(e->title, "Unregistered status code");
  EXPECT_EQ(e->side, Side::kNone);
  ASSERT_GE(e->advice.size(), 2u);
  EXPECT_TRUE(starts_with(e->advice.front(), "Wait"));
}

TEST(ExplainCode, UnregisteredReplyCodeIsExplainedByItsDigits) {
  const Result<CodeExplanation> e = explain_code("537");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->type, CodeType::kReply);
  EXPECT_FALSE(e->known);
  EXPECT_FALSE(e->standard);
  EXPECT_TRUE(e->permanent);
  EXPECT_TRUE(contains(e->explanation, "537 is not defined by the mail standards")) << e->explanation;
  EXPECT_TRUE(contains(e->explanation, "permanent failure")) << e->explanation;
  EXPECT_FALSE(e->advice.empty());
}

TEST(ExplainCode, MalformedInputIsAnErrorNamingIt) {
  const std::pair<std::string_view, std::string_view> inputs[] = {
      {"abc", "expected a reply code"},
      {"5.1", "three numbers"},
      {"999", "first digit"},
      {"150", "first digit"},
      {"580", "second digit"},
      {"55", "three digits"},
      {"5500", "three digits"},
      {"6.1.1", "class"},
      {"5.1.1.1", "four numbers"},
      {"5.1.1.", "three numbers"},
      {"5..1", "one to three digits"},
      {"5.1.1000", "one to three digits"},
      {"5.a.1", "one to three digits"},
      {"550 5.1.1", "one code at a time"},
      {"", "empty"},
      {"   ", "empty"},
      {"#", "empty"},
  };
  for (const auto& [input, problem] : inputs) {
    const Result<CodeExplanation> e = explain_code(input);
    ASSERT_FALSE(e.ok()) << "'" << input << "' was accepted";
    EXPECT_EQ(e.error().code, ErrorCode::kInvalidArgument);
    EXPECT_TRUE(contains(e.error().message, "'" + std::string(input) + "'")) << e.error().message;
    EXPECT_TRUE(contains(e.error().message, problem)) << e.error().message;
  }
}

TEST(ExplainCode, LongInputIsCutShortInTheError) {
  const std::string input(10000, '7');
  const Result<CodeExplanation> e = explain_code(input);
  ASSERT_FALSE(e.ok());
  EXPECT_LT(e.error().message.size(), 200u);
}

TEST(ExplainCode, ExplainsEveryTableEntry) {
  for (const ReplyCodeInfo& info : all_reply_codes()) {
    const Result<CodeExplanation> e = explain_code(std::to_string(info.code));
    ASSERT_TRUE(e.ok()) << info.code;
    EXPECT_TRUE(e->known);
    EXPECT_EQ(e->title, info.title);
    EXPECT_EQ(e->advice.size(), advice_count(info.advice));
  }
  for (const StatusCodeInfo& info : all_status_codes()) {
    const std::string detail = "." + std::to_string(info.subject) + "." + std::to_string(info.detail);
    for (std::string_view klass : {"X", "2", "4", "5"}) {
      const Result<CodeExplanation> e = explain_code(std::string(klass) + detail);
      ASSERT_TRUE(e.ok()) << klass << detail;
      EXPECT_TRUE(e->known);
      EXPECT_EQ(e->title, info.title);
      EXPECT_FALSE(e->advice.empty());
    }
  }
}

TEST(ExplainCode, AdviceIsNeverRepeated) {
  for (const StatusCodeInfo& info : all_status_codes()) {
    const std::string code = "4." + std::to_string(info.subject) + "." + std::to_string(info.detail);
    const Result<CodeExplanation> e = explain_code(code);
    ASSERT_TRUE(e.ok());
    const std::set<std::string> distinct(e->advice.begin(), e->advice.end());
    EXPECT_EQ(distinct.size(), e->advice.size()) << code;
  }
}

}  // namespace
}  // namespace bounceback
