// Finding many literal phrases in one pass over a text: an Aho–Corasick automaton over byte
// classes (the shape of RE2::Set: add, compile, match). A large automaton keeps most edges sparse
// and falls back along failure links while matching, so compiling is about linear in the phrases'
// length: a dense DFA over ~1,100 rules cost 30 M instructions at start-up, more than decoding a
// small mailbox. A small one (a few dozen phrases) is a dense DFA all the same.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
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
  // Views into this matcher (or into the tables it was made from), valid while it lives.
  // REQUIRES: compiled().
  Tables tables() const { return view_; }
  // A compiled matcher that reads `tables` in place (add() fails on it): they must outlive it, as
  // the constexpr tables of generated_automata.h do. Tables without a class for every byte give
  // a matcher that is not compiled.
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
  // Points view_ at this matcher's own vectors (after compiling, copying or moving).
  void view_own_tables();
  // Numbers the states with a dense row first, keeping their order otherwise.
  void put_dense_states_first();
  // How many states lead with a resolved row of their own, at state << row_shift(class_count) in
  // dense, the others having none; nullopt when the tables are plainly not laid out so.
  static std::optional<size_t> leading_dense_states(const Tables& tables);
  // While compiling: the state after `state` reads a byte of `byte_class`.
  State step_while_building(State state, uint8_t byte_class) const;
  State child_while_building(State state, uint8_t byte_class) const;  // kNoChild: no such edge

  // Where a scan stands between two states with phrases ending in them.
  struct ScanPoint {
    size_t next = 0;  // the offset of the next byte to read
    State state = 0;
    bool after_space = false;
  };
  // The scan itself, for each shape of automaton; `step` reads one byte class.
  template <bool kFoldSpace, typename Step, typename OnMatch>
  void scan(std::string_view text, const Step& step, OnMatch& on_match) const;
  // Reads on from `at` up to the first state where phrases end (true) or the end of the text.
  template <bool kFoldSpace, typename Step>
  bool next_output(std::string_view text, const Step& step, ScanPoint& at) const;
  template <typename OnMatch>
  void report(State state, size_t end, OnMatch& on_match) const;

  static constexpr State kNoChild = ~State{0};

  Spacing spacing_;
  std::vector<std::string> phrases_;  // normalised: lower case (and single spaces when folded)
  size_t phrase_count_ = 0;
  bool compiled_ = false;
  // The tables a compiled matcher reads: built_ below, or the constexpr data it was made from.
  Tables view_;
  // A small automaton is a DFA outright: reading a byte is one lookup in its state's row.
  bool dense_only_ = false;
  // States below this one have a dense row (put_dense_states_first): whether a state has one is
  // then a comparison rather than a load, and where it is a shift.
  size_t dense_states_ = 0;

  // Rows in dense are a power of two long (the classes, then padding that is never read): finding a
  // state's row is then a shift, and a DFA's scan, one dependent load per byte, runs about a fifth
  // faster than with rows of class_count entries and a multiplication (measured on the claim
  // automaton over the shared corpus; narrower uint16_t states were slower, not faster).
  static size_t row_shift(size_t class_count) { return static_cast<size_t>(std::bit_width(class_count - 1)); }
  static size_t row_length(size_t class_count) { return size_t{1} << row_shift(class_count); }

  uint8_t space_class_ = 0;  // the class of every white-space byte; 0 when no phrase has a space
  size_t class_count_ = 1;   // class 0: bytes that occur in no phrase

  // States with many children (the root, the first letters) keep a row of transitions, one per
  // class, in dense; the others list their edges.
  static constexpr uint32_t kSparse = ~uint32_t{0};
  static constexpr uint32_t kDenseFanOut = 4;
  // A DFA outright up to 4 MiB of transitions: the claim phrases (3,000 states, 87 classes in rows
  // of 128) are one with room to grow; the rules (20,000 states, 126 classes) keep sparse edges.
  static constexpr size_t kDenseTableLimit = size_t{1} << 20;
  // What compile() builds (view_ then points here). Shared by copies and never changed after
  // compile(), so copying or moving a matcher keeps view_ valid.
  struct Built {
    uint8_t byte_class[256] = {};
    std::vector<uint32_t> dense_row;   // per state: offset of its row in dense, or kSparse
    std::vector<State> dense;          // kNoChild where the trie has no edge
    std::vector<uint32_t> edge_begin;  // edges of state s: [edge_begin[s], edge_begin[s + 1])
    std::vector<uint8_t> edge_class;   // a handful per state, in no order
    std::vector<State> edge_target;
    std::vector<State> failure;
    // Phrases ending at state s: its own, ends[ends_begin[s] .. ends_begin[s + 1]), then those
    // of output_link[s] (the nearest failure state with phrases of its own; 0 for none), and on.
    std::vector<uint32_t> ends_begin;
    std::vector<uint32_t> ends;
    std::vector<State> output_link;
    std::vector<State> first_output;  // s itself when phrases end there, else output_link[s]
  };
  std::shared_ptr<Built> built_;
};

