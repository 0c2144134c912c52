// Automatons compiled at build time by src/classify/generator/gen_automata.cpp from the .def
// files: their tables are constexpr data in the library, so a process loads them instead of
// compiling over a thousand phrases when it starts.
#pragma once

#include "classify/matcher.h"

namespace bounceback::classify {

// The phrase rules in kRules order (rules.def with rules_intl.def, then provider_rules.def), white space folded.
PhraseMatcher::Tables rule_automaton_tables();

// The blocklists' phrases in blocklists.def order, white space folded.
PhraseMatcher::Tables blocklist_automaton_tables();

// The format families' claim phrases (formats/claim_phrases.def) in table order, spacing exact.
PhraseMatcher::Tables claim_automaton_tables();

}  // namespace bounceback::classify
