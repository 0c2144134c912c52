// Build-time generator: compiles the phrases looked for in a reply (rules.def with rules_intl.def,
// then provider_rules.def, the order of the classifier's kRules, then the blocklists' phrases of
// blocklists.def, so that one pass finds both), the format families' claim phrases
// (formats/claim_phrases.def), the From fragments of formats/senders.def and
// formats/bounce_senders.def and the explanations' network problems and host markers
// (explain/network_problems.def, explain/host_markers.def) into PhraseMatchers and writes their
// tables as constexpr arrays: the definitions of generated_automata.h. CMake runs it again whenever
// a .def changes.
// Usage: gen_automata OUTPUT.cpp
#include <cstdio>
#include <span>
#include <string>
#include <string_view>

#include "classify/matcher.h"

namespace {

using bounceback::classify::PhraseMatcher;
using bounceback::classify::Spacing;

constexpr std::string_view kReplyPhrases[] = {
#define BB_RULE(reason, strength, phrase) phrase,
#include "classify/rules.def"
#undef BB_RULE
#define BB_PROVIDER_RULE(provider, reason, phrase) phrase,
#define BB_PROVIDER_CODE(provider, marker, first, last, reason)
#include "classify/provider_rules.def"
#undef BB_PROVIDER_CODE
#undef BB_PROVIDER_RULE
#define BB_BLOCKLIST(name, zone, phrase) phrase,
#include "classify/blocklists.def"
#undef BB_BLOCKLIST
};

constexpr std::string_view kClaimPhrases[] = {
#define BB_CLAIM_PHRASE(phrase) phrase,
#include "formats/claim_phrases.def"
#undef BB_CLAIM_PHRASE
};

constexpr std::string_view kSenderFragments[] = {
#define BB_SENDER(fragment, name) fragment,
#include "formats/senders.def"
#undef BB_SENDER
};

constexpr std::string_view kBounceSenders[] = {
#define BB_BOUNCE_SENDER(fragment) fragment,
#include "formats/bounce_senders.def"
#undef BB_BOUNCE_SENDER
};

constexpr std::string_view kNetworkProblemPhrases[] = {
#define BB_NETWORK_PROBLEM(phrase, problem) phrase,
#include "explain/network_problems.def"
#undef BB_NETWORK_PROBLEM
};

constexpr std::string_view kHostMarkers[] = {
#define BB_HOST_MARKER(marker) marker,
#include "explain/host_markers.def"
#undef BB_HOST_MARKER
};

// "constexpr uint32_t kPrefixName[] = {1, 2, ...};", never empty (C++ has no empty arrays).
template <typename T>
void write_array(std::FILE* out, const char* type, const std::string& name, std::span<const T> values,
                 const char* qualifier = "") {
  std::fprintf(out, "%sconstexpr %s %s[] = {", qualifier, type, name.c_str());
  for (size_t i = 0; i < values.size(); ++i) {
    std::fprintf(out, "%s%lu", i % 24 == 0 ? "\n    " : " ", static_cast<unsigned long>(values[i]));
    if (i + 1 < values.size()) std::fputc(',', out);
  }
  if (values.empty()) std::fputs("0", out);
  std::fputs("};\n", out);
}

// Compiles `phrases`; false (with a message) when one is refused.
bool compile(std::span<const std::string_view> phrases, PhraseMatcher& matcher) {
  for (std::string_view phrase : phrases) {
    if (!matcher.add(phrase).ok()) {
      std::fprintf(stderr, "gen_automata: phrase refused: \"%.*s\"\n", static_cast<int>(phrase.size()),
                   phrase.data());
      return false;
    }
  }
  matcher.compile();
  return true;
}

// The arrays of one automaton, prefixed "k<Name>", and the function `function` returning them.
void write_automaton(std::FILE* out, const std::string& name, const char* function, const char* spacing,
                     const PhraseMatcher::Tables& t) {
  const std::string k = "k" + name;
  std::fputs("namespace {\n\n", out);
  write_array<uint8_t>(out, "uint8_t", k + "ByteClass", t.byte_class);
  write_array<uint32_t>(out, "uint32_t", k + "DenseRow", t.dense_row);
  write_array<uint32_t>(out, "uint32_t", k + "Dense", t.dense);
  write_array<uint32_t>(out, "uint32_t", k + "Sparse", t.sparse);
  // A DFA's rows are whole cache lines when the table starts on one (PhraseMatcher::dfa_stride).
  write_array<uint16_t>(out, "uint16_t", k + "Dfa", t.dfa, "alignas(64) ");
  write_array<uint32_t>(out, "uint32_t", k + "EndsBegin", t.ends_begin);
  write_array<uint32_t>(out, "uint32_t", k + "Ends", t.ends);
  write_array<uint32_t>(out, "uint32_t", k + "OutputLink", t.output_link);
  write_array<uint32_t>(out, "uint32_t", k + "FirstOutput", t.first_output);
  std::fprintf(out,
               "\n}  // namespace\n\n"
               "PhraseMatcher::Tables %s() {\n"
               "  PhraseMatcher::Tables t;\n"
               "  t.spacing = Spacing::%s;\n"
               "  t.phrase_count = %lu;\n"
               "  t.byte_class = %sByteClass;\n"
               "  t.space_class = %u;\n"
               "  t.class_count = %lu;\n"
               "  t.output_begin = %lu;\n"
               "  t.output_end = %lu;\n",
               function, spacing, static_cast<unsigned long>(t.phrase_count), k.c_str(),
               static_cast<unsigned>(t.space_class), static_cast<unsigned long>(t.class_count),
               static_cast<unsigned long>(t.output_begin), static_cast<unsigned long>(t.output_end));
  // A table that is empty in the matcher is written with one placeholder element: cut it off.
  const auto span_line = [&](const char* field, const char* array, size_t size) {
    std::fprintf(out, "  t.%s = std::span(%s%s).first(%lu);\n", field, k.c_str(), array,
                 static_cast<unsigned long>(size));
  };
  span_line("dense_row", "DenseRow", t.dense_row.size());
  span_line("dense", "Dense", t.dense.size());
  span_line("sparse", "Sparse", t.sparse.size());
  span_line("dfa", "Dfa", t.dfa.size());
  span_line("ends_begin", "EndsBegin", t.ends_begin.size());
  span_line("ends", "Ends", t.ends.size());
  span_line("output_link", "OutputLink", t.output_link.size());
  span_line("first_output", "FirstOutput", t.first_output.size());
  std::fputs("  return t;\n}\n\n", out);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s OUTPUT.cpp\n", argv[0]);
    return 2;
  }
  PhraseMatcher replies(Spacing::kFolded);
  PhraseMatcher claims(Spacing::kExact);
  PhraseMatcher senders(Spacing::kExact);
  PhraseMatcher bounce_senders(Spacing::kExact);
  PhraseMatcher network_problems(Spacing::kExact);
  PhraseMatcher host_markers(Spacing::kExact);
  if (!compile(kReplyPhrases, replies) || !compile(kClaimPhrases, claims) || !compile(kSenderFragments, senders) ||
      !compile(kBounceSenders, bounce_senders) ||
      !compile(kNetworkProblemPhrases, network_problems) || !compile(kHostMarkers, host_markers)) {
    return 1;
  }

