// Finding many literal phrases in one pass over a text: an Aho–Corasick automaton compiled to a
// dense DFA over byte classes (the shape of RE2::Set: add, compile, match).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "bounceback/result.h"

namespace bounceback::classify {

// Matching ignores ASCII case and treats every run of white space as one space, in the phrases as
// in the text, so "Mailbox  is\r\n FULL" contains "mailbox is full". Add every phrase, compile()
// once, then match() from any number of threads: a compiled matcher is never modified.
class PhraseMatcher {
 public:
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
  size_t size() const { return phrases_.size(); }

  // Calls on_match(index, end) for every occurrence of every phrase, in order of end offset
  // (phrases ending at the same byte in order of decreasing length). Nothing before compile().
  template <typename OnMatch>
  void match(std::string_view text, OnMatch&& on_match) const;

  std::vector<Match> match(std::string_view text) const;

 private:
  using State = uint32_t;

  void assign_byte_classes();
  // Returns, per trie node, the phrases that end exactly there.
  std::vector<std::vector<uint32_t>> build_trie();
  void link_failures(const std::vector<std::vector<uint32_t>>& ends_at);

  std::vector<std::string> phrases_;  // normalised: lower case, single spaces
  bool compiled_ = false;

  uint8_t byte_class_[256] = {};
  uint8_t space_class_ = 0;  // the class of every white-space byte; 0 when no phrase has a space
  size_t class_count_ = 1;   // class 0: bytes that occur in no phrase

  std::vector<State> next_;             // next_[state * class_count_ + class]
  std::vector<uint32_t> output_begin_;  // outputs of state s: outputs_[output_begin_[s] .. [s + 1])
  std::vector<uint32_t> outputs_;       // phrase indices, longest first
};

template <typename OnMatch>
void PhraseMatcher::match(std::string_view text, OnMatch&& on_match) const {
  if (!compiled_ || phrases_.empty()) return;
  State state = 0;
  bool after_space = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const uint8_t byte_class = byte_class_[static_cast<unsigned char>(text[i])];
    const bool is_space = space_class_ != 0 && byte_class == space_class_;
    if (is_space && after_space) continue;  // the rest of a white-space run
    after_space = is_space;
    state = next_[state * class_count_ + byte_class];
    for (uint32_t k = output_begin_[state]; k < output_begin_[state + 1]; ++k) {
      on_match(static_cast<size_t>(outputs_[k]), i + 1);
    }
  }
}

}  // namespace bounceback::classify
