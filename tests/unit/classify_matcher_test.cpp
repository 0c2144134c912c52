// The automaton against a naive matcher (normalise, then ifind every phrase at every offset).
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "classify/matcher.h"
#include "classify/generated_automata.h"
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

// A phrase as a folding matcher reads it: every white-space run one space.
std::string collapse_white_space(std::string_view phrase) {
  std::string out;
  for (char c : phrase) {
    if (!util::is_space(c)) {
      out.push_back(c);
    } else if (out.empty() || out.back() != ' ') {
      out.push_back(' ');
    }
  }
  return out;
}

// The reference for Spacing::kExact: util::ifind of every phrase at every offset.
std::vector<Match> naive_exact_match(const std::vector<std::string>& phrases, std::string_view text) {
  std::vector<Match> found;
  for (size_t index = 0; index < phrases.size(); ++index) {
    for (size_t at = util::ifind(text, phrases[index]); at != std::string::npos;
         at = util::ifind(text, phrases[index], at + 1)) {
      found.push_back(Match{index, at + phrases[index].size()});
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

// Thousands of long phrases make an automaton too large for a full transition table: most states
// keep sparse edges and matching falls back along failure links.
TEST(PhraseMatcher, AgreesWithNaiveMatcherWhenTooLargeForADenseTable) {
  std::mt19937 random(20261129);
  const std::string alphabet = "abcdefghAB \t.5";  // up to 11 edges leave a state: some rows dense
  auto random_string = [&](size_t min_length, size_t max_length) {
    std::string s(min_length + random() % (max_length - min_length + 1), ' ');
    for (char& c : s) c = alphabet[random() % alphabet.size()];
    return s;
  };
  std::vector<std::string> phrases;
  while (phrases.size() < 4000) {
    std::string phrase = random_string(3, 40);
    if (!util::trim(phrase).empty()) phrases.push_back(phrase);
  }
  // Short phrases too, so that matches happen often in a random text.
  for (int i = 0; i < 200; ++i) phrases.push_back(random_string(2, 4) + "a");
  const PhraseMatcher matcher = compiled(phrases);
  for (int round = 0; round < 5; ++round) {
    const std::string text = random_string(500, 2000);
    const std::vector<Match> found = sorted(matcher.match(text));
    EXPECT_FALSE(found.empty());
    ASSERT_EQ(found, sorted(naive_match(phrases, text))) << "round " << round;
  }
}

// Spacing::kExact finds what util::ifind finds: case ignored, every white-space byte as written.
TEST(PhraseMatcher, ExactSpacingAgreesWithIfind) {
  std::mt19937 random(20261130);
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
    PhraseMatcher matcher(Spacing::kExact);
    for (const std::string& phrase : phrases) ASSERT_TRUE(matcher.add(phrase).ok());
    matcher.compile();
    const std::string text = random_string(80);
    ASSERT_EQ(sorted(matcher.match(text)), sorted(naive_exact_match(phrases, text))) << "round " << round << " text [" << text << "]";
  }
}

template <typename T>
std::vector<T> as_vector(std::span<const T> values) {
  return std::vector<T>(values.begin(), values.end());
}

void expect_same_tables(const PhraseMatcher::Tables& built, const PhraseMatcher::Tables& now) {
  EXPECT_EQ(built.spacing, now.spacing);
  EXPECT_EQ(built.phrase_count, now.phrase_count);
  EXPECT_EQ(built.class_count, now.class_count);
  EXPECT_EQ(built.space_class, now.space_class);
  EXPECT_EQ(as_vector(built.byte_class), as_vector(now.byte_class));
  EXPECT_EQ(as_vector(built.dense_row), as_vector(now.dense_row));
  EXPECT_EQ(as_vector(built.dense), as_vector(now.dense));
  EXPECT_EQ(as_vector(built.sparse), as_vector(now.sparse));
  EXPECT_EQ(as_vector(built.dfa), as_vector(now.dfa));
  EXPECT_EQ(as_vector(built.ends_begin), as_vector(now.ends_begin));
  EXPECT_EQ(as_vector(built.ends), as_vector(now.ends));
  EXPECT_EQ(as_vector(built.output_link), as_vector(now.output_link));
  EXPECT_EQ(as_vector(built.first_output), as_vector(now.first_output));
  EXPECT_EQ(built.output_begin, now.output_begin);
  EXPECT_EQ(built.output_end, now.output_end);
}

// The automatons the build generated are the ones compiling the .def files now gives: same
// phrases in the same order, same tables; and a matcher loaded from them matches like a compiled one.
TEST(PhraseMatcher, GeneratedReplyAutomatonIsTheCompiledRulesAndBlocklists) {
  const std::vector<std::string> rule_phrases = {
#define BB_RULE(reason, strength, phrase) phrase,
#include "classify/rules.def"
#undef BB_RULE
#define BB_PROVIDER_RULE(provider, reason, phrase) phrase,
#define BB_PROVIDER_CODE(provider, marker, first, last, reason)
#include "classify/provider_rules.def"
#undef BB_PROVIDER_CODE
#undef BB_PROVIDER_RULE
  };
  const std::vector<std::string> blocklist_phrases = {
#define BB_BLOCKLIST(name, zone, phrase) phrase,
#include "classify/blocklists.def"
#undef BB_BLOCKLIST
  };
  EXPECT_EQ(kRulePhraseCount, rule_phrases.size());
  std::vector<std::string> phrases = rule_phrases;
  phrases.insert(phrases.end(), blocklist_phrases.begin(), blocklist_phrases.end());
  const PhraseMatcher compiled_now = compiled(phrases);
  const PhraseMatcher::Tables built = reply_automaton_tables();
  EXPECT_EQ(built.phrase_count, phrases.size());
  expect_same_tables(built, compiled_now.tables());

  const PhraseMatcher loaded = PhraseMatcher::from_tables(built);
  EXPECT_EQ(loaded.size(), phrases.size());
  EXPECT_FALSE(PhraseMatcher::from_tables(built).add("late").ok());
  const std::string text =
      "550 5.1.1 <jane@example.com>: Recipient address rejected: User unknown in virtual mailbox table;\n"
      "  554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org; MAILBOX  FULL";
  const std::vector<Match> found = loaded.match(text);
  EXPECT_TRUE(std::ranges::any_of(found, [](const Match& m) { return m.index < kRulePhraseCount; }));
  EXPECT_TRUE(std::ranges::any_of(found, [&](const Match& m) {
    return m.index >= kRulePhraseCount && phrases[m.index] == "zen.spamhaus.org";
  }));
  EXPECT_EQ(found, compiled_now.match(text));
  EXPECT_EQ(&reply_phrase_matcher(), &reply_phrase_matcher());
  EXPECT_EQ(reply_phrase_matcher().match(text), found);
}

TEST(PhraseMatcher, GeneratedClaimAutomatonIsTheCompiledClaimPhrases) {
  PhraseMatcher compiled_now(Spacing::kExact);
#define BB_CLAIM_PHRASE(phrase) ASSERT_TRUE(compiled_now.add(phrase).ok());
#include "formats/claim_phrases.def"
#undef BB_CLAIM_PHRASE
  compiled_now.compile();
  expect_same_tables(claim_automaton_tables(), compiled_now.tables());
  const PhraseMatcher loaded = PhraseMatcher::from_tables(claim_automaton_tables());
  const std::string text = "This is the mail system at host mx.example.net.\n----- Transcript of session follows -----";
  EXPECT_EQ(loaded.match(text).size(), 3u);  // also "Transcript of session follows"
  EXPECT_EQ(loaded.match(text), compiled_now.match(text));
}

TEST(PhraseMatcher, GeneratedExplanationAutomatonsAreTheirCompiledPhrases) {
  PhraseMatcher network_problems(Spacing::kExact);
#define BB_NETWORK_PROBLEM(phrase, problem) ASSERT_TRUE(network_problems.add(phrase).ok());
#include "explain/network_problems.def"
#undef BB_NETWORK_PROBLEM
  network_problems.compile();
  expect_same_tables(network_problem_automaton_tables(), network_problems.tables());
  PhraseMatcher host_markers(Spacing::kExact);
#define BB_HOST_MARKER(marker) ASSERT_TRUE(host_markers.add(marker).ok());
#include "explain/host_markers.def"
#undef BB_HOST_MARKER
  host_markers.compile();
  expect_same_tables(host_marker_automaton_tables(), host_markers.tables());
  const std::string text = "lost connection with mx.example.com[192.0.2.1]: Connection Timed Out";
  EXPECT_EQ(PhraseMatcher::from_tables(network_problem_automaton_tables()).match(text), network_problems.match(text));
  EXPECT_EQ(PhraseMatcher::from_tables(host_marker_automaton_tables()).match(text), host_markers.match(text));
  EXPECT_FALSE(host_markers.match(text).empty());
}

TEST(PhraseMatcher, GeneratedSenderAutomatonsAreTheirCompiledFragments) {
  PhraseMatcher senders(Spacing::kExact);
#define BB_SENDER(fragment, name) ASSERT_TRUE(senders.add(fragment).ok());
#include "formats/senders.def"
#undef BB_SENDER
  senders.compile();
  expect_same_tables(sender_automaton_tables(), senders.tables());
  PhraseMatcher bounce_senders(Spacing::kExact);
#define BB_BOUNCE_SENDER(fragment) ASSERT_TRUE(bounce_senders.add(fragment).ok());
#include "formats/bounce_senders.def"
#undef BB_BOUNCE_SENDER
  bounce_senders.compile();
  expect_same_tables(bounce_sender_automaton_tables(), bounce_senders.tables());
  const std::string from = "Mail Delivery Subsystem <MAILER-DAEMON@googlemail.com>";
  EXPECT_EQ(PhraseMatcher::from_tables(sender_automaton_tables()).match(from), senders.match(from));
  EXPECT_EQ(PhraseMatcher::from_tables(bounce_sender_automaton_tables()).match(from), bounce_senders.match(from));
  EXPECT_FALSE(senders.match(from).empty());
  EXPECT_EQ(bounce_senders.match(from).size(), 2u);  // "Mail Delivery" and "MAILER-DAEMON"
}

// A matcher reads its tables through views: copies and moves must read their own.
TEST(PhraseMatcher, CopiesAndMovesKeepMatching) {
  std::vector<Match> copied_result;
  PhraseMatcher moved;
  {
    PhraseMatcher original = compiled({"over quota", "mailbox full"});
    const PhraseMatcher copied(original);
    moved = std::move(original);
    copied_result = copied.match("x OVER  quota, mailbox full");
  }
  EXPECT_EQ(copied_result, (std::vector<Match>{{0, 13}, {1, 27}}));
  EXPECT_EQ(moved.match("xx over quota mailbox\nfull"), (std::vector<Match>{{0, 13}, {1, 26}}));
  const PhraseMatcher from_loaded = PhraseMatcher::from_tables(moved.tables());
  PhraseMatcher reassigned;
  reassigned = from_loaded;
  EXPECT_EQ(reassigned.match("over quota"), (std::vector<Match>{{0, 10}}));
}

TEST(PhraseMatcher, TablesWithoutAClassForEveryByteGiveAMatcherThatMatchesNothing) {
  PhraseMatcher::Tables cut = reply_automaton_tables();
  cut.byte_class = cut.byte_class.first(100);
  const PhraseMatcher loaded = PhraseMatcher::from_tables(cut);
  EXPECT_FALSE(loaded.compiled());
  EXPECT_TRUE(loaded.match(std::string(300, '\xff') + " mailbox full").empty());
}

TEST(PhraseMatcher, TablesWithOutputIdsPastTheStatesGiveAMatcherThatMatchesNothing) {
  PhraseMatcher::Tables cut = claim_automaton_tables();
  ASSERT_TRUE(PhraseMatcher::from_tables(cut).compiled());
  cut.output_end = static_cast<uint32_t>(cut.dfa.size() + 1);
  EXPECT_FALSE(PhraseMatcher::from_tables(cut).compiled());
  cut.output_end = 0;
  EXPECT_FALSE(PhraseMatcher::from_tables(cut).compiled());  // before output_begin
}

// A DFA reads its rows without bounds checks: tables whose rows are not all there are refused.
TEST(PhraseMatcher, TablesWithMissingRowsGiveAMatcherThatMatchesNothing) {
  PhraseMatcher::Tables dfa = claim_automaton_tables();
  ASSERT_FALSE(dfa.dfa.empty());
  dfa.dfa = dfa.dfa.first(dfa.dfa.size() - 1);
  EXPECT_FALSE(PhraseMatcher::from_tables(dfa).compiled());
  // Rule tables cut after their dense rows would read as a DFA's without one.
  PhraseMatcher::Tables dense_only = reply_automaton_tables();
  ASSERT_TRUE(dense_only.dfa.empty());
  dense_only.dense_row = dense_only.dense_row.first(dense_only.dense.size() / dense_only.class_count);
  dense_only.output_begin = dense_only.output_end = 0;
  EXPECT_FALSE(PhraseMatcher::from_tables(dense_only).compiled());
  EXPECT_TRUE(PhraseMatcher::from_tables(dense_only).match("mailbox full").empty());
}

TEST(PhraseMatcher, CallbackSeesMatchesInOrderOfEnd) {
  const PhraseMatcher matcher = compiled({"b", "abc", "c"});
  std::vector<size_t> ends;
  matcher.match("abcb", [&ends](size_t, size_t end) { ends.push_back(end); });
  EXPECT_TRUE(std::is_sorted(ends.begin(), ends.end()));
  EXPECT_EQ(ends.size(), 4u);
}


// The naive matches in the order match() reports them: by end, then longest phrase first.
std::vector<Match> in_report_order(std::vector<Match> matches, const std::vector<std::string>& normalised) {
  std::stable_sort(matches.begin(), matches.end(), [&normalised](const Match& a, const Match& b) {
    if (a.end != b.end) return a.end < b.end;
    if (normalised[a.index].size() != normalised[b.index].size()) {
      return normalised[a.index].size() > normalised[b.index].size();
    }
    return a.index < b.index;
  });
  return matches;
}

// Long texts are read by several scans at once, each from the start of its part (a small matcher
// is a DFA): the matches must be those of one scan, in the same order, however many a later scan
// finds before the one before reaches its part and however long the two take to get in step.
TEST(PhraseMatcher, ScansOfSeveralPartsReportAsOneScanWould) {
  std::mt19937 random(20261201);
  const std::string alphabet = "abAB \t\r\n.";
  auto random_string = [&](size_t min_length, size_t max_length) {
    std::string s(min_length + random() % (max_length - min_length + 1), ' ');
    for (char& c : s) c = alphabet[random() % alphabet.size()];
    return s;
  };
  for (int round = 0; round < 400; ++round) {
    std::vector<std::string> phrases;
    const size_t phrase_count = 1 + random() % 12;
    while (phrases.size() < phrase_count) {
      std::string phrase = random_string(1, round % 2 == 0 ? 4 : 30);
      if (!util::trim(phrase).empty()) phrases.push_back(phrase);
    }
    const PhraseMatcher folded = compiled(phrases);
    PhraseMatcher exact(Spacing::kExact);
    for (const std::string& phrase : phrases) ASSERT_TRUE(exact.add(phrase).ok());
    exact.compile();
    std::vector<std::string> normalised_folded, normalised_exact;
    for (const std::string& phrase : phrases) {
      normalised_folded.push_back(collapse_white_space(phrase));
      normalised_exact.push_back(phrase);
    }
    const std::string text = random_string(100, 900);
    ASSERT_EQ(folded.match(text), in_report_order(naive_match(phrases, text), normalised_folded))
        << "round " << round << " text [" << text << "]";
    ASSERT_EQ(exact.match(text), in_report_order(naive_exact_match(phrases, text), normalised_exact))
        << "round " << round << " text [" << text << "]";
  }
}

// Every byte ends a phrase here, and a scan from the start of a part needs 30 bytes to get in step:
// it finds more matches than it can hold before the scan of the part before catches up with it.
TEST(PhraseMatcher, ScansOfSeveralPartsAgreeWhenEveryByteEndsAPhrase) {
  std::vector<std::string> phrases;
  for (size_t length = 1; length <= 30; ++length) phrases.push_back(std::string(length, 'a'));
  const PhraseMatcher matcher = compiled(phrases);
  for (const size_t length : {100u, 128u, 131u, 200u, 1001u}) {
    const std::string text(length, 'a');
    EXPECT_EQ(matcher.match(text), in_report_order(naive_match(phrases, text), phrases)) << length;
  }
}

}  // namespace
}  // namespace bounceback::classify
