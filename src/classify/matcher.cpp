#include "classify/matcher.h"

#include <algorithm>

#include "util/text.h"

namespace bounceback::classify {
namespace {

// Lower case with every white-space run as one space; leading and trailing spaces are kept (as one
// space) because they anchor a phrase at a word edge, e.g. " has been replaced by ".
std::string normalise_phrase(std::string_view phrase, Spacing spacing) {
  std::string out;
  out.reserve(phrase.size());
  for (char c : phrase) {
    if (spacing == Spacing::kFolded && util::is_space(c)) {
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
  std::string normalised = normalise_phrase(phrase, spacing_);
  if (normalised.empty() || normalised == " ") {
    return Error{ErrorCode::kInvalidArgument, "empty phrase"};
  }
  phrases_.push_back(std::move(normalised));
  phrase_count_ = phrases_.size();
  return phrases_.size() - 1;
}

void PhraseMatcher::compile() {
  if (compiled_) return;
  compiled_ = true;
  assign_byte_classes();
  std::vector<std::vector<uint32_t>> ends_at;
  link_failures(build_trie(ends_at), ends_at);
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
      if (c == ' ' && spacing_ == Spacing::kFolded) space_class_ = assigned;
    }
  }
  if (space_class_ == 0) return;
  for (int byte = 0; byte < 256; ++byte) {
    if (util::is_space(static_cast<char>(byte))) byte_class_[byte] = space_class_;
  }
}

std::vector<PhraseMatcher::TrieNode> PhraseMatcher::build_trie(std::vector<std::vector<uint32_t>>& ends_at) const {
  size_t most_nodes = 1;
  for (const std::string& phrase : phrases_) most_nodes += phrase.size();
  std::vector<TrieNode> trie(1);
  trie.reserve(most_nodes);
  std::vector<State> root_children(class_count_, 0);  // the root has many children: found directly
  ends_at.assign(1, {});
  ends_at.reserve(most_nodes);
  for (size_t index = 0; index < phrases_.size(); ++index) {
    State state = 0;
    for (char c : phrases_[index]) {
      const uint8_t byte_class = byte_class_[static_cast<unsigned char>(c)];
      State found = state == 0 ? root_children[byte_class] : trie[state].first_child;
      if (state != 0) {
        while (found != 0 && trie[found].byte_class != byte_class) found = trie[found].next_sibling;
      }
      if (found == 0) {
        found = static_cast<State>(trie.size());
        TrieNode node;
        node.byte_class = byte_class;
        node.next_sibling = trie[state].first_child;
        trie.push_back(node);
        trie[state].first_child = found;
        if (state == 0) root_children[byte_class] = found;
        ends_at.emplace_back();
      }
      state = found;
    }
    ends_at[state].push_back(static_cast<uint32_t>(index));
  }
  return trie;
}

void PhraseMatcher::link_failures(const std::vector<TrieNode>& trie,
                                  const std::vector<std::vector<uint32_t>>& ends_at) {
  const size_t state_count = trie.size();
  lay_out_edges(trie);
  failure_.assign(state_count, 0);
  output_link_.assign(state_count, 0);
  ends_begin_.assign(state_count + 1, 0);
  for (size_t s = 0; s < state_count; ++s) {
    ends_begin_[s] = static_cast<uint32_t>(ends_.size());
    ends_.insert(ends_.end(), ends_at[s].begin(), ends_at[s].end());
  }
  ends_begin_[state_count] = static_cast<uint32_t>(ends_.size());

  // Breadth first: a state's failure state is shallower, so its links are final when needed.
  std::vector<State> queue;
  queue.reserve(state_count);
  queue.push_back(0);
  for (size_t head = 0; head < queue.size(); ++head) {
    const State state = queue[head];
    resolve_dense_row(state);
    for (State next = trie[state].first_child; next != 0; next = trie[next].next_sibling) {
      const State fallback = state == 0 ? 0 : step(failure_[state], trie[next].byte_class);
      failure_[next] = fallback;
      output_link_[next] = ends_at[fallback].empty() ? output_link_[fallback] : fallback;
      queue.push_back(next);
    }
  }
  first_output_.resize(state_count);
  for (size_t s = 0; s < state_count; ++s) {
    first_output_[s] = ends_at[s].empty() ? output_link_[s] : static_cast<State>(s);
  }
}

// A dense row's missing edges become the transitions the failure links lead to, so that reading
// a byte there is one lookup. Its failure state is shallower: already resolved.
void PhraseMatcher::resolve_dense_row(State state) {
  if (dense_row_[state] == kSparse) return;
  State* row = &dense_[dense_row_[state]];
  const uint32_t failure_row = state == 0 ? kSparse : dense_row_[failure_[state]];
  for (size_t c = 0; c < class_count_; ++c) {
    if (row[c] != kNoChild) continue;
    if (state == 0) {
      row[c] = 0;
    } else if (failure_row != kSparse) {
      row[c] = dense_[failure_row + c];
    } else {
      row[c] = step(failure_[state], static_cast<uint8_t>(c));
    }
  }
}

void PhraseMatcher::lay_out_edges(const std::vector<TrieNode>& trie) {
  const size_t state_count = trie.size();
  // A small automaton is a DFA outright: one lookup per byte for the price of a table that stays
  // in the cache. A large one keeps rows only where many edges leave a state.
  const bool all_dense = state_count * class_count_ <= kDenseTableLimit;
  dense_row_.assign(state_count, kSparse);
  edge_begin_.assign(state_count + 1, 0);
  for (size_t s = 0; s < state_count; ++s) {
    uint32_t children = 0;
    for (State c = trie[s].first_child; c != 0; c = trie[c].next_sibling) ++children;
    if (s == 0 || all_dense || children >= kDenseFanOut) {
      dense_row_[s] = static_cast<uint32_t>(dense_.size());
      dense_.resize(dense_.size() + class_count_, kNoChild);
      for (State c = trie[s].first_child; c != 0; c = trie[c].next_sibling) {
        dense_[dense_row_[s] + trie[c].byte_class] = c;
      }
      children = 0;
    }
    edge_begin_[s + 1] = edge_begin_[s] + children;
  }
  edge_class_.assign(edge_begin_[state_count], 0);
  edge_target_.assign(edge_begin_[state_count], 0);
  for (size_t s = 0; s < state_count; ++s) {
    if (dense_row_[s] != kSparse) continue;
    uint32_t end = edge_begin_[s];
    for (State c = trie[s].first_child; c != 0; c = trie[c].next_sibling, ++end) {
      edge_class_[end] = trie[c].byte_class;
      edge_target_[end] = c;
    }
  }
}

PhraseMatcher::Tables PhraseMatcher::tables() const {
  Tables t;
  t.spacing = spacing_;
  t.phrase_count = phrase_count_;
  t.byte_class = byte_class_;
  t.space_class = space_class_;
  t.class_count = class_count_;
  t.dense_row = dense_row_;
  t.dense = dense_;
  t.edge_begin = edge_begin_;
  t.edge_class = edge_class_;
  t.edge_target = edge_target_;
  t.failure = failure_;
  t.ends_begin = ends_begin_;
  t.ends = ends_;
  t.output_link = output_link_;
  t.first_output = first_output_;
  return t;
}

PhraseMatcher PhraseMatcher::from_tables(const Tables& t) {
  PhraseMatcher m(t.spacing);
  m.compiled_ = true;
  m.phrase_count_ = t.phrase_count;
  std::copy_n(t.byte_class.begin(), std::min<size_t>(t.byte_class.size(), 256), m.byte_class_);
  m.space_class_ = t.space_class;
  m.class_count_ = t.class_count;
  m.dense_row_.assign(t.dense_row.begin(), t.dense_row.end());
  m.dense_.assign(t.dense.begin(), t.dense.end());
  m.edge_begin_.assign(t.edge_begin.begin(), t.edge_begin.end());
  m.edge_class_.assign(t.edge_class.begin(), t.edge_class.end());
  m.edge_target_.assign(t.edge_target.begin(), t.edge_target.end());
  m.failure_.assign(t.failure.begin(), t.failure.end());
  m.ends_begin_.assign(t.ends_begin.begin(), t.ends_begin.end());
  m.ends_.assign(t.ends.begin(), t.ends.end());
  m.output_link_.assign(t.output_link.begin(), t.output_link.end());
  m.first_output_.assign(t.first_output.begin(), t.first_output.end());
  return m;
}

std::vector<PhraseMatcher::Match> PhraseMatcher::match(std::string_view text) const {
  std::vector<Match> found;
  match(text, [&found](size_t index, size_t end) { found.push_back(Match{index, end}); });
  return found;
}

}  // namespace bounceback::classify
