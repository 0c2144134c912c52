// Finding many literal phrases in one pass over a text: an Aho–Corasick automaton over byte
// classes (the shape of RE2::Set: add, compile, match). A large automaton keeps most edges sparse
// and falls back along failure links while matching, so compiling is about linear in the phrases'
// length: a dense DFA over ~1,100 rules cost 30 M instructions at start-up, more than decoding a
// small mailbox. A small one (a few dozen phrases) is a dense DFA all the same.
#pragma once

#include <array>
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
    std::span<const uint32_t> dense_row, dense;
    // A DFA's rows instead of dense (which is then empty), dfa_stride() entries each.
    std::span<const uint16_t> dfa;
    // A record for each state without a dense row, in order: its failure state's id, its edges'
    // classes (one per byte, low byte first, 0 past the last edge), then their target ids; where
    // phrases end, the state's number before it. Reading a byte there then touches one place in
    // memory, not four arrays.
    std::span<const uint32_t> sparse;
    std::span<const uint32_t> ends_begin, ends, output_link, first_output;
    // The ids of the states where phrases end (first_output not 0): they are numbered together, so
    // that telling whether the scan reached one is a comparison rather than a load.
    uint32_t output_begin = 0, output_end = 0;
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
  // Numbers the states with a dense row first, and those where phrases end together (the last
  // dense ones, then the first sparse ones), keeping their order otherwise; transitions then name
  // states by id.
  void number_states_for_scanning();
  // The id of each state by its new number (`order`: the old number of each), then the first id
  // past them all.
  std::vector<State> state_ids(const std::vector<State>& order) const;
  // How many states lead with a resolved row of their own, at state * class_count in dense, the
  // others having none; nullopt when the tables are plainly not laid out so.
  static std::optional<size_t> leading_dense_states(const Tables& tables);
  // Whether the tables are a DFA's as narrow_to_dfa() lays them out (not whether they are sound).
  static bool laid_out_as_dfa(const Tables& tables);
  // Rewrites a DFA's dense table as dfa (dense_row then points there).
  void narrow_to_dfa();
  // While compiling: the state after `state` reads a byte of `byte_class`.
  State step_while_building(State state, uint8_t byte_class) const;
  State child_while_building(State state, uint8_t byte_class) const;  // kNoChild: no such edge

  // Where a scan stands between two states with phrases ending in them.
  struct ScanPoint {
    size_t next = 0;  // the offset of the next byte to read
    State id = 0;
    bool after_space = false;
  };
  // The scan itself, for each shape of automaton; `step` reads one byte class.
  template <bool kFoldSpace, typename Step, typename OnMatch>
  void scan(std::string_view text, const Step& step, OnMatch& on_match) const;
  // Reads on from `at` up to the first state where phrases end (true) or the end of the text (false;
  // `at` then stands there).
  template <bool kFoldSpace, typename Step>
  bool next_output(std::string_view text, const Step& step, ScanPoint& at) const;

  // A scan is a chain of dependent loads, one per byte, which leaves the processor idle most of
  // the time: several scans of one text, each from the start of its part, run at once in about the
  // time of one. All but the first start from the root; each reads as a single scan would from
  // where the scan of the part before, going on past its part, gets in step with it: a few bytes
  // further at most times, at the latest when it has read as many as the longest phrase holds.
  // Only a DFA's scans are split: the rule automaton's, whose steps branch along failure links
  // over texts of about 120 bytes, made the 200 MB mbox 2 % slower so.
  static constexpr size_t kScansAtOnce = 4;
  static constexpr size_t kShortestSplitText = 32 * kScansAtOnce;
  using ScanPoints = std::array<ScanPoint, kScansAtOnce>;
  // Reports every match up to where the last part's scan gets in step and returns where the scan
  // that goes on stands, every match before it reported.
  template <bool kFoldSpace, typename Step, typename OnMatch>
  ScanPoint scan_parts(std::string_view text, const Step& step, OnMatch& on_match) const;
  // Reads on from `behind`, in the state a single scan would be in, reporting its matches, and
  // alongside it a scan started from the root there, until both are in the same state (true) or
  // `behind` reaches the end of the text (false).
  template <bool kFoldSpace, typename Step, typename OnMatch>
  bool catch_up(std::string_view text, const Step& step, ScanPoint& behind, OnMatch& on_match) const;
  // Reads the byte at at.next; true when it leads to a state where phrases end.
  template <bool kFoldSpace, typename Step>
  bool read_byte(std::string_view text, const Step& step, ScanPoint& at) const;
  // Reads on in every scan, byte for byte, until some reach a state where phrases end (bit k of
  // the result set for scans[k]) or the first reaches first_end (0); each keeps its distance
  // from the first.
  template <bool kFoldSpace, typename Step>
  unsigned next_outputs_at_once(std::string_view text, size_t first_end, const Step& step, ScanPoints& scans) const;
  template <typename OnMatch>
  void report(State id, size_t end, OnMatch& on_match) const;
  // Sets the ids a scan compares a state's with: whether it has a row, whether phrases end there.
  void set_scan_ids();

  static constexpr State kNoChild = ~State{0};

  Spacing spacing_;
  std::vector<std::string> phrases_;  // normalised: lower case (and single spaces when folded)
  size_t phrase_count_ = 0;
  bool compiled_ = false;
  // The tables a compiled matcher reads: built_ below, or the constexpr data it was made from.
  Tables view_;
  // A small automaton is a DFA outright: reading a byte is one lookup in its state's row.
  bool dense_only_ = false;
  // States below this one have a dense row (number_states_for_scanning): whether a state has one is
  // then a comparison of its id rather than a load.
  size_t dense_states_ = 0;
  // Phrases end in a state when its id minus output_first_id_ is below output_id_span_ (unsigned).
  State output_first_id_ = 0;
  State output_id_span_ = 0;

  // Transitions hold a state's id: where its row starts in dense (its number * class_count), or for
  // a state without one, dense_ids_ plus where its record starts in sparse. A step is then one
  // addition and one load, with no shift or multiplication, so rows need no padding to a power of
  // two.
  static constexpr size_t kRecordFailure = 0, kRecordClasses = 1, kRecordTargets = 2;
  State dense_ids_ = 0;  // dense_states_ * row_unit_
  State row_unit_ = 1;   // ids per dense state: class_count, or a DFA's dfa_stride() / kDfaIdUnit
  State state_of(State id) const;

  // A DFA holds 16-bit ids: where a state's row starts in dfa, in units of kDfaIdUnit entries. A
  // step is still one address computation (id * 8 + class: one lea) and one load, from a table
  // half as large: the claim automaton's, 1 MiB of uint32_t, drew a fifth of the corpus run's L1
  // misses (narrower ids from which the scan computed a row with a multiplication were slower).
  // Rows are whole cache lines (the generated tables are aligned to one), and the most frequent
  // classes come first (assign_byte_classes): most steps read the first line of a row.
  static constexpr size_t kDfaIdUnit = 8;
  static constexpr size_t kDfaIds = size_t{1} << 16;
  static constexpr size_t kDfaLineEntries = 64 / sizeof(uint16_t);
  static size_t dfa_stride(size_t class_count) {
    return (class_count + kDfaLineEntries - 1) / kDfaLineEntries * kDfaLineEntries;
  }

  uint8_t space_class_ = 0;  // the class of every white-space byte; 0 when no phrase has a space
  size_t class_count_ = 1;   // class 0: bytes that occur in no phrase

  // States with many children (the root, the first letters) keep a row of transitions, one per
  // class, in dense; the others list their edges. Rows from 3 children on made the 200 MB mbox
  // about 1 % faster than from 4 (the rule automaton: 99 -> 190 rows of 0.5 KiB).
  static constexpr uint32_t kSparse = ~uint32_t{0};
  static constexpr uint32_t kDenseFanOut = 3;
  // A sparse record holds the classes of its edges in one word: a chain's state (one edge) takes
  // 12 bytes, where a class and a count of their own took 20, and the rule automaton's records
  // 260 KiB instead of 420.
  static constexpr size_t kMostSparseEdges = kDenseFanOut - 1;
  static_assert(kMostSparseEdges <= sizeof(uint32_t));
  // A DFA outright while its ids fit in 16 bits, up to 1 MiB of transitions: the claim phrases
  // (3,081 states, 87 classes: 36,972 ids) are one with room to grow; the rules (21,800 states,
  // 129 classes) keep sparse edges.
  static bool fits_a_dfa(size_t state_count, size_t class_count) {
    return state_count * (dfa_stride(class_count) / kDfaIdUnit) <= kDfaIds;
  }
  // What compile() builds (view_ then points here). Shared by copies and never changed after
  // compile(), so copying or moving a matcher keeps view_ valid.
  struct Built {
    uint8_t byte_class[256] = {};
    std::vector<uint32_t> dense_row;   // per state: offset of its row in dense (dfa), or kSparse
    std::vector<State> dense;          // kNoChild where the trie has no edge (while compiling)
    std::vector<uint16_t> dfa;
    // While compiling, and by state number: sparse holds them in the end.
    std::vector<uint32_t> edge_begin;  // edges of state s: [edge_begin[s], edge_begin[s + 1])
    std::vector<uint8_t> edge_class;   // a handful per state, in no order
    std::vector<State> edge_target;
    std::vector<State> failure;
    std::vector<uint32_t> sparse;
    // Phrases ending at state s: its own, ends[ends_begin[s] .. ends_begin[s + 1]), then those
    // of output_link[s] (the nearest failure state with phrases of its own; 0 for none), and on.
    std::vector<uint32_t> ends_begin;
    std::vector<uint32_t> ends;
    std::vector<State> output_link;
    std::vector<State> first_output;  // s itself when phrases end there, else output_link[s]
    uint32_t output_begin = 0, output_end = 0;
  };
  std::shared_ptr<Built> built_;
};