template <typename OnMatch>
void PhraseMatcher::report(State state, size_t end, OnMatch& on_match) const {
  for (State s = view_.first_output[state]; s != 0; s = view_.output_link[s]) {
    for (uint32_t k = view_.ends_begin[s]; k < view_.ends_begin[s + 1]; ++k) {
      on_match(static_cast<size_t>(view_.ends[k]), end);
    }
  }
}

// The loop every match runs, apart from reporting (matches are few). With no call inside it, and
// kept out of the caller, whose on_match may be large, the compiler keeps the scan's state and the
// tables in registers: inlined into classify() it spilled them, and a byte cost a sixth more.
template <bool kFoldSpace, typename Step>
[[gnu::noinline]] bool PhraseMatcher::next_output(std::string_view text, const Step& step, ScanPoint& at) const {
  const uint8_t* const byte_class = view_.byte_class.data();
  const State* const first_output = view_.first_output.data();
  const uint8_t space_class = view_.space_class;
  State state = at.state;
  bool after_space = at.after_space;
  for (size_t i = at.next; i < text.size(); ++i) {
    const uint8_t c = byte_class[static_cast<unsigned char>(text[i])];
    if constexpr (kFoldSpace) {
      const bool is_space = c == space_class;
      if (is_space && after_space) continue;  // the rest of a white-space run
      after_space = is_space;
    }
    state = step(state, c);
    if (first_output[state] != 0) {
      at = ScanPoint{i + 1, state, after_space};
      return true;
    }
  }
  return false;
}

template <bool kFoldSpace, typename Step, typename OnMatch>
void PhraseMatcher::scan(std::string_view text, const Step& step, OnMatch& on_match) const {
  ScanPoint at;
  while (next_output<kFoldSpace>(text, step, at)) report(at.state, at.next, on_match);
}

template <typename OnMatch>
void PhraseMatcher::match(std::string_view text, OnMatch&& on_match) const {
  if (!compiled_ || phrase_count_ == 0) return;
  const bool fold_space = view_.space_class != 0;
  if (dense_only_) {
    // Every row is resolved: no failure links to follow, and state s's row is at s << row_shift.
    const State* const dense = view_.dense.data();
    const size_t shift = row_shift(view_.class_count);
    const auto step = [dense, shift](State state, uint8_t c) { return dense[(size_t{state} << shift) + c]; };
    if (fold_space) {
      scan<true>(text, step, on_match);
    } else {
      scan<false>(text, step, on_match);
    }
    return;
  }
  // The root has a dense row, so following failure links ends at one at the latest.
  const auto step = [dense_states = dense_states_, shift = row_shift(view_.class_count), dense = view_.dense.data(),
                     edge_begin = view_.edge_begin.data(), edge_class = view_.edge_class.data(),
                     edge_target = view_.edge_target.data(), failure = view_.failure.data()](State state, uint8_t c) {
    if (c == 0) return State{0};  // a byte no phrase holds leads back to the root from anywhere
    for (;; state = failure[state]) {
      if (state < dense_states) return dense[(size_t{state} << shift) + c];  // rows are resolved
      for (uint32_t e = edge_begin[state]; e < edge_begin[state + 1]; ++e) {
        if (edge_class[e] == c) return edge_target[e];
      }
    }
  };
  if (fold_space) {
    scan<true>(text, step, on_match);
  } else {
    scan<false>(text, step, on_match);
  }
}

}  // namespace bounceback::classify
