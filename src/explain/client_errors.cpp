#include "explain/client_errors.h"

#include <algorithm>
#include <optional>

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

// `needle` occurs in `text` as a whole word or number: "5.7.60" is not found in "5.7.606".
bool contains_whole(std::string_view text, std::string_view needle) {
  for (size_t at = util::ifind(text, needle); at != std::string_view::npos; at = util::ifind(text, needle, at + 1)) {
    const size_t end = at + needle.size();
    const bool joined_before = at > 0 && util::is_alnum(needle.front()) && util::is_alnum(text[at - 1]);
    const bool joined_after = end < text.size() && util::is_alnum(needle.back()) && util::is_alnum(text[end]);
    if (!joined_before && !joined_after) return true;
  }
  return false;
}

// The first alternative of `entry` found in `text`.
std::optional<std::string_view> matched_alternative(const Entry& entry, std::string_view text) {
  std::string_view rest = entry.matches;
  while (!rest.empty()) {
    const size_t bar = rest.find('|');
    const std::string_view alternative = rest.substr(0, bar);
    if (contains_whole(text, alternative)) return alternative;
    rest = bar == std::string_view::npos ? std::string_view{} : rest.substr(bar + 1);
  }
  return std::nullopt;
}

struct Match {
  const Entry* entry;
  std::string_view alternative;
};

// At most one match per family: the first line of the family that matches.
std::vector<Match> matches_in(std::string_view text) {
  std::vector<Match> found;
  for (const Entry& entry : kEntries) {
    const bool family_done = std::any_of(found.begin(), found.end(), [&entry](const Match& m) {
      return m.entry->family == entry.family;
    });
    if (family_done) continue;
    if (const std::optional<std::string_view> alternative = matched_alternative(entry, text)) {
      found.push_back({&entry, *alternative});
    }
  }
  return found;
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
  if (decides_a_reason(explanation.reason)) {
    fixes.insert(fixes.end(), explanation.advice.begin(), explanation.advice.end());
  }
  explanation.advice = std::move(fixes);
  return explanation;
}

}  // namespace bounceback::explain
