#include "explain/client_errors.h"

#include <algorithm>
#include <vector>

#include "classify/matcher.h"
#include "util/text.h"

namespace bounceback::explain {
namespace {

struct Entry {
  std::string_view family;
  std::string_view matches;  // alternatives separated by '|'
  bool quotes_reply;
  std::string_view title;
  std::string_view cause;
  std::string_view fix;
};

constexpr Entry kEntries[] = {
#define BB_CLIENT_ERROR(family, matches, quotes_reply, title, cause, fix) {family, matches, quotes_reply, title, cause, fix},
#include "explain/client_errors.def"
#undef BB_CLIENT_ERROR
};

// One alternative of one entry: the unit the phrase matcher finds.
struct Alternative {
  const Entry* entry;
  std::string_view phrase;
};

// Every alternative of every entry, in table order, compiled into one automaton so that a long
// text is read once, not once per phrase.
struct CompiledTable {
  std::vector<Alternative> alternatives;  // indexed as the matcher's phrases
  classify::PhraseMatcher matcher;
};

const CompiledTable& compiled_table() {
  static const CompiledTable table = [] {
    CompiledTable t;
    for (const Entry& entry : kEntries) {
      std::string_view rest = entry.matches;
      while (!rest.empty()) {
        const size_t bar = rest.find('|');
        const std::string_view phrase = rest.substr(0, bar);
        if (t.matcher.add(phrase).ok()) t.alternatives.push_back({&entry, phrase});
        rest = bar == std::string_view::npos ? std::string_view{} : rest.substr(bar + 1);
      }
    }
    t.matcher.compile();
    return t;
  }();
  return table;
}

// The occurrence of `phrase` ending at `end` does not continue a word or number on either side:
// "5.7.60" is not found in "5.7.606". Where the matcher folded a run of white space, the start is
// not known and only the end is checked.
bool stands_alone(std::string_view text, size_t end, std::string_view phrase) {
  if (end < text.size() && util::is_alnum(phrase.back()) && util::is_alnum(text[end])) return false;
  if (end < phrase.size()) return true;
  const size_t start = end - phrase.size();
  const bool start_known = util::iequals(text.substr(start, phrase.size()), phrase);
  return !(start_known && start > 0 && util::is_alnum(phrase.front()) && util::is_alnum(text[start - 1]));
}

struct Match {
  const Entry* entry;
  std::string_view alternative;
};

// At most one match per family: the first line of the family that matches, and of that line the
// first alternative listed.
std::vector<Match> matches_in(std::string_view text) {
  const CompiledTable& table = compiled_table();
  std::vector<bool> found(table.alternatives.size(), false);
  table.matcher.match(text, [&](size_t index, size_t end) {
    if (stands_alone(text, end, table.alternatives[index].phrase)) found[index] = true;
  });
  std::vector<Match> matches;
  for (size_t i = 0; i < found.size(); ++i) {
    const Alternative& alternative = table.alternatives[i];
    const bool family_done = std::any_of(matches.begin(), matches.end(), [&alternative](const Match& m) {
      return m.entry->family == alternative.entry->family;
    });
    if (found[i] && !family_done) matches.push_back({alternative.entry, alternative.phrase});
  }
  return matches;
}

ClientError to_client_error(const Match& match) {
  const Entry& e = *match.entry;
  return ClientError{std::string(match.alternative), std::string(e.family), std::string(e.title),
                     std::string(e.cause),           std::string(e.fix),    Side::kSender};
}

bool decides_a_reason(Reason reason) { return reason != Reason::kUndefined && reason != Reason::kOnHold; }

}  // namespace

std::vector<ClientError> find_client_errors(std::string_view text) {
  std::vector<ClientError> found;
  for (const Match& match : matches_in(text)) found.push_back(to_client_error(match));
  return found;
}

TextExplanation with_client_errors(std::string_view text, TextExplanation explanation) {
  const std::vector<Match> matches = matches_in(text);
  if (matches.empty()) return explanation;
  std::vector<std::string> fixes;
  for (const Match& match : matches) {
    explanation.client_errors.push_back(to_client_error(match));
    fixes.push_back(explanation.client_errors.back().fix);
  }
  const bool only_quoted_replies =
      std::all_of(matches.begin(), matches.end(), [](const Match& m) { return m.entry->quotes_reply; });
  if (only_quoted_replies && decides_a_reason(explanation.reason)) return explanation;
  const ClientError& first = explanation.client_errors.front();
  explanation.summary = first.title + ". " + first.cause;
  explanation.side = Side::kSender;
  explanation.hard_bounce = false;
  // The program's own words with no server reply in them ("0x8004210B: The operation timed out")
  // name no delivery failure: a reason read from them ("timed out": expired) would bring advice
  // about the recipient's address.
  if (explanation.codes.empty()) explanation.reason = Reason::kUndefined;
  if (decides_a_reason(explanation.reason)) {
    fixes.insert(fixes.end(), explanation.advice.begin(), explanation.advice.end());
  }
  explanation.advice = std::move(fixes);
  return explanation;
}

}  // namespace bounceback::explain
