#include "classify/matcher.h"

#include <deque>
#include <limits>

#include "util/text.h"

namespace bounceback::classify {
namespace {

constexpr uint32_t kNoState = std::numeric_limits<uint32_t>::max();

// Lower case with every white-space run as one space; leading and trailing spaces are kept (as one
// space) because they anchor a phrase at a word edge, e.g. " has been replaced by ".
std::string normalise_phrase(std::string_view phrase) {
  std::string out;
  out.reserve(phrase.size());
  for (char c : phrase) {
    if (util::is_space(c)) {
      if (out.empty() || out.back() != ' ') out.push_back(' ');
    } else {
      out.push_back(util::ascii_lower(c));
    }
  }
  return out;
}

}  // namespace

Result<size_t> PhraseMatcher::add(std::string_view phrase) {
  if (compiled_) return Error{ErrorCode::kInvalidArgument, "phrase added after compile()"};
  std::string normalised = normalise_phrase(phrase);
  if (normalised.empty() || normalised == " ") {
    return Error{ErrorCode::kInvalidArgument, "empty phrase"};
  }
  phrases_.push_back(std::move(normalised));
  return phrases_.size() - 1;
}

void PhraseMatcher::compile() {
  if (compiled_) return;
  compiled_ = true;
  assign_byte_classes();
  link_failures(build_trie());
}

// Bytes that no phrase uses share class 0, so the transition table has one column per byte that
// matters; upper and lower case share a class, and so does all white space.
void PhraseMatcher::assign_byte_classes() {
  for (const std::string& phrase : phrases_) {
    for (char c : phrase) {
      const auto byte = static_cast<unsigned char>(c);
      if (byte_class_[byte] != 0) continue;
      const auto assigned = static_cast<uint8_t>(class_count_++);
      byte_class_[byte] = assigned;
      if (util::is_alpha(c)) byte_class_[static_cast<unsigned char>(c - 'a' + 'A')] = assigned;
      if (c == ' ') space_class_ = assigned;
    }
  }
  if (space_class_ == 0) return;
  for (int byte = 0; byte < 256; ++byte) {
    if (util::is_space(static_cast<char>(byte))) byte_class_[byte] = space_class_;
  }
}

std::vector<std::vector<uint32_t>> PhraseMatcher::build_trie() {
  next_.assign(class_count_, kNoState);
  std::vector<std::vector<uint32_t>> ends_at(1);
  for (size_t index = 0; index < phrases_.size(); ++index) {
    State state = 0;
    for (char c : phrases_[index]) {
      const size_t slot = state * class_count_ + byte_class_[static_cast<unsigned char>(c)];
      if (next_[slot] == kNoState) {
        next_[slot] = static_cast<State>(ends_at.size());
        ends_at.emplace_back();
        next_.resize(next_.size() + class_count_, kNoState);
      }
      state = next_[slot];
    }
    ends_at[state].push_back(static_cast<uint32_t>(index));
  }
  return ends_at;
}

// Breadth-first over the trie: a node's failure link is shallower than the node, so its row of
// transitions and its outputs are final by the time the node is reached. Missing transitions are
// filled from the failure link, turning the trie into a DFA.
void PhraseMatcher::link_failures(const std::vector<std::vector<uint32_t>>& ends_at) {
  const size_t state_count = ends_at.size();
  std::vector<State> failure(state_count, 0);
  std::vector<std::vector<uint32_t>> outputs(state_count);
  std::deque<State> queue;
  for (size_t c = 0; c < class_count_; ++c) {
    State& child = next_[c];
    if (child == kNoState) {
      child = 0;
      continue;
    }
    outputs[child] = ends_at[child];
    queue.push_back(child);
  }
  while (!queue.empty()) {
    const State state = queue.front();
    queue.pop_front();
    for (size_t c = 0; c < class_count_; ++c) {
      const State fallback = next_[failure[state] * class_count_ + c];
      State& child = next_[state * class_count_ + c];
      if (child == kNoState) {
        child = fallback;
        continue;
      }
      failure[child] = fallback;
      outputs[child] = ends_at[child];
      outputs[child].insert(outputs[child].end(), outputs[fallback].begin(), outputs[fallback].end());
      queue.push_back(child);
    }
  }
  output_begin_.assign(state_count + 1, 0);
  for (size_t s = 0; s < state_count; ++s) {
    output_begin_[s] = static_cast<uint32_t>(outputs_.size());
    outputs_.insert(outputs_.end(), outputs[s].begin(), outputs[s].end());
  }
  output_begin_[state_count] = static_cast<uint32_t>(outputs_.size());
}

std::vector<PhraseMatcher::Match> PhraseMatcher::match(std::string_view text) const {
  std::vector<Match> found;
  match(text, [&found](size_t index, size_t end) { found.push_back(Match{index, end}); });
  return found;
}

}  // namespace bounceback::classify
