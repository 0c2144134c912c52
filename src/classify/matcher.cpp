#include "classify/matcher.h"

#include <algorithm>
#include <iterator>

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
  built_ = std::make_shared<Built>();
  assign_byte_classes();
  std::vector<std::vector<uint32_t>> ends_at;
  link_failures(build_trie(ends_at), ends_at);
  number_states_for_scanning();
  dense_only_ = dense_states_ == built_->dense_row.size();
  if (dense_only_) narrow_to_dfa();
  view_own_tables();
  set_scan_ids();
}

void PhraseMatcher::set_scan_ids() {
  row_unit_ = static_cast<State>(dense_only_ ? dfa_stride(view_.class_count) / kDfaIdUnit : view_.class_count);
  dense_ids_ = static_cast<State>(dense_states_ * row_unit_);
  output_first_id_ = view_.output_begin;
  output_id_span_ = view_.output_end - view_.output_begin;
}

// Bytes that no phrase uses share class 0, so the transition table has one column per byte that
// matters; upper and lower case share a class, and so does all white space. The bytes a bounce's
// text holds most get the first classes, in about the order of kFrequentBytes: the transitions a
// scan reads most then share the first cache line of a row.
void PhraseMatcher::assign_byte_classes() {
  constexpr std::string_view kFrequentBytes = " etaoinsrlcdhumpfgybw.v,k:-/<>@x()0123456789=\"'_;q[]jz\r\n\t";
  std::array<bool, 256> in_phrase{};
  for (const std::string& phrase : phrases_) {
    for (char c : phrase) in_phrase[static_cast<unsigned char>(c)] = true;
  }
  const auto assign = [&](char c) {
    const auto byte = static_cast<unsigned char>(c);
    if (!in_phrase[byte] || built_->byte_class[byte] != 0) return;
    const auto assigned = static_cast<uint8_t>(class_count_++);
    built_->byte_class[byte] = assigned;
    if (util::is_alpha(c)) built_->byte_class[static_cast<unsigned char>(c - 'a' + 'A')] = assigned;
    if (c == ' ' && spacing_ == Spacing::kFolded) space_class_ = assigned;
  };
  for (char c : kFrequentBytes) assign(c);
  for (const std::string& phrase : phrases_) {
    for (char c : phrase) assign(c);
  }
  if (space_class_ == 0) return;
  for (int byte = 0; byte < 256; ++byte) {
    if (util::is_space(static_cast<char>(byte))) built_->byte_class[byte] = space_class_;
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
      const uint8_t byte_class = built_->byte_class[static_cast<unsigned char>(c)];
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

PhraseMatcher::State PhraseMatcher::child_while_building(State state, uint8_t byte_class) const {
  if (built_->dense_row[state] != kSparse) return built_->dense[built_->dense_row[state] + byte_class];
  for (uint32_t e = built_->edge_begin[state]; e < built_->edge_begin[state + 1]; ++e) {
    if (built_->edge_class[e] == byte_class) return built_->edge_target[e];
  }
  return kNoChild;
}

PhraseMatcher::State PhraseMatcher::step_while_building(State state, uint8_t byte_class) const {
  if (byte_class == 0) return 0;  // a byte no phrase holds leads back to the root from anywhere
  for (;; state = built_->failure[state]) {
    const State next = child_while_building(state, byte_class);
    if (next != kNoChild) return next;
    if (state == 0) return 0;
  }
}

void PhraseMatcher::link_failures(const std::vector<TrieNode>& trie,
                                  const std::vector<std::vector<uint32_t>>& ends_at) {
  const size_t state_count = trie.size();
  lay_out_edges(trie);
  built_->failure.assign(state_count, 0);
  built_->output_link.assign(state_count, 0);
  built_->ends_begin.assign(state_count + 1, 0);
  for (size_t s = 0; s < state_count; ++s) {
    built_->ends_begin[s] = static_cast<uint32_t>(built_->ends.size());
    built_->ends.insert(built_->ends.end(), ends_at[s].begin(), ends_at[s].end());
  }
  built_->ends_begin[state_count] = static_cast<uint32_t>(built_->ends.size());

  // Breadth first: a state's failure state is shallower, so its links are final when needed.
  std::vector<State> queue;
  queue.reserve(state_count);
  queue.push_back(0);
  for (size_t head = 0; head < queue.size(); ++head) {
    const State state = queue[head];
    resolve_dense_row(state);
    for (State next = trie[state].first_child; next != 0; next = trie[next].next_sibling) {
      const State fallback = state == 0 ? 0 : step_while_building(built_->failure[state], trie[next].byte_class);
      built_->failure[next] = fallback;
      built_->output_link[next] = ends_at[fallback].empty() ? built_->output_link[fallback] : fallback;
      queue.push_back(next);
    }
  }
  built_->first_output.resize(state_count);
  for (size_t s = 0; s < state_count; ++s) {
    built_->first_output[s] = ends_at[s].empty() ? built_->output_link[s] : static_cast<State>(s);
  }
}

// A dense row's missing edges become the transitions the failure links lead to, so that reading
// a byte there is one lookup. Its failure state is shallower: already resolved.
void PhraseMatcher::resolve_dense_row(State state) {
  if (built_->dense_row[state] == kSparse) return;
  State* row = &built_->dense[built_->dense_row[state]];
  const uint32_t failure_row = state == 0 ? kSparse : built_->dense_row[built_->failure[state]];
  for (size_t c = 0; c < class_count_; ++c) {
    if (row[c] != kNoChild) continue;
    if (state == 0) {
      row[c] = 0;
    } else if (failure_row != kSparse) {
      row[c] = built_->dense[failure_row + c];
    } else {
      row[c] = step_while_building(built_->failure[state], static_cast<uint8_t>(c));
    }
  }
}

void PhraseMatcher::lay_out_edges(const std::vector<TrieNode>& trie) {
  const size_t state_count = trie.size();
  // A small automaton is a DFA outright: one lookup per byte for the price of a table that stays
  // in the cache. A large one keeps rows only where many edges leave a state.
  const bool all_dense = fits_a_dfa(state_count, class_count_);
  built_->dense_row.assign(state_count, kSparse);
  built_->edge_begin.assign(state_count + 1, 0);
  for (size_t s = 0; s < state_count; ++s) {
    uint32_t children = 0;
    for (State c = trie[s].first_child; c != 0; c = trie[c].next_sibling) ++children;
    if (s == 0 || all_dense || children >= kDenseFanOut) {
      built_->dense_row[s] = static_cast<uint32_t>(built_->dense.size());
      built_->dense.resize(built_->dense.size() + class_count_, kNoChild);
      for (State c = trie[s].first_child; c != 0; c = trie[c].next_sibling) {
        built_->dense[built_->dense_row[s] + trie[c].byte_class] = c;
      }
      children = 0;
    }
    built_->edge_begin[s + 1] = built_->edge_begin[s] + children;
  }
  built_->edge_class.assign(built_->edge_begin[state_count], 0);
  built_->edge_target.assign(built_->edge_begin[state_count], 0);
  for (size_t s = 0; s < state_count; ++s) {
    if (built_->dense_row[s] != kSparse) continue;
    uint32_t end = built_->edge_begin[s];
    for (State c = trie[s].first_child; c != 0; c = trie[c].next_sibling, ++end) {
      built_->edge_class[end] = trie[c].byte_class;
      built_->edge_target[end] = c;
    }
  }
}

void PhraseMatcher::view_own_tables() {
  Tables& t = view_;
  t.spacing = spacing_;
  t.phrase_count = phrase_count_;
  t.byte_class = built_->byte_class;
  t.space_class = space_class_;
  t.class_count = class_count_;
  t.dense_row = built_->dense_row;
  t.dense = built_->dense;
  t.dfa = built_->dfa;
  t.sparse = built_->sparse;
  t.ends_begin = built_->ends_begin;
  t.ends = built_->ends;
  t.output_link = built_->output_link;
  t.first_output = built_->first_output;
  t.output_begin = built_->output_begin;
  t.output_end = built_->output_end;
}

void PhraseMatcher::number_states_for_scanning() {
  const Built& old = *built_;
  const size_t state_count = old.dense_row.size();
  std::vector<State> renumbered(state_count);
  std::vector<State> order;  // the old number of each new one
  order.reserve(state_count);
  // Dense without phrases ending (the root first), dense with, sparse with, sparse without.
  const auto number_group = [&](bool dense, bool output) {
    for (size_t s = 0; s < state_count; ++s) {
      if ((old.dense_row[s] != kSparse) != dense || (old.first_output[s] != 0) != output) continue;
      renumbered[s] = static_cast<State>(order.size());
      order.push_back(static_cast<State>(s));
    }
    return static_cast<uint32_t>(order.size());
  };
  const uint32_t output_begin = number_group(true, false);
  dense_states_ = number_group(true, true);
  const uint32_t output_end = number_group(false, true);
  number_group(false, false);
  const auto renumber = [&renumbered](State s) { return renumbered[s]; };
  const std::vector<State> id_of = state_ids(order);
  const auto id = [&](State s) { return id_of[renumbered[s]]; };

  auto built = std::make_shared<Built>();
  std::copy(std::begin(old.byte_class), std::end(old.byte_class), std::begin(built->byte_class));
  const size_t row = class_count_;
  built->dense.assign(dense_states_ * row, 0);
  built->dense_row.assign(state_count, kSparse);
  built->sparse.reserve(id_of[state_count] - id_of[dense_states_]);
  built->ends_begin.reserve(state_count + 1);
  for (size_t n = 0; n < state_count; ++n) {
    const State s = order[n];
    if (n < dense_states_) {
      built->dense_row[n] = static_cast<uint32_t>(n * row);
      const auto from = old.dense.begin() + old.dense_row[s];
      const auto to = built->dense.begin() + static_cast<std::ptrdiff_t>(n * row);
      std::transform(from, from + static_cast<std::ptrdiff_t>(class_count_), to, id);
    } else {
      if (old.first_output[s] != 0) built->sparse.push_back(static_cast<uint32_t>(n));  // for state_of()
      const uint32_t first_edge = old.edge_begin[s], edges_end = old.edge_begin[s + 1];
      uint32_t classes = 0;
      for (uint32_t e = first_edge; e < edges_end; ++e) {
        classes |= uint32_t{old.edge_class[e]} << (8 * (e - first_edge));
      }
      built->sparse.insert(built->sparse.end(), {id(old.failure[s]), classes});
      for (uint32_t e = first_edge; e < edges_end; ++e) built->sparse.push_back(id(old.edge_target[e]));
    }
    built->output_link.push_back(renumber(old.output_link[s]));
    built->first_output.push_back(renumber(old.first_output[s]));
    built->ends_begin.push_back(static_cast<uint32_t>(built->ends.size()));
    const auto ends = old.ends.begin() + old.ends_begin[s];
    built->ends.insert(built->ends.end(), ends, ends + (old.ends_begin[s + 1] - old.ends_begin[s]));
  }
  built->ends_begin.push_back(static_cast<uint32_t>(built->ends.size()));
  built->output_begin = id_of[output_begin];
  built->output_end = id_of[output_end];
  built_ = std::move(built);
}

void PhraseMatcher::narrow_to_dfa() {
  Built& b = *built_;
  const size_t state_count = b.dense_row.size();
  const size_t stride = dfa_stride(class_count_);
  const auto narrow = [&](State id) { return static_cast<State>(id / class_count_ * (stride / kDfaIdUnit)); };
  b.dfa.assign(state_count * stride, 0);  // fits_a_dfa(): every id fits in a uint16_t
  for (size_t n = 0; n < state_count; ++n) {
    b.dense_row[n] = static_cast<uint32_t>(n * stride);
    for (size_t c = 0; c < class_count_; ++c) {
      b.dfa[n * stride + c] = static_cast<uint16_t>(narrow(b.dense[n * class_count_ + c]));
    }
  }
  b.dense = {};
  b.output_begin = narrow(b.output_begin);
  b.output_end = narrow(b.output_end);
}

std::vector<PhraseMatcher::State> PhraseMatcher::state_ids(const std::vector<State>& order) const {
  const Built& old = *built_;
  std::vector<State> id_of(order.size() + 1);
  State next_record = static_cast<State>(dense_states_ * class_count_);
  for (size_t n = 0; n < order.size(); ++n) {
    if (n < dense_states_) {
      id_of[n] = static_cast<State>(n * class_count_);
    } else {
      const State number_word = old.first_output[order[n]] != 0 ? 1 : 0;  // before the record: see sparse
      const State edge_count = old.edge_begin[order[n] + 1] - old.edge_begin[order[n]];
      id_of[n] = next_record + number_word;
      next_record += number_word + static_cast<State>(kRecordTargets) + edge_count;
    }
  }
  id_of[order.size()] = next_record;
  return id_of;
}

// Only where the dense states end is checked: reading all 20,000 rows of the reply automaton
// cost more at start-up than a small mailbox saves.
std::optional<size_t> PhraseMatcher::leading_dense_states(const Tables& t) {
  if (t.class_count == 0) return std::nullopt;
  const size_t dense_states = t.dense.size() / t.class_count;
  if (dense_states == 0 || dense_states > t.dense_row.size() || t.dense.size() != dense_states * t.class_count) {
    return std::nullopt;
  }
  const bool last_dense_in_place = t.dense_row[dense_states - 1] == (dense_states - 1) * t.class_count;
  const bool then_sparse = dense_states == t.dense_row.size() || t.dense_row[dense_states] == kSparse;
  if (!last_dense_in_place || !then_sparse) return std::nullopt;
  return dense_states;
}

bool PhraseMatcher::laid_out_as_dfa(const Tables& t) {
  const size_t stride = dfa_stride(t.class_count);
  const size_t state_count = t.dense_row.size();
  return t.dense.empty() && t.sparse.empty() && state_count != 0 && t.dfa.size() == state_count * stride &&
         fits_a_dfa(state_count, t.class_count) && t.dense_row.back() == (state_count - 1) * stride &&
         t.output_end <= state_count * (stride / kDfaIdUnit);
}

PhraseMatcher PhraseMatcher::from_tables(const Tables& t) {
  PhraseMatcher m(t.spacing);
  if (t.byte_class.size() != sizeof(Built::byte_class) || t.class_count == 0 || t.output_begin > t.output_end) {
    return m;  // not tables compile() wrote
  }
  std::optional<size_t> dense_states;
  if (!t.dfa.empty()) {
    if (laid_out_as_dfa(t)) dense_states = t.dense_row.size();
  } else if (std::optional<size_t> leading = leading_dense_states(t)) {
    // Without dfa a state without a row (a leaf at least) must follow.
    if (*leading < t.dense_row.size() && t.output_end <= *leading * t.class_count + t.sparse.size()) {
      dense_states = leading;
    }
  }
  if (!dense_states) return m;
  m.compiled_ = true;
  m.phrase_count_ = t.phrase_count;
  m.space_class_ = t.space_class;
  m.class_count_ = t.class_count;
  m.view_ = t;
  m.dense_states_ = *dense_states;
  m.dense_only_ = m.dense_states_ == t.dense_row.size();
  m.set_scan_ids();
  return m;
}

std::vector<PhraseMatcher::Match> PhraseMatcher::match(std::string_view text) const {
  std::vector<Match> found;
  match(text, [&found](size_t index, size_t end) { found.push_back(Match{index, end}); });
  return found;
}

}  // namespace bounceback::classify
