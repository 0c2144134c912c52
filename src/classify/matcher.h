// Finding many literal phrases in one pass over a text: an Aho–Corasick automaton over byte
// classes (the shape of RE2::Set: add, compile, match). A large automaton keeps most edges sparse
// and falls back along failure links while matching, so compiling is about linear in the phrases'
// length: a dense DFA over ~1,100 rules cost 30 M instructions at start-up, more than decoding a
// small mailbox. A small one (a few dozen phrases) is a dense DFA all the same.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "bounceback/result.h"

namespace bounceback::classify {

// Matching ignores ASCII case and, with Spacing::kFolded, treats every run of white space as one
// space, in the phrases as in the text, so "Mailbox  is\r\n FULL" contains "mailbox is full";
// with Spacing::kExact it finds what util::icontains finds. Add every phrase, compile() once,
// then match() from any number of threads: a compiled matcher is never modified.
enum class Spacing { kFolded, kExact };

class PhraseMatcher {
 public:
  explicit PhraseMatcher(Spacing spacing = Spacing::kFolded) : spacing_(spacing) {}

  struct Match {
    size_t index;  // as returned by add()
    size_t end;    // offset in the text one past the last byte of the occurrence
    bool operator==(const Match&) const = default;
  };

  // The index of the new phrase; kInvalidArgument for a phrase of only white space or a call
  // after compile().
  Result<size_t> add(std::string_view phrase);

  // Builds the automaton; add() fails from now on. Compiling twice does nothing.
  void compile();

  bool compiled() const { return compiled_; }
  size_t size() const { return phrase_count_; }

  // A compiled automaton as plain arrays: what gen_automata writes out as constexpr data at build
  // time, so that the large rule automaton costs no compiling at start-up.
  struct Tables {
    Spacing spacing = Spacing::kFolded;
    size_t phrase_count = 0;
    std::span<const uint8_t> byte_class;  // 256 entries
    uint8_t space_class = 0;
    size_t class_count = 0;
    std::span<const uint32_t> dense_row, dense, edge_begin;
    std::span<const uint8_t> edge_class;
    std::span<const uint32_t> edge_target, failure, ends_begin, ends, output_link, first_output;
  };
  // Views into this matcher, valid while it lives. REQUIRES: compiled().
  Tables tables() const;
  // A compiled matcher with a copy of the tables (add() fails on it).
  static PhraseMatcher from_tables(const Tables& tables);

  // Calls on_match(index, end) for every occurrence of every phrase, in order of end offset
  // (phrases ending at the same byte in order of decreasing length). Nothing before compile().
  template <typename OnMatch>
  void match(std::string_view text, OnMatch&& on_match) const;

  std::vector<Match> match(std::string_view text) const;

 private:
  using State = uint32_t;
  // The trie while it is built: children as sibling lists.
  struct TrieNode {
    State first_child = 0;  // 0: none (the root is never a child)
    State next_sibling = 0;
    uint8_t byte_class = 0;
  };

  void assign_byte_classes();
  // Returns the trie; `ends_at` gets, per node, the phrases that end exactly there.
  std::vector<TrieNode> build_trie(std::vector<std::vector<uint32_t>>& ends_at) const;
  // Links each state to its failure state (the longest proper suffix of its path that is also in
  // the trie) and to the nearest one where phrases end, breadth first.
  void link_failures(const std::vector<TrieNode>& trie, const std::vector<std::vector<uint32_t>>& ends_at);
  void lay_out_edges(const std::vector<TrieNode>& trie);
  void resolve_dense_row(State state);
  // The state after `state` reads a byte of `byte_class`.
  State step(State state, uint8_t byte_class) const;
  State child(State state, uint8_t byte_class) const;  // kNoChild when the trie has no such edge

  static constexpr State kNoChild = ~State{0};

  Spacing spacing_;
  std::vector<std::string> phrases_;  // normalised: lower case (and single spaces when folded)
  size_t phrase_count_ = 0;
  bool compiled_ = false;

  uint8_t byte_class_[256] = {};
  uint8_t space_class_ = 0;  // the class of every white-space byte; 0 when no phrase has a space
  size_t class_count_ = 1;   // class 0: bytes that occur in no phrase

  // States with many children (the root, the first letters) keep a row of transitions, one per
  // class, in dense_; the others list their edges.
  static constexpr uint32_t kSparse = ~uint32_t{0};
  static constexpr uint32_t kDenseFanOut = 8;
  static constexpr size_t kDenseTableLimit = size_t{1} << 18;  // transitions: 1 MiB
  std::vector<uint32_t> dense_row_;      // per state: offset of its row in dense_, or kSparse
  std::vector<State> dense_;             // kNoChild where the trie has no edge
  std::vector<uint32_t> edge_begin_;     // edges of state s: [edge_begin_[s], edge_begin_[s + 1])
  std::vector<uint8_t> edge_class_;      // a handful per state, in no order
  std::vector<State> edge_target_;
  std::vector<State> failure_;
  // Phrases ending at state s: its own, ends_[ends_begin_[s] .. ends_begin_[s + 1]), then those
  // of output_link_[s] (the nearest failure state with phrases of its own; 0 for none), and on.
  std::vector<uint32_t> ends_begin_;
  std::vector<uint32_t> ends_;
  std::vector<State> output_link_;
  std::vector<State> first_output_;  // s itself when phrases end there, else output_link_[s]
};

inline PhraseMatcher::State PhraseMatcher::child(State state, uint8_t byte_class) const {
  if (dense_row_[state] != kSparse) return dense_[dense_row_[state] + byte_class];
  for (uint32_t e = edge_begin_[state]; e < edge_begin_[state + 1]; ++e) {
    if (edge_class_[e] == byte_class) return edge_target_[e];
  }
  return kNoChild;
}

inline PhraseMatcher::State PhraseMatcher::step(State state, uint8_t byte_class) const {
  if (byte_class == 0) return 0;  // a byte no phrase holds leads back to the root from anywhere
  for (;; state = failure_[state]) {
    const State next = child(state, byte_class);
    if (next != kNoChild) return next;
    if (state == 0) return 0;
  }
}

template <typename OnMatch>
void PhraseMatcher::match(std::string_view text, OnMatch&& on_match) const {
  if (!compiled_ || phrase_count_ == 0) return;
  State state = 0;
  bool after_space = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const uint8_t byte_class = byte_class_[static_cast<unsigned char>(text[i])];
    const bool is_space = space_class_ != 0 && byte_class == space_class_;
    if (is_space && after_space) continue;  // the rest of a white-space run
    after_space = is_space;
    state = step(state, byte_class);
    for (State s = first_output_[state]; s != 0; s = output_link_[s]) {
      for (uint32_t k = ends_begin_[s]; k < ends_begin_[s + 1]; ++k) on_match(static_cast<size_t>(ends_[k]), i + 1);
    }
  }
}

}  // namespace bounceback::classify
