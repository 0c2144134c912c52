// Automatons compiled at build time by src/classify/generator/gen_automata.cpp from the .def
// files: their tables are constexpr data in the library, so a process loads them instead of
// compiling over a thousand phrases when it starts.
#pragma once

#include <cstddef>
#include <iterator>
#include <string_view>

#include "classify/matcher.h"

namespace bounceback::classify {

// The phrases looked for in a reply, white space folded: the phrase rules in kRules order
// (rules.def with rules_intl.def, then provider_rules.def), kRulePhraseCount of them, then the
// blocklists' phrases in blocklists.def order.
PhraseMatcher::Tables reply_automaton_tables();

// The phrase rules, counted here so that a match's index tells a rule from a blocklist.
inline constexpr std::string_view kRulePhrases[] = {
#define BB_RULE(reason, strength, phrase) phrase,
#include "classify/rules.def"
#undef BB_RULE
#define BB_PROVIDER_RULE(provider, reason, phrase) phrase,
#define BB_PROVIDER_CODE(provider, marker, first, last, reason)
#include "classify/provider_rules.def"
#undef BB_PROVIDER_CODE
#undef BB_PROVIDER_RULE
};
inline constexpr size_t kRulePhraseCount = std::size(kRulePhrases);

// The automaton of reply_automaton_tables(), loaded once.
const PhraseMatcher& reply_phrase_matcher();

// The format families' claim phrases (formats/claim_phrases.def) in table order, spacing exact.
PhraseMatcher::Tables claim_automaton_tables();

// The From fragments of formats/senders.def and of formats/bounce_senders.def, each in table
// order, spacing exact.
PhraseMatcher::Tables sender_automaton_tables();
PhraseMatcher::Tables bounce_sender_automaton_tables();

// The phrases of explain/network_problems.def and the markers of explain/host_markers.def, each in
// table order, spacing exact.
PhraseMatcher::Tables network_problem_automaton_tables();
PhraseMatcher::Tables host_marker_automaton_tables();

}  // namespace bounceback::classify