  const std::string path = argv[1];
  std::FILE* out = std::fopen(path.c_str(), "w");
  if (out == nullptr) {
    std::perror(path.c_str());
    return 1;
  }
  std::fputs("// Generated by src/classify/generator/gen_automata.cpp from rules.def (with rules_intl.def), provider_rules.def,\n"
             "// blocklists.def, claim_phrases.def, senders.def, bounce_senders.def, network_problems.def and\n"
             "// host_markers.def.\n"
             "#include <cstdint>\n\n#include \"classify/generated_automata.h\"\n\n"
             "namespace bounceback::classify {\n\n", out);
  write_automaton(out, "Reply", "reply_automaton_tables", "kFolded", replies.tables());
  write_automaton(out, "Claim", "claim_automaton_tables", "kExact", claims.tables());
  write_automaton(out, "Sender", "sender_automaton_tables", "kExact", senders.tables());
  write_automaton(out, "BounceSender", "bounce_sender_automaton_tables", "kExact", bounce_senders.tables());
  write_automaton(out, "NetworkProblem", "network_problem_automaton_tables", "kExact", network_problems.tables());
  write_automaton(out, "HostMarker", "host_marker_automaton_tables", "kExact", host_markers.tables());
  std::fputs("}  // namespace bounceback::classify\n", out);
  if (std::fclose(out) != 0) {
    std::perror(path.c_str());
    return 1;
  }
  return 0;
}