inline PhraseMatcher::State PhraseMatcher::state_of(State id) const {
  return id < dense_ids_ ? static_cast<State>(id / row_unit_) : view_.sparse[id - dense_ids_ - 1];
}

template <typename OnMatch>
void PhraseMatcher::report(State id, size_t end, OnMatch& on_match) const {
  for (State s = view_.first_output[state_of(id)]; s != 0; s = view_.output_link[s]) {
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
  const uint8_t space_class = view_.space_class;
  const State output_first_id = output_first_id_;
  const State output_id_span = output_id_span_;
  State id = at.id;
  bool after_space = at.after_space;
  for (size_t i = at.next; i < text.size(); ++i) {
    const uint8_t c = byte_class[static_cast<unsigned char>(text[i])];
    if constexpr (kFoldSpace) {
      const bool is_space = c == space_class;
      if (is_space && after_space) continue;  // the rest of a white-space run
      after_space = is_space;
    }
    id = step(id, c);
    if (id - output_first_id < output_id_span) {
      at = ScanPoint{i + 1, id, after_space};
      return true;
    }
  }
  at = ScanPoint{text.size(), id, after_space};
  return false;
}

template <bool kFoldSpace, typename Step>
[[gnu::noinline]] unsigned PhraseMatcher::next_outputs_at_once(std::string_view text, size_t first_end,
                                                               const Step& step, ScanPoints& scans) const {
  const uint8_t* const byte_class = view_.byte_class.data();
  const uint8_t space_class = view_.space_class;
  const State output_first_id = output_first_id_;
  const State output_id_span = output_id_span_;
  std::array<size_t, kScansAtOnce> distance;
  std::array<size_t, kScansAtOnce> id;  // States as wide as an address: GCC packed uint32_t ones in SSE each byte
  std::array<bool, kScansAtOnce> after_space;
  for (size_t k = 0; k < kScansAtOnce; ++k) {
    distance[k] = scans[k].next - scans[0].next;
    id[k] = scans[k].id;
    after_space[k] = scans[k].after_space;
  }
  size_t i = scans[0].next;
  unsigned stopped = 0;
  for (; i < first_end && stopped == 0; ++i) {
    for (size_t k = 0; k < kScansAtOnce; ++k) {
      const uint8_t c = byte_class[static_cast<unsigned char>(text[i + distance[k]])];
      // A byte that continues a white-space run leaves a scan where it is, and where it already was.
      bool moved = true;
      if constexpr (kFoldSpace) {
        moved = c != space_class || !after_space[k];
        after_space[k] = c == space_class;
      }
      if (moved) id[k] = step(id[k], c);
      if (moved && static_cast<State>(id[k]) - output_first_id < output_id_span) stopped |= 1u << k;
    }
  }
  for (size_t k = 0; k < kScansAtOnce; ++k) {
    scans[k] = ScanPoint{i + distance[k], static_cast<State>(id[k]), after_space[k]};
  }
  return stopped;
}

template <bool kFoldSpace, typename Step>
bool PhraseMatcher::read_byte(std::string_view text, const Step& step, ScanPoint& at) const {
  const uint8_t c = view_.byte_class[static_cast<unsigned char>(text[at.next++])];
  if constexpr (kFoldSpace) {
    const bool continues_run = c == view_.space_class && at.after_space;
    at.after_space = c == view_.space_class;
    if (continues_run) return false;
  }
  at.id = step(at.id, c);
  return at.id - output_first_id_ < output_id_span_;
}

template <bool kFoldSpace, typename Step, typename OnMatch>
bool PhraseMatcher::catch_up(std::string_view text, const Step& step, ScanPoint& behind, OnMatch& on_match) const {
  ScanPoint fresh{behind.next, 0, false};
  while (behind.id != fresh.id || behind.after_space != fresh.after_space) {
    if (behind.next == text.size()) return false;
    if (read_byte<kFoldSpace>(text, step, behind)) report(behind.id, behind.next, on_match);
    read_byte<kFoldSpace>(text, step, fresh);
  }
  return true;
}

template <bool kFoldSpace, typename Step, typename OnMatch>
PhraseMatcher::ScanPoint PhraseMatcher::scan_parts(std::string_view text, const Step& step, OnMatch& on_match) const {
  const size_t part = text.size() / kScansAtOnce;
  ScanPoints scans;
  for (size_t k = 0; k < kScansAtOnce; ++k) scans[k] = ScanPoint{k * part, 0, false};
  // Matches of the later scans wait here until the scan before has got in step; when one is
  // full, each scan goes on alone to the end of its part.
  constexpr size_t kHeld = 16;
  std::array<std::array<ScanPoint, kHeld>, kScansAtOnce> held;
  std::array<size_t, kScansAtOnce> held_count{};
  for (bool room = true; room;) {
    const unsigned stopped = next_outputs_at_once<kFoldSpace>(text, part, step, scans);
    if (stopped == 0) break;
    if ((stopped & 1u) != 0) report(scans[0].id, scans[0].next, on_match);
    for (size_t k = 1; k < kScansAtOnce; ++k) {
      if ((stopped & (1u << k)) != 0) held[k][held_count[k]++] = scans[k];
      room = room && held_count[k] < kHeld;
    }
  }
  ScanPoint at = scans[0];
  for (size_t k = 1; k < kScansAtOnce; ++k) {
    while (next_output<kFoldSpace>(text.substr(0, k * part), step, at)) report(at.id, at.next, on_match);
    // Not in step before where scan k stands: `at` has read as far, reporting all.
    if (!catch_up<kFoldSpace>(text.substr(0, scans[k].next), step, at, on_match)) continue;
    // From at.next on, scan k reads as `at` would: its matches before are at's.
    for (size_t h = 0; h < held_count[k]; ++h) {
      if (held[k][h].next > at.next) report(held[k][h].id, held[k][h].next, on_match);
    }
    at = scans[k];
  }
  return at;
}

template <bool kFoldSpace, typename Step, typename OnMatch>
void PhraseMatcher::scan(std::string_view text, const Step& step, OnMatch& on_match) const {
  ScanPoint at;
  if (dense_only_ && text.size() >= kShortestSplitText) at = scan_parts<kFoldSpace>(text, step, on_match);
  while (next_output<kFoldSpace>(text, step, at)) report(at.id, at.next, on_match);
}

template <typename OnMatch>
void PhraseMatcher::match(std::string_view text, OnMatch&& on_match) const {
  if (!compiled_ || phrase_count_ == 0) return;
  const bool fold_space = view_.space_class != 0;
  if (dense_only_) {
    // Every row is resolved: no failure links to follow, and a state's id tells where its row starts.
    const uint16_t* const dfa = view_.dfa.data();
    const auto step = [dfa](size_t id, uint8_t c) { return State{dfa[id * kDfaIdUnit + c]}; };
    if (fold_space) {
      scan<true>(text, step, on_match);
    } else {
      scan<false>(text, step, on_match);
    }
    return;
  }
  // The root has a dense row, so following failure links ends at one at the latest.
  const auto step = [dense_ids = dense_ids_, dense = view_.dense.data(), sparse = view_.sparse.data()](size_t id,
                                                                                                   uint8_t c) {
    if (c == 0) return State{0};  // a byte no phrase holds leads back to the root from anywhere
    for (;;) {
      if (id < dense_ids) return dense[id + c];  // rows are resolved
      const uint32_t* const record = sparse + (id - dense_ids);
      const uint32_t classes = record[kRecordClasses];
      for (size_t k = 0; k < kMostSparseEdges; ++k) {
        if (((classes >> (8 * k)) & 0xffu) == c) return record[kRecordTargets + k];  // c != 0: never past the last
      }
      id = record[kRecordFailure];
    }
  };
  if (fold_space) {
    scan<true>(text, step, on_match);
  } else {
    scan<false>(text, step, on_match);
  }
}

}  // namespace bounceback::classify
